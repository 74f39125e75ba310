from django.core.management.base import BaseCommand, CommandError

from plans.services.demo import create_demo_plans


class Command(BaseCommand):
    help = (
        "Crée des plans d'action d'exemple, toujours les mêmes (titres préfixés « [Exemple] ») : ti-1108 "
        "puis un territoire par région de métropole, un plan dans chaque état (validé puis modifié, "
        "validé, soumis, brouillon, renvoyé en brouillon) ; démonstration et développement uniquement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phase", default="2023-2027")
        parser.add_argument(
            "--territoires", type=int, default=5, help="nombre de territoires (5 par défaut)"
        )
        parser.add_argument(
            "--actions", type=int, default=24, help="actions par territoire (24 par défaut)"
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="graine du générateur (0 par défaut)"
        )

    def handle(self, *args, phase, territoires, actions, seed, **options):
        try:
            report = create_demo_plans(phase, territoires, actions, seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())
