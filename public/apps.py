from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Site public"

    def ready(self):
        from core.backups import register_manifest_extra
        from public.services.versioning import data_version

        # A backup records the data version its pages and caches were built from (core/backups.py).
        register_manifest_extra("data_version", data_version)
