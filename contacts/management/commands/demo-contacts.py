from django.core.management.base import BaseCommand

from contacts.services.demo import load_demo_contacts


class Command(BaseCommand):
    help = (
        "Crée ou met à jour des équipes d'exemple (« [Exemple] », adresses sur example.org) : "
        "Nord Est 77, Seine-et-Marne, Île-de-France, équipe nationale, une équipe par région "
        "métropolitaine. Idempotent."
    )

    def handle(self, *args, **options):
        for line in load_demo_contacts():
            self.stdout.write(line)
