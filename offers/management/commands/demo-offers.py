from django.core.management.base import BaseCommand, CommandError

from offers.services.demo import create_demo_offers


class Command(BaseCommand):
    help = (
        "Crée des demandes de service et des décisions d'exemple, toujours les mêmes (messages préfixés "
        "« [Exemple] »), sur les plans d'exemple de « territoires demo-plans » : services du catalogue "
        "s'il est chargé, sinon quelques opérateurs et services d'exemple ; démonstration uniquement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phase", default="2023-2027")
        parser.add_argument(
            "--territoires", type=int, default=5, help="nombre de territoires (5 par défaut)"
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="graine du générateur (0 par défaut)"
        )

    def handle(self, *args, phase, territoires, seed, **options):
        try:
            report = create_demo_offers(phase, territoires, seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
