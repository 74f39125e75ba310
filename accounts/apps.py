from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes, rôles et journal"

    def ready(self):
        # Permissions are registered by accounts/rules.py, which rules' autodiscovery imports.
        from accounts import signals  # noqa: F401  (registers the signal handlers)
