from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Offre de services"
    default_auto_field = "django.db.models.BigAutoField"
    # Its permissions (offers/rules.py) are imported by rules' autodiscovery, like every app's.

    def ready(self):
        from core.page_cache import register_version
        from offers import blocks_requests, blocks_suggestions
        from offers.selectors import catalogue_version

        # Cached pages (the /offre/ catalogue, « Services mobilisés ») show a change at once.
        register_version("catalogue", catalogue_version)
        blocks_requests.register()
        blocks_suggestions.register()
