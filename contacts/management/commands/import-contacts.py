from django.core.management.base import BaseCommand

from contacts.services.importing import import_contacts
from core.imports import ImportRefused


class Command(BaseCommand):
    help = (
        "Importe l'annuaire des équipes (CSV « ; » ou « , », UTF-8 ou Windows-1252, ou XLSX ; "
        "colonnes dans docs/contacts.md). Tout ou rien ; les membres absents du fichier sont "
        "retirés des équipes qu'il liste."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FICHIER", help="fichier .csv ou .xlsx")
        parser.add_argument(
            "--dry-run", action="store_true", help="vérifier et résumer sans rien enregistrer"
        )

    def handle(self, *args, **options):
        try:
            summary = import_contacts(options["file"], dry_run=options["dry_run"])
        except ImportRefused as refused:
            raise refused.command_error(self.stderr) from refused
        for line in summary.lines():
            self.stdout.write(line)
