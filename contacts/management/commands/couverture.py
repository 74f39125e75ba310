from django.core.management.base import BaseCommand

from contacts.services.coverage import coverage
from territories.management.output import write_json


class Command(BaseCommand):
    help = (
        "Contrôle de couverture de l'annuaire : territoires (dernière phase), départements et "
        "régions sans équipe, équipes sans membre joignable par courriel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, **options):
        result = coverage()
        if options["format"] == "json":
            write_json(self.stdout, result.as_json())
            return
        data = result.as_json()
        if not result.national:
            self.stdout.write(
                "Aucune équipe nationale : les demandes non couvertes n'ont pas de destinataire."
            )
        sections = [
            (
                f"Territoires sans équipe (phase {data['phase']})",
                data["territoires_sans_equipe"],
                "id",
            ),
            ("Départements sans équipe", data["departements_sans_equipe"], "code"),
            ("Régions sans équipe", data["regions_sans_equipe"], "code"),
        ]
        for title, items, key in sections:
            self.stdout.write(f"{title} : {len(items)}")
            for item in items:
                self.stdout.write(f"  {item[key]}  {item['nom']}")
        teams = data["equipes_sans_destinataire"]
        self.stdout.write(f"Équipes sans membre joignable par courriel : {len(teams)}")
        for team in teams:
            self.stdout.write(
                f"  {team['niveau']}  {team['code'] or '—'}  {team['nom']} — {team['organisation']}"
            )
        if result.complete:
            self.stdout.write("Couverture complète.")
