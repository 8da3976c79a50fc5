"""Load the commune's data from fixtures/ the first time; later runs keep what staff changed."""

from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from programme.models import Programme

FIXTURES = ["programme.json", "consultations.json", "budgets.json"]


class Command(BaseCommand):
    help = "Load the commune's programme from fixtures/ into an empty database (does nothing otherwise)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir",
            type=Path,
            default=settings.BASE_DIR / "fixtures",
            help="Folder holding the commune's fixtures (default: fixtures/).",
        )

    def handle(self, *args, fixtures_dir: Path, **options):
        if Programme.objects.exists():
            self.stdout.write("The commune's data is already loaded; nothing to do.")
            return
        paths = [fixtures_dir / name for name in FIXTURES if (fixtures_dir / name).exists()]
        call_command("loaddata", *paths, verbosity=0)
        # Loading sends raw saves, which record no history and index nothing: the loaded rows become the first
        # version of their public history, and the search index is built from them.
        call_command("populate_history", auto=True, verbosity=0)
        call_command("rebuild_search_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Loaded the commune's data from {fixtures_dir}."))
