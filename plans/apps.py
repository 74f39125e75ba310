from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans d'action"
    default_auto_field = "django.db.models.BigAutoField"
    # Its permissions (plans/rules.py) are imported by rules' autodiscovery, like every app's.

    def ready(self):
        from core.page_cache import register_version
        from plans.services.publication import publication_version

        # A plan's validation publishes a new version of its public pages: part of the cache's key, so
        # the territory page and the public plan show it at once (core/page_cache.py).
        register_version("publications", publication_version)
