from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans d'action"
    default_auto_field = "django.db.models.BigAutoField"
    # Its permissions (plans/rules.py) are imported by rules' autodiscovery, like every app's.
