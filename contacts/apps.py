from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts et demandes"
    default_auto_field = "django.db.models.BigAutoField"
    # Its permissions (contacts/rules.py) are imported by rules' autodiscovery, like every app's.

    def ready(self):
        from contacts import blocks_directory

        blocks_directory.register()

        from contacts import blocks_dashboard

        blocks_dashboard.register()
