from django.apps import AppConfig


class TaggingConfig(AppConfig):
    name = "tagging"
    verbose_name = "Étiquetage de fichiers"
    default_auto_field = "django.db.models.BigAutoField"
    # Its permissions (tagging/rules.py) are imported by rules' autodiscovery, like every app's.

    def ready(self):
        from core.uploads import register_purge
        from tagging import blocks

        blocks.register()
        # `territoires purge-uploads` deletes the files of jobs finished RESULT_RETENTION ago.
        register_purge(
            "étiquetage expiré (fichiers supprimés).",
            "étiquetages expirés (fichiers supprimés).",
            _purge_old_results,
        )


def _purge_old_results() -> int:
    from tagging.services import purge_old_results  # loads numpy: only when the command runs

    return purge_old_results()
