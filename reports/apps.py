from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Fiches, communiqués et rapports"

    def ready(self):
        from reports.services import builders  # noqa: F401  (registers the PDFs' kinds)
