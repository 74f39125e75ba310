from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Offre de services"
    default_auto_field = "django.db.models.BigAutoField"
    # Its permissions (offers/rules.py) are imported by rules' autodiscovery, like every app's.

    def ready(self):
        from offers import blocks_requests, blocks_suggestions

        blocks_requests.register()
        blocks_suggestions.register()

        from offers import blocks_dashboard

        blocks_dashboard.register()
