"""Backups: what manage.py backup writes, manage.py restore puts back into an empty database, every record of it.

The commands run in their own processes, against databases of their own, as an administrator runs them.
"""

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings

# Every record of every model, as a fingerprint: the count and the full content of the first and last rows.
SNAPSHOT = """
import json
from django.apps import apps
from django.core import serializers
snapshot = {}
for model in apps.get_models():
    if model._meta.app_label in ("contenttypes", "sessions", "axes") or model._meta.label == "auth.Permission":
        continue
    rows = model._default_manager.order_by("pk")
    ends = [row for row in (rows.first(), rows.last()) if row is not None]
    snapshot[model._meta.label] = [rows.count(), serializers.serialize(
        "json", ends, use_natural_foreign_keys=True, use_natural_primary_keys=True)]
print(json.dumps(snapshot))
"""


def manage(*args: str, database_url: str, media_root: Path) -> str:
    environment = {**os.environ, "DATABASE_URL": database_url, "OPENMUN_MEDIA_ROOT": str(media_root), "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# Django's JSON keeps a moment to the millisecond and writes ".000" when only microseconds are left (12:00:07.000412
# → "12:00:07.000Z"), which come back from a JSON backup as none ("12:00:07Z"): the same moment to the millisecond.
EMPTY_MILLISECONDS = re.compile(r'(T\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)?"')


def snapshot(database_url: str, media_root: Path) -> dict:
    found = json.loads(
        manage("shell", "-c", SNAPSHOT, database_url=database_url, media_root=media_root).strip().splitlines()[-1]
    )
    return {label: [count, EMPTY_MILLISECONDS.sub(r'\1\2"', rows)] for label, (count, rows) in found.items()}


def source_build(database_url: str, media_root: Path) -> dict:
    """Fill a database with the commune's data and an uploaded logo; return its snapshot."""
    manage("migrate", "-v0", database_url=database_url, media_root=media_root)
    manage("load_commune_data", database_url=database_url, media_root=media_root)
    (media_root / "commune").mkdir(parents=True)
    (media_root / "commune" / "logo.png").write_bytes(b"\x89PNG the commune's logo")
    manage(
        "shell",
        "-c",
        "from programme.models import Commune; Commune.objects.update(logo='commune/logo.png')",
        database_url=database_url,
        media_root=media_root,
    )
    return snapshot(database_url, media_root)


def assert_restored(expected: dict, database_url: str, media_root: Path) -> None:
    restored = snapshot(database_url, media_root)
    assert restored == expected
    # The commune's fixtures fill these: a restore that dropped one of them would show here.
    for label in ("programme.Project", "programme.Activity", "consultations.Round", "budgets.BudgetLine"):
        assert restored[label][0] > 0, label
    assert (media_root / "commune" / "logo.png").read_bytes() == b"\x89PNG the commune's logo"


@pytest.fixture(scope="module")
def sqlite_backups(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backups")
    source = f"sqlite:///{folder / 'source.sqlite3'}"
    expected = source_build(source, folder / "media")
    for kind in ("json", "native"):
        manage("backup", "--format", kind, str(folder / kind), database_url=source, media_root=folder / "media")
    return folder, expected


@pytest.mark.parametrize("kind", ["json", "native"])
def test_a_sqlite_backup_restores_every_record_into_an_empty_database(sqlite_backups, kind):
    folder, expected = sqlite_backups
    target = f"sqlite:///{folder / f'restored-{kind}.sqlite3'}"
    manage("restore", str(folder / kind), database_url=target, media_root=folder / f"media-{kind}")
    assert_restored(expected, target, folder / f"media-{kind}")


def test_a_json_backup_moves_from_sqlite_to_postgresql(sqlite_backups, postgres_database):
    folder, expected = sqlite_backups
    target = postgres_database()
    manage("restore", str(folder / "json"), database_url=target, media_root=folder / "media-pg")
    assert_restored(expected, target, folder / "media-pg")


def test_restore_refuses_a_database_that_holds_data(sqlite_backups):
    folder, _expected = sqlite_backups
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'source.sqlite3'}",
        "REDIS_URL": "",
        "OPENMUN_MEDIA_ROOT": str(folder / "media"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder / "json")],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "not empty" in result.stderr


@pytest.fixture
def postgres_database():
    """Create empty PostgreSQL databases next to the test database; skip when the suite runs on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("The PostgreSQL backup runs with the suite on PostgreSQL (make test-postgres).")
    server = dj_database_url.parse(url)
    admin = {
        "host": server["HOST"] or None,
        "port": server["PORT"] or None,
        "user": server["USER"] or None,
        "password": server["PASSWORD"] or None,
        "dbname": "postgres",
    }
    names = []

    def create() -> str:
        name = f"openmun_backup_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        names.append(name)
        return url.rsplit("/", 1)[0] + "/" + name

    yield create
    with psycopg.connect(**admin, autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_postgresql_native_backup_restores_every_record(tmp_path, postgres_database):
    source = postgres_database()
    expected = source_build(source, tmp_path / "media")
    manage("backup", "--format", "native", str(tmp_path / "native"), database_url=source, media_root=tmp_path / "media")
    assert (tmp_path / "native" / "database.pgdump").is_file()
    target = postgres_database()
    manage("restore", str(tmp_path / "native"), database_url=target, media_root=tmp_path / "media-restored")
    assert_restored(expected, target, tmp_path / "media-restored")
