"""Erase contributors' names and e-mail addresses once the retention period is over (law 09-08)."""

import datetime

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from moderation import services


class Command(BaseCommand):
    help = (
        "Erase the names and e-mail addresses left with citizen input (contributions, comments, proposals…) older "
        "than the retention period (OPENMUN_PERSONAL_DATA_RETENTION_DAYS); keep the texts. Run it daily, e.g. "
        "from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Retention in days (default: OPENMUN_PERSONAL_DATA_RETENTION_DAYS)."
        )

    def handle(self, *args, days: int | None, **options):
        days = settings.OPENMUN_PERSONAL_DATA_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("The retention cannot be negative.")
        before = timezone.now() - datetime.timedelta(days=days)
        counts = services.personal_data_purge(before=before)
        # Counts only: the data itself is never printed or logged.
        erased = ", ".join(f"{count} {name}(s)" for name, count in counts.items())
        self.stdout.write(
            f"Erased the personal data of {erased} submitted before {before:%Y-%m-%d %H:%M} UTC "
            f"({days} days of retention)."
        )
