from django.conf import settings
from django.core.management.base import BaseCommand

from contacts.services.purge_requests import purge_requests
from core.french import quantity


class Command(BaseCommand):
    help = (
        "Efface les données personnelles des demandes « Contactez-nous » reçues il y a plus de "
        "CONTACT_REQUEST_RETENTION_MONTHS mois (24 par défaut) : nom, organisation, SIRET, adresse, "
        "téléphone, message et textes des étapes. Les dates, la commune et l'équipe restent (délais "
        "publiés)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="liste les demandes concernées sans rien effacer"
        )

    def handle(self, *args, dry_run=False, **options):
        report = purge_requests(dry_run=dry_run)
        count = len(report.references)
        verb = (
            quantity(count, "demande serait effacée", "demandes seraient effacées")
            if dry_run
            else quantity(count, "demande effacée", "demandes effacées")
        )
        self.stdout.write(
            f"{verb} (reçues avant le {report.cutoff:%d/%m/%Y}, conservation "
            f"{settings.CONTACT_REQUEST_RETENTION_MONTHS} mois)."
        )
        for reference in report.references:
            self.stdout.write(f"  {reference}")
