from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes, rôles et journal"

    def ready(self):
        from accounts import permissions, signals  # noqa: F401  (registers rules and signal handlers)
