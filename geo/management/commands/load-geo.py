from django.core.management.base import BaseCommand, CommandError

from geo.cog import CogUnavailable
from geo.services import load_geo
from geo.sources import DataFileMissing


class Command(BaseCommand):
    help = (
        "Charge régions, départements, EPCI/EPT et communes (COG courant) et leurs contours ANCT."
    )

    def handle(self, *args, **options):
        try:
            report = load_geo()
        except (DataFileMissing, CogUnavailable) as error:
            raise CommandError(str(error)) from error
        for line in report.lines():
            self.stdout.write(line)
