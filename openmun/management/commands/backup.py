"""Back up the portal: its data and its uploaded files, into a folder that restore reads back."""

import datetime
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

DATA_FILE = "data.json.gz"
POSTGRES_FILE = "database.pgdump"
SQLITE_FILE = "database.sqlite3"
MEDIA_FILE = "media.tar.gz"
MANIFEST_FILE = "manifest.json"
# Rebuilt by migrate, or of no use once restored: content types and permissions, sessions, axes's tables.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


def postgres_command(program: str, *args: str) -> tuple[list[str], dict]:
    """Return a PostgreSQL client command for the default database, and its environment (the password)."""
    database = settings.DATABASES["default"]
    command = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [option, str(database[key])]
    environment = {"PGPASSWORD": database.get("PASSWORD") or "", "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return [*command, *args, "--dbname", database["NAME"]], environment


def record_counts() -> dict[str, int]:
    """Return the number of rows of every model, by label."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("contenttypes", "sessions", "axes") and model._meta.label != "auth.Permission"
    }


class Command(BaseCommand):
    help = "Back up the data and the uploaded files into a folder (see docs/operations.md, Backups)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="where to write the backup; created if missing, must be empty")
        parser.add_argument(
            "--format",
            choices=["json", "native"],
            default="json",
            help="json: portable between SQLite and PostgreSQL (dumpdata); native: pg_dump or SQLite's own copy",
        )

    def handle(self, *args, folder: str, format: str, **options):
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        if any(target.iterdir()):
            raise CommandError(f"{target} is not empty: back up into a new folder.")
        if format == "json":
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=EXCLUDED,
                output=str(target / DATA_FILE),
                verbosity=0,
            )
        elif connection.vendor == "postgresql":
            command, environment = postgres_command(
                "pg_dump", "--format=custom", "--no-owner", "--file", str(target / POSTGRES_FILE)
            )
            subprocess.run(command, env=environment, check=True)
        elif connection.vendor == "sqlite":
            # SQLite's online backup: a consistent copy even while the portal is writing.
            with sqlite3.connect(target / SQLITE_FILE) as copy:
                connection.ensure_connection()
                connection.connection.backup(copy)
        else:
            raise CommandError(f"No native backup for {connection.vendor}: use --format json.")
        media_root = Path(settings.MEDIA_ROOT)
        if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage") and media_root.is_dir():
            with tarfile.open(target / MEDIA_FILE, "w:gz") as archive:
                archive.add(media_root, arcname="media")
        manifest = {
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "format": format,
            "database": connection.vendor,
            "records": record_counts(),
        }
        (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        total = sum(manifest["records"].values())
        self.stdout.write(f"Backed up {total} records ({format}) and the uploads into {target}.")
