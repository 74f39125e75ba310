from django.core.management.base import BaseCommand, CommandError

from core.imports import ImportRefused
from geo.cog import CogUnavailable
from territories.services.importing import import_territories


class Command(BaseCommand):
    help = (
        "Importe les territoires d'une phase depuis un fichier ANCT (GeoJSON ou CSV data.gouv.fr des communes "
        "ou des groupements), format détecté d'après le contenu."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="fichier GeoJSON ou CSV publié par l'ANCT")
        parser.add_argument(
            "--phase", required=True, help="code de la phase, par exemple 2023-2027"
        )
        parser.add_argument(
            "--cog",
            type=int,
            default=None,
            help="millésime du COG des codes du fichier (détecté sinon)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="vérifie et décrit l'import sans rien enregistrer",
        )
        parser.add_argument(
            "--allow-unresolved",
            action="store_true",
            help="importe malgré des SIREN ou codes INSEE introuvables (ils sont ignorés et signalés)",
        )

    def handle(self, *args, **options):
        try:
            report = import_territories(
                options["path"],
                options["phase"],
                cog_year=options["cog"],
                dry_run=options["dry_run"],
                allow_unresolved=options["allow_unresolved"],
            )
        except ImportRefused as refused:
            raise refused.command_error(self.stderr) from refused
        except CogUnavailable as error:
            raise CommandError(str(error)) from error
        for problem in report.unresolved:
            self.stderr.write(f"ignoré : {problem}")
        for warning in report.warnings:
            self.stderr.write(f"attention : {warning}")
        self.stdout.write(report.summary())
