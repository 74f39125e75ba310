from django.core.management.base import BaseCommand, CommandError

from core.imports import ImportRefused
from plans.services.importing import import_plans


class Command(BaseCommand):
    help = (
        "Importe des fiches action depuis le modèle de plan d'action (XLSX ou CSV) : tout ou rien, mise à jour "
        "par code d'action ; sort en erreur sans rien modifier si le fichier contient la moindre erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="fichier .xlsx ou .csv au format du modèle")
        parser.add_argument(
            "--phase", required=True, help="code de la phase, par exemple 2023-2027"
        )
        parser.add_argument(
            "--territoire", help="identifiant ANCT : toutes les lignes vont dans ce plan"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="vérifie et décrit l'import sans rien enregistrer",
        )

    def handle(self, *args, input, phase, territoire=None, dry_run=False, **options):
        try:
            report = import_plans(input, phase, territory_id=territoire, dry_run=dry_run)
        except ImportRefused as refused:
            raise refused.command_error(self.stderr) from refused
        except FileNotFoundError as error:
            raise CommandError(f"{input} : fichier introuvable.") from error
        self.stdout.write(report.summary())
