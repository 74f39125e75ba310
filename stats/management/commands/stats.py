from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from stats.services.dashboard import as_json, dashboard_figures
from stats.services.scope import Scope
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
        parser.add_argument(
            "--tableau-de-bord",
            action="store_true",
            help="tous les chiffres publics du tableau de bord (JSON, ceux de GET "
            "/api/v1/stats/tableau-de-bord) : France entière, ou --region, --departement, "
            "--territoire ; --by, --mode et --format sont alors sans effet",
        )
        area = parser.add_mutually_exclusive_group()
        area.add_argument("--region", help="avec --tableau-de-bord : code d'une région (11)")
        area.add_argument(
            "--departement", help="avec --tableau-de-bord : code d'un département (77)"
        )
        area.add_argument(
            "--territoire", help="avec --tableau-de-bord : identifiant d'un territoire (ti-1108)"
        )

    def handle(self, *args, **options):
        phase = Phase.objects.filter(code=options["phase"]).first()
        if phase is None:
            raise CommandError(
                f"Phase inconnue : {options['phase']} (phases : {', '.join(Phase.objects.values_list('code', flat=True))})."
            )
        if options["tableau_de_bord"]:
            write_json(self.stdout, as_json(dashboard_figures(phase, self._scope(phase, options))))
            return
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

    def _scope(self, phase, options) -> Scope:
        for kind, option in (("region", "region"), ("departement", "departement")):
            if options[option]:
                scope = Scope(kind, options[option])
                try:
                    scope.area()
                except Http404:
                    raise CommandError(f"Code inconnu : --{option} {options[option]}.") from None
                return scope
        if options["territoire"]:
            if not phase.territories.filter(ti_id=options["territoire"]).exists():
                raise CommandError(
                    f"Territoire inconnu dans la phase {phase.code} : {options['territoire']}."
                )
            return Scope.territory(options["territoire"])
        return Scope.national()
