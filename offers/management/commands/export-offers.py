from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.french import quantity
from offers.models import Service
from offers.services.catalogue import export_catalogue
from offers.spreadsheet.files import UnreadableFile, format_of


class Command(BaseCommand):
    help = (
        "Exporte le catalogue de services (tous les services, ouverts et fermés) au format de l'import, "
        "en XLSX ou CSV selon l'extension du fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="fichier à écrire : .xlsx ou .csv")
        parser.add_argument(
            "--operateur", help="identifiant d'un opérateur : ses services seulement"
        )

    def handle(self, *args, output, operateur=None, **options):
        try:
            fmt = format_of(output)
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        services = Service.objects.all()
        if operateur:
            services = services.filter(operator__slug=operateur)
        with Path(output).open("wb") as stream:
            count = export_catalogue(services, stream, fmt)
        self.stdout.write(
            quantity(count, "service exporté", "services exportés") + f" dans {output}."
        )
