from django.core.management.base import BaseCommand

from offers.services.initial_catalogue import load


class Command(BaseCommand):
    help = (
        "Charge les opérateurs et le catalogue initial de l'offre de services, chaque fiche tirée de sa "
        "source publique ; idempotent (une seconde exécution ne change rien) et dit ce qu'il a créé ou "
        "mis à jour."
    )

    def handle(self, *args, **options):
        for line in load().lines():
            self.stdout.write(line)
