from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Site public"

    def ready(self):
        from core.backups import register_manifest_extra
        from core.page_cache import register_version
        from public.services.versioning import data_version

        register_version("data", data_version)  # the public pages' cache key (core/page_cache.py)
        # A backup records the data version its pages and caches were built from (core/backups.py).
        register_manifest_extra("data_version", data_version)
