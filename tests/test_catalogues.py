"""The Arabic and French catalogues translate every string of the portal, and follow the code.

The one allow-list: French leaves Django's own month names untranslated (msgstr ""), so that Django's French
catalogue gives them. They are in our catalogues only because the Arabic one overrides them with the Moroccan
month names (GUIDE: Moroccan conventions), and makemessages then writes them into every language.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import dates

LOCALE = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# (context, msgid) of Django's four month tables: lazy translations keep their arguments in _args.
DJANGO_MONTHS = {
    (message._args[0], message._args[1]) if len(message._args) == 2 else (None, message._args[0])
    for table in (dates.MONTHS, dates.MONTHS_3, dates.MONTHS_AP, dates.MONTHS_ALT)
    for message in table.values()
}
ALLOWED_UNTRANSLATED = {"fr": DJANGO_MONTHS}


def catalogue(language: str, root: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    allowed = ALLOWED_UNTRANSLATED.get(language, set())
    untranslated = [key(entry) for entry in po.untranslated_entries() if key(entry) not in allowed]
    assert untranslated == [], f"{language}: untranslated entries (translate them in the .po file)"
    assert [key(entry) for entry in po.fuzzy_entries()] == [], f"{language}: fuzzy entries (check and unmark them)"


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
