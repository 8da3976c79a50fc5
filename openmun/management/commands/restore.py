"""Restore a backup made by the backup command: the data into an empty database, the uploaded files."""

import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection, transaction

from openmun.cache import portal_apps, versions_move
from openmun.management.commands.backup import (
    DATA_FILE,
    MANIFEST_FILE,
    MEDIA_FILE,
    POSTGRES_FILE,
    SQLITE_FILE,
    postgres_command,
    record_counts,
)


class Command(BaseCommand):
    help = "Restore a backup folder into an empty database and the uploads folder (see docs/operations.md, Backups)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by the backup command")

    def handle(self, *args, folder: str, **options):
        source = Path(folder)
        manifest_path = source / MANIFEST_FILE
        if not manifest_path.is_file():
            raise CommandError(f"{source} holds no {MANIFEST_FILE}: it is not a backup folder.")
        manifest = json.loads(manifest_path.read_text())
        if (source / DATA_FILE).is_file():
            self.restore_json(source / DATA_FILE)
        elif (source / POSTGRES_FILE).is_file():
            if connection.vendor != "postgresql":
                raise CommandError("This is a PostgreSQL backup: restore it into PostgreSQL (DATABASE_URL).")
            command, environment = postgres_command(
                "pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", str(source / POSTGRES_FILE)
            )
            connection.close()
            subprocess.run(command, env=environment, check=True)
        elif (source / SQLITE_FILE).is_file():
            if connection.vendor != "sqlite":
                raise CommandError("This is a SQLite backup: restore it into SQLite (DATABASE_URL).")
            connection.ensure_connection()
            with sqlite3.connect(source / SQLITE_FILE) as backup:
                backup.backup(connection.connection)
        else:
            raise CommandError(f"{source} holds no data file.")
        if (source / MEDIA_FILE).is_file():
            self.restore_media(source / MEDIA_FILE)
        # Pages and PDFs cached from the data before the restore must not be served again.
        versions_move()
        restored = record_counts()
        missing = {label: count for label, count in manifest["records"].items() if restored.get(label, 0) < count}
        if missing:
            raise CommandError(f"Records missing after the restore: {missing}")
        self.stdout.write(f"Restored {sum(restored.values())} records from {source}.")

    def restore_json(self, path: Path) -> None:
        # The data of a running portal would be mixed with the backup's: restore only into a new database.
        call_command("migrate", interactive=False, verbosity=0)
        if any(count for label, count in record_counts().items() if label.split(".")[0] in portal_apps()):
            raise CommandError("The database is not empty: restore into a new, empty database.")
        with transaction.atomic():
            call_command("loaddata", str(path), verbosity=0)

    def restore_media(self, path: Path) -> None:
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                if not member.name.startswith("media"):
                    continue
                member.name = member.name.removeprefix("media").lstrip("/")
                if not member.name:
                    continue
                # The "data" filter refuses absolute paths, links out of the folder and special files.
                archive.extract(member, media_root, filter="data")
