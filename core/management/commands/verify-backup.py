from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, verify_backup


class Command(BaseCommand):
    help = (
        "Vérifie une sauvegarde sans la restaurer : sommes SHA-256 de chaque fichier et nombre de "
        "lignes de chaque table relu dans la sauvegarde elle-même."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="dossier écrit par « territoires backup »")

    def handle(self, *args, dossier, **options):
        try:
            problems = verify_backup(Path(dossier))
        except BackupError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("Sauvegarde invalide :\n" + "\n".join(problems))
        self.stdout.write(f"Sauvegarde {dossier} vérifiée : sommes et nombres de lignes conformes.")
