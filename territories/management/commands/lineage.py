from django.core.management.base import BaseCommand, CommandError

from territories.management.output import FORMATS, write_json, write_rows
from territories.models import Phase
from territories.services.lineage_report import lineage_rows


class Command(BaseCommand):
    help = (
        "Filiation des territoires d'une phase avec la phase précédente : statut (nouveau, reconduit, etendu, "
        "reduit, recompose) et prédécesseurs avec la part des communes en commun."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phase", required=True)
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, **options):
        phase = Phase.objects.filter(code=options["phase"]).first()
        if phase is None:
            raise CommandError(f"Phase inconnue : {options['phase']}.")
        rows = lineage_rows(phase)
        if options["format"] == "json":
            write_json(self.stdout, rows)
            return
        write_rows(
            self.stdout,
            ["id", "nom", "statut", "predecesseurs", "devenir", "successeurs"],
            [
                [
                    r["id"],
                    r["nom"],
                    r["statut"],
                    "; ".join(
                        f"{p['id']} {p['nom']} ({p['part_communes']:.0%})"
                        for p in r["predecesseurs"]
                    ),
                    r["devenir"],
                    "; ".join(
                        f"{s['id']} {s['nom']} ({s['part_communes']:.0%})" for s in r["successeurs"]
                    ),
                ]
                for r in rows
            ],
            options["format"],
        )
