"""Send the weekly summaries to the followers who chose them."""

from django.core.management import BaseCommand

from following import services


class Command(BaseCommand):
    help = (
        "Send each follower who chose a weekly summary one e-mail with the news of the followed page since the last "
        "summary. Run it once a week, e.g. from cron."
    )

    def handle(self, *args, **options):
        sent = services.follow_digests_send()
        # A count only: never an address.
        self.stdout.write(f"Queued {sent} weekly summar{'y' if sent == 1 else 'ies'}.")
