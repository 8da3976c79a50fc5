"""The Arabic and French catalogues follow the code: every string of the portal has its entry.

That every entry is translated, none is fuzzy and none uses a variant the glossary rejects: tests/test_glossary.py.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def catalogue(language: str, root: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def test_the_catalogues_hold_every_string_of_the_code(tmp_path):
    # makemessages on a copy of the sources: the entries it finds that the committed catalogues lack are strings
    # that pages would show untranslated. `make messages` adds them.
    root = Path(settings.BASE_DIR)
    ignore = shutil.ignore_patterns(".venv", "var", "artifacts", ".git", "__pycache__", "*.mo", ".pytest_cache")
    shutil.copytree(root, tmp_path / "src", ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", *[f"-l{code}" for code in LANGUAGES], "--no-obsolete", "-v0"],
        cwd=tmp_path / "src",
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "true"},
    )
    for language in LANGUAGES:
        committed = {key(entry) for entry in catalogue(language)}
        current = {key(entry) for entry in catalogue(language, tmp_path / "src" / "locale")}
        assert sorted(current - committed, key=str) == [], f"{language}: strings missing from the catalogue"
