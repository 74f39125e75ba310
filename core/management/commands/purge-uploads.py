from django.core.management.base import BaseCommand

from core.french import quantity
from core.imports import purge_uploads
from core.uploads import registered_purges


class Command(BaseCommand):
    help = (
        "Supprime les fichiers d'import déposés et jamais confirmés (aperçus abandonnés, requêtes "
        "interrompues) plus vieux que l'âge donné ; les imports en attente ou en cours sont préservés."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--heures",
            type=float,
            default=None,
            help="âge minimal des fichiers supprimés, en heures (24 par défaut)",
        )

    def handle(self, *args, heures=None, **options):
        deleted = purge_uploads(heures)
        self.stdout.write(
            quantity(deleted, "fichier d'import supprimé.", "fichiers d'import supprimés.")
        )
        for singular, plural, purge in registered_purges():
            self.stdout.write(quantity(purge(), singular, plural))
