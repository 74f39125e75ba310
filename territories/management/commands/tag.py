import sys

from django.core.management.base import BaseCommand, CommandError

from core.imports import ImportRefused
from territories.services.tagging import Columns, tag_file


class Command(BaseCommand):
    # The system checks walk the static files' finders (node_modules included): ~1 s measured on the
    # shared machine, a third of tagging 1,000,000 commune codes; `manage.py check` and the tests run them.
    requires_system_checks = []
    help = (
        "Étiquette chaque ligne d'un fichier CSV ou XLSX avec son ou ses Territoires d'industrie, "
        "d'après un code commune, un SIREN ou des coordonnées (docs/tagging.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "input", metavar="ENTREE", help="fichier CSV (tout séparateur, tout encodage) ou XLSX"
        )
        parser.add_argument(
            "output",
            metavar="SORTIE",
            help="fichier écrit : XLSX si son nom finit par .xlsx, CSV (UTF-8) sinon",
        )
        parser.add_argument(
            "--phase", metavar="PHASE", help="code de la phase (la plus récente par défaut)"
        )
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument(
            "--commune-col", metavar="COLONNE", help="colonne du code INSEE de la commune"
        )
        where.add_argument(
            "--siren-col",
            metavar="COLONNE",
            help="colonne du SIREN d'une commune ou d'une intercommunalité",
        )
        where.add_argument(
            "--lon-col", metavar="COLONNE", help="colonne de la longitude (WGS 84, avec --lat-col)"
        )
        parser.add_argument(
            "--lat-col", metavar="COLONNE", help="colonne de la latitude (WGS 84, avec --lon-col)"
        )
        parser.add_argument(
            "--processus",
            type=int,
            default=None,
            metavar="N",
            help="processus (par défaut : pour les points, un par cœur au-delà de 100 000 points ; "
            "pour les codes et SIREN, de CSV à CSV, deux au-delà de 4 Mo ; 1 : un seul)",
        )

    def handle(self, *args, **options):
        if bool(options["lon_col"]) != bool(options["lat_col"]):
            raise CommandError("--lon-col et --lat-col vont ensemble : indiquez les deux.")
        columns = Columns(
            commune=options["commune_col"],
            siren=options["siren_col"],
            lon=options["lon_col"],
            lat=options["lat_col"],
        )
        try:
            report = tag_file(
                options["input"],
                options["output"],
                columns,
                phase=options["phase"],
                workers=options["processus"],
            )
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError("Étiquetage impossible ; aucun fichier écrit.") from refused
        except KeyboardInterrupt:
            self.stderr.write("Étiquetage interrompu ; aucun fichier écrit.")
            sys.exit(130)
        self.stderr.write(report.summary())
