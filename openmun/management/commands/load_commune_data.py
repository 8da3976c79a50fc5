"""Load the commune's data from fixtures/ the first time; later runs keep what staff changed."""

import json
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, call_command

from openmun.apps import PortalAppConfig


def fixture_apps() -> list[PortalAppConfig]:
    """Return the portal's apps that ship part of the commune's data, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if isinstance(config, PortalAppConfig) and config.fixtures]


class Command(BaseCommand):
    help = (
        "Load the commune's data (the fixtures each app of the portal declares) into a database that holds none of "
        "it yet; does nothing otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir",
            type=Path,
            default=settings.BASE_DIR / "fixtures",
            help="Folder holding the commune's fixtures (default: fixtures/).",
        )

    def handle(self, *args, fixtures_dir: Path, **options):
        paths = [fixtures_dir / name for config in fixture_apps() for name in config.fixtures]
        paths = [path for path in paths if path.exists()]
        labels = {row["model"] for path in paths for row in json.loads(path.read_text(encoding="utf-8"))}
        if any(apps.get_model(label).objects.exists() for label in labels):
            self.stdout.write("The commune's data is already loaded; nothing to do.")
            return
        # The apps' fixtures refer to each other (rounds to the programme): loaded together, in one transaction.
        call_command("loaddata", *paths, verbosity=0)
        # Loading sends raw saves, which record no history and index nothing: the loaded rows become the first
        # version of their public history, and the search index is built from them.
        call_command("populate_history", auto=True, verbosity=0)
        call_command("rebuild_search_index", verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"Loaded the commune's data from {fixtures_dir}."))
