from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The open data page (/donnees/) and its bulk downloads, rebuilt in the background when the data
    change (docs/opendata.md). Sits above api and public: it reuses their exporters."""

    name = "opendata"
    verbose_name = "Données ouvertes"
    default_auto_field = "django.db.models.BigAutoField"
