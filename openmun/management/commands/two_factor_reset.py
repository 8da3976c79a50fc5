"""Remove a staff account's authenticator app and recovery codes, for someone who lost both."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from openmun.admin_site import two_factor_required, two_factor_reset


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and the recovery codes of a staff account. At its next sign-in, the account "
        "sets up a new app if two-factor sign-in is required for it (OPENMUN_2FA_REQUIRED_FOR)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account's user name.")

    def handle(self, *args, username: str, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No account has the user name {username!r}.") from None
        removed = two_factor_reset(user=user)
        if not removed:
            self.stdout.write(f"{username} had no two-factor sign-in set up: nothing to remove.")
            return
        then = "must set up a new app" if two_factor_required(user) else "signs in with the password alone"
        self.stdout.write(f"Two-factor sign-in of {username} removed: at the next sign-in, the account {then}.")
