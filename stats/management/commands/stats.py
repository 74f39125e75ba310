from django.core.management.base import BaseCommand, CommandError

from stats.services.territories import BY_CHOICES, MODE_CHOICES, territory_counts
from territories.management.output import FORMATS, write_json, write_rows
from territories.models import Phase


class Command(BaseCommand):
    help = "Nombre de territoires d'une phase par région ou par département, avec leurs identifiants et noms."

    def add_arguments(self, parser):
        parser.add_argument(
            "--phase", required=True, help="code de la phase, par exemple 2023-2027"
        )
        parser.add_argument(
            "--by", choices=BY_CHOICES, default="region", help="regroupement (défaut : region)"
        )
        parser.add_argument(
            "--mode",
            choices=MODE_CHOICES,
            default="principal",
            help="principal : chaque territoire une fois, dans sa région/son département principal ; "
            "touching : dans chaque région/département qu'il touche",
        )
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, **options):
        phase = Phase.objects.filter(code=options["phase"]).first()
        if phase is None:
            raise CommandError(
                f"Phase inconnue : {options['phase']} (phases : {', '.join(Phase.objects.values_list('code', flat=True))})."
            )
        rows = territory_counts(phase, options["by"], options["mode"])
        if options["format"] == "json":
            write_json(self.stdout, rows)
            return
        write_rows(
            self.stdout,
            ["code", "nom", "nombre", "territoires"],
            [
                [
                    r["code"],
                    r["nom"],
                    r["nombre"],
                    "; ".join(f"{t['id']} {t['nom']}" for t in r["territoires"]),
                ]
                for r in rows
            ],
            options["format"],
        )
