from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.french import quantity
from plans.models import Action
from plans.services.exporting import export_actions
from plans.spreadsheet.files import UnreadableFile, format_of
from territories.models import Territory


class Command(BaseCommand):
    help = (
        "Exporte les fiches action (toutes, y compris confidentielles : commande réservée à l'exploitation) "
        "au format du modèle de plan d'action, en XLSX ou CSV selon l'extension du fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="fichier à écrire : .xlsx ou .csv")
        parser.add_argument(
            "--phase", help="code de la phase, par exemple 2023-2027 (toutes sinon)"
        )
        parser.add_argument(
            "--territoire", help="identifiant ANCT d'un territoire, par exemple ti-1108"
        )

    def handle(self, *args, output, phase=None, territoire=None, **options):
        try:
            fmt = format_of(output)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        actions = Action.objects.all()
        if phase:
            actions = actions.filter(plan__territory__phase_id=phase)
        if territoire:
            territories = Territory.objects.filter(
                ti_id=territoire, **({"phase_id": phase} if phase else {})
            )
            if not territories.exists():
                raise CommandError(
                    f"Territoire « {territoire} » inconnu{f' dans la phase {phase}' if phase else ''}."
                )
            if territories.count() > 1:
                raise CommandError(
                    f"« {territoire} » existe dans plusieurs phases : précisez --phase."
                )
            actions = actions.filter(plan__territory__in=territories)
        with Path(output).open("wb") as stream:
            count = export_actions(actions, stream, fmt)
        self.stdout.write(
            quantity(count, "action exportée", "actions exportées") + f" dans {output}."
        )
