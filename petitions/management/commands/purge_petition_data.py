"""Erase supporters' data and agents' contact details of petitions closed longer than the retention period."""

from django.conf import settings
from django.core.management import BaseCommand

from petitions.services import petition_data_purge


class Command(BaseCommand):
    help = (
        f"Erase the supporters of petitions closed more than OPENMUN_SUPPORTER_RETENTION_DAYS days ago "
        f"(now {settings.OPENMUN_SUPPORTER_RETENTION_DAYS}), their agents' contact details and visitors' reports, and "
        f"unconfirmed supports whose link has expired. Run it daily."
    )

    def handle(self, *args, **options):
        counts = petition_data_purge()
        self.stdout.write(
            f"Erased {counts['supports']} support(s) of closed petitions, {counts['unconfirmed']} expired "
            f"unconfirmed support(s), {counts['contacts']} agent contact(s) and {counts['reports']} visitor report(s)."
        )
