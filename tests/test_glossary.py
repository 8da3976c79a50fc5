"""The Arabic and French catalogues keep to the glossary (docs/glossary.md), and translate every entry.

The glossary's table is the one source of the rejected variants: this test reads them from it.

The one allow-list: French leaves Django's own month names untranslated (msgstr ""), so that Django's French
catalogue gives them. They are in our catalogues only because the Arabic one overrides them with the Moroccan
month names (GUIDE: Moroccan conventions), and makemessages then writes them into every language.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import dates

ROOT = Path(settings.BASE_DIR)
GLOSSARY = ROOT / "docs" / "glossary.md"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
DOMAINS = ["django", "djangojs"]
REJECTED_COLUMNS = {"ar": "Rejected in Arabic", "fr": "Rejected in French"}
# (context, msgid) of Django's four month tables: lazy translations keep their arguments in _args.
DJANGO_MONTHS = {
    (message._args[0], message._args[1]) if len(message._args) == 2 else (None, message._args[0])
    for table in (dates.MONTHS, dates.MONTHS_3, dates.MONTHS_AP, dates.MONTHS_ALT)
    for message in table.values()
}
ALLOWED_UNTRANSLATED = {("fr", "django"): DJANGO_MONTHS}


def glossary_rows(text: str) -> list[dict[str, str]]:
    """Return the rows of the table under "## Terms", as dicts keyed by the header's cells."""
    section = text.split("\n## Terms\n", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in section.splitlines() if line.strip().startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


def rejected_variants(language: str) -> dict[str, str]:
    """Return each variant the glossary rejects in this language, with the concept it belongs to."""
    column = REJECTED_COLUMNS[language]
    return {
        variant: row["Concept"]
        for row in glossary_rows(GLOSSARY.read_text(encoding="utf-8"))
        for variant in re.findall(r"`([^`]+)`", row[column])
    }


def variant_pattern(variant: str, language: str) -> re.Pattern:
    # A whole word: "مساند" must not match inside "مساندة", nor "09-08" inside "2009-08-01".
    flags = re.IGNORECASE if language == "fr" else 0
    return re.compile(rf"(?<![\w.-]){re.escape(variant)}(?![\w-]|\.\w)", flags)


def catalogue(language: str, domain: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"))


def translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr, *entry.msgstr_plural.values()]


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def test_the_glossary_lists_rejected_variants_for_both_languages():
    # A table the parser misreads would make the next test pass on nothing.
    assert len(rejected_variants("ar")) >= 30
    assert len(rejected_variants("fr")) >= 15
    assert rejected_variants("ar")["دورة الميزانية"] == "participatory-budget cycle"
    assert rejected_variants("fr")["étape de consultation"] == "consultation round (citizen participation 1 and 2)"


@pytest.mark.parametrize(
    ("variant", "text", "language", "found"),
    [
        ("مساند", "لمواطن أو مساند أو وكيل", "ar", True),
        ("مساند", "وكيل عريضة مساندة", "ar", False),
        ("09-08", "القانون 09-08 المتعلق", "ar", True),
        ("09-08", "2009-08-01", "ar", False),
        ("2.16.403", "décret n° 2.16.403 du", "fr", True),
        ("étape de consultation", "Cette Étape de consultation n'accepte", "fr", True),
    ],
)
def test_a_variant_is_matched_as_a_whole_word(variant, text, language, found):
    assert bool(variant_pattern(variant, language).search(text)) is found


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_catalogue_uses_a_rejected_variant(language, domain):
    patterns = {
        (variant, concept): variant_pattern(variant, language)
        for variant, concept in rejected_variants(language).items()
    }
    found = [
        (variant, concept, entry.msgid)
        for entry in catalogue(language, domain)
        for (variant, concept), pattern in patterns.items()
        if any(pattern.search(text) for text in translations(entry))
    ]
    assert found == [], f"{language}/{domain}.po: variants that docs/glossary.md rejects (use the glossary's term)"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(language, domain):
    po = catalogue(language, domain)
    allowed = ALLOWED_UNTRANSLATED.get((language, domain), set())
    untranslated = [key(entry) for entry in po.untranslated_entries() if key(entry) not in allowed]
    assert untranslated == [], f"{language}/{domain}.po: untranslated entries (translate them in the .po file)"
    assert [key(entry) for entry in po.fuzzy_entries()] == [], f"{language}/{domain}.po: fuzzy entries (check them)"
