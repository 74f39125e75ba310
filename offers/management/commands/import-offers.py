from django.core.management.base import BaseCommand, CommandError

from core.imports import ImportRefused
from offers.services.catalogue import import_catalogue


class Command(BaseCommand):
    help = (
        "Importe un catalogue de services (XLSX ou CSV, colonnes de docs/offers.md) : tout ou rien, mise à "
        "jour par identifiant ; sort en erreur sans rien modifier si le fichier contient la moindre erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="fichier .xlsx (feuille « Catalogue ») ou .csv")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="vérifie et décrit l'import sans rien enregistrer",
        )

    def handle(self, *args, input, dry_run=False, **options):
        try:
            report = import_catalogue(input, dry_run=dry_run)
        except ImportRefused as refused:
            raise refused.command_error(self.stderr) from refused
        except FileNotFoundError as error:
            raise CommandError(f"{input} : fichier introuvable.") from error
        self.stdout.write(report.summary())
