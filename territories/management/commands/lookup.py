from django.core.management.base import BaseCommand, CommandError

from territories.management.output import write_json, write_rows
from territories.models import Phase
from territories.services.lookup import LookupError, commune_lookup
from territories.services.spatial import point_lookup_phases


class Command(BaseCommand):
    help = "Dans quel(s) Territoire(s) d'industrie se trouve une commune ou un point ?"

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--commune", help="code INSEE, SIREN ou nom exact de la commune")
        target.add_argument(
            "--point", help="LONGITUDE,LATITUDE en degrés WGS 84, par exemple 2.878,48.960"
        )
        parser.add_argument("--phase", help="une seule phase (toutes sinon)")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **options):
        phase = None
        if options["phase"]:
            phase = Phase.objects.filter(code=options["phase"]).first()
            if phase is None:
                raise CommandError(f"Phase inconnue : {options['phase']}.")
        if options["point"]:
            self._point(options["point"], phase, options["format"])
            return
        try:
            result = commune_lookup(options["commune"], phase)
        except LookupError as error:
            raise CommandError("\n".join([str(error), *error.candidates])) from error
        if options["format"] == "json":
            write_json(self.stdout, result)
            return
        commune = result["commune"]
        epci = commune["epci"]["nom"] if commune["epci"] else "aucun"
        if result["ancien_code"]:
            self.stdout.write(
                f"{result['ancien_nom']} ({result['ancien_code']}), fusionnée dans "
                f"{commune['nom']} ({commune['code']})\n"
            )
        self.stdout.write(
            f"{commune['nom']} ({commune['code']}) — EPCI : {epci} — {commune['departement']['nom']}, "
            f"{commune['region']['nom']}\n"
        )
        if not result["territoires"]:
            self.stdout.write("Cette commune n'est dans aucun Territoire d'industrie.\n")
            return
        write_rows(
            self.stdout,
            ["phase", "id", "nom"],
            [[t["phase"], t["id"], t["nom"]] for t in result["territoires"]],
            "table",
        )

    def _point(self, text: str, phase, output_format: str) -> None:
        try:
            lon, lat = (float(part) for part in text.split(","))
        except ValueError as error:
            raise CommandError(
                f"Point illisible : « {text} » (attendu : LONGITUDE,LATITUDE, par exemple 2.878,48.960)."
            ) from error
        phases = [phase] if phase else list(Phase.objects.order_by("number"))
        try:
            answer = point_lookup_phases(lon, lat, phases)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if output_format == "json":
            write_json(self.stdout, answer)
            return
        if answer["territoires"]:
            write_rows(
                self.stdout,
                ["phase", "id", "nom"],
                [[t["phase"], t["id"], t["nom"]] for t in answer["territoires"]],
                "table",
            )
        for near in answer["plus_proches"]:
            self.stdout.write(
                f"Phase {near['phase']} : aucun territoire ici ; le plus proche est {near['nom']} ({near['id']}), "
                f"à {near['distance_km']} km.\n"
            )
