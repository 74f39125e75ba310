from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, create_backup
from core.french import quantity


class Command(BaseCommand):
    help = (
        "Écrit dans DOSSIER (nouveau ou vide) une sauvegarde cohérente de toute la base et des fichiers "
        "déposés, pendant que le site sert : API de sauvegarde en ligne de SQLite, ou pg_dump au format "
        "custom pour PostgreSQL. Voir docs/deploiement.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="dossier de la sauvegarde (créé s'il n'existe pas)")

    def handle(self, *args, dossier, **options):
        try:
            manifest = create_backup(Path(dossier))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Sauvegarde {manifest['engine']} écrite dans {dossier} : "
            + quantity(len(manifest["tables"]), "table", "tables")
            + ", "
            + quantity(rows, "ligne", "lignes")
            + ", "
            + quantity(len(manifest["files"]), "fichier", "fichiers")
            + "."
        )
