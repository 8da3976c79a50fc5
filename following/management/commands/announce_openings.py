"""Tell the followers of a consultation round or of the participatory budget that it has opened."""

from django.core.management import BaseCommand

from following import services


class Command(BaseCommand):
    help = (
        "Announce to their followers the consultation rounds and participatory-budget phases that opened today (or "
        "in the last week, if a day was missed); each is announced once. Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        announced = services.openings_announce()
        self.stdout.write(f"Announced {announced} opening(s).")
