from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans d'action"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the plans.* permissions with django-rules (see plans/rules.py).
        from plans import rules  # noqa: F401
