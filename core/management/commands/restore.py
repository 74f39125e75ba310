from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde dans la base configurée (DATABASE_URL), vide ou tout juste migrée, du "
        "même moteur, et dans MEDIA_ROOT vide. Refuse une cible qui contient déjà des données, sauf "
        "--force. Lancez ensuite « territoires migrate » si le code est plus récent que la sauvegarde."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="dossier écrit par « territoires backup »")
        parser.add_argument(
            "--force",
            action="store_true",
            help="remplace les données et les fichiers déjà présents dans la cible",
        )

    def handle(self, *args, dossier, force=False, **options):
        try:
            manifest = restore_backup(Path(dossier), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at'][:19].replace('T', ' ')} restaurée "
            f"({manifest['engine']})."
        )
