"""Create the council's ordinary sessions of a year (first week of February, May and October); idempotent."""

from django.core.management import BaseCommand
from django.utils import timezone

from petitions.services import council_sessions_generate


class Command(BaseCommand):
    help = (
        "Create the ordinary council sessions of --year (by default this year and the next) that do not "
        "exist yet; existing sessions are left as staff edited them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", dest="years", help="Year to generate; repeat for several years."
        )

    def handle(self, *args, years: list[int] | None, **options):
        today = timezone.localdate()
        for year in years or [today.year, today.year + 1]:
            created = council_sessions_generate(year=year)
            self.stdout.write(f"{year}: {len(created)} ordinary session(s) created.")
