from django.core.management.base import BaseCommand

from contacts.services.reminders import send_reminders
from core.french import quantity


class Command(BaseCommand):
    help = (
        "Relance les demandes « Contactez-nous » sans réponse : à J+7, la personne qui la suit (sinon "
        "son équipe) ; à J+21, la demande remonte au niveau supérieur (territoire, département, "
        "région, national). Chaque étape une seule fois : à lancer chaque jour (cron), sans risque "
        "de doublon. Les courriels partent en tâche de fond."
    )

    def handle(self, *args, **options):
        report = send_reminders()
        self.stdout.write(
            quantity(len(report.reminded), "demande relancée", "demandes relancées")
            + (f" : {', '.join(report.reminded)}" if report.reminded else "")
            + "."
        )
        self.stdout.write(
            quantity(len(report.escalated), "demande remontée", "demandes remontées")
            + (f" : {', '.join(report.escalated)}" if report.escalated else "")
            + "."
        )
