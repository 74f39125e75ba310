from django.core.management.base import BaseCommand, CommandError

from contacts.services.routing import route_commune, route_json
from territories.management.output import write_json, write_rows
from territories.models import Phase
from territories.services.lookup import LookupError, find_commune


class Command(BaseCommand):
    help = (
        "Les équipes auxquelles va une demande venant d'une commune : territoire, département, "
        "région, puis l'équipe nationale. Outil d'exploitation : montre tous les membres, publics "
        "ou non (les pages publiques ne montrent que les membres publics)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--commune", required=True, help="code INSEE, SIREN ou nom exact de la commune"
        )
        parser.add_argument(
            "--phase", help="phase des territoires (la plus récente sinon), par exemple 2023-2027"
        )
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **options):
        phase = None
        if options["phase"]:
            phase = Phase.objects.filter(code=options["phase"]).first()
            if phase is None:
                raise CommandError(f"Phase inconnue : {options['phase']}.")
        try:
            commune = find_commune(options["commune"])
        except LookupError as error:
            raise CommandError("\n".join([str(error), *error.candidates])) from error
        answer = route_json(route_commune(commune, phase=phase))
        if options["format"] == "json":
            write_json(self.stdout, answer)
            return
        self.stdout.write(f"{commune.name} ({commune.code})\n")
        if not answer["equipes"]:
            self.stdout.write("Aucune équipe, pas même l'équipe nationale : importez l'annuaire.\n")
            return
        rows = []
        for team in answer["equipes"]:
            members = team["membres"] or [None]
            for member in members:
                rows.append(
                    [
                        team["niveau"],
                        team["code"] or "—",
                        f"{team['nom']} — {team['organisation']}",
                        member["nom"] if member else "(aucun membre)",
                        member["email"] if member else "",
                        ("oui" if member["public"] else "non") if member else "",
                    ]
                )
        write_rows(
            self.stdout, ["niveau", "code", "équipe", "membre", "email", "public"], rows, "table"
        )
