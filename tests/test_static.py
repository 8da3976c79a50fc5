"""The web fonts: WOFF2 subsets that draw every character the portal writes, fetched only by the pages that need them.

scripts/fonts-subset makes the files of static/fonts/ from the TTFs kept there and prints the @font-face rules of
static/css/openmun.css; these tests read the files and the stylesheet as a browser would.
"""

import json
import re
import unicodedata
from functools import cache
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import django
import polib
import pytest
from django.conf import settings
from django.templatetags.static import static
from fontTools.ttLib import TTFont

from openmun.context_processors import LANGUAGE_NAMES

ROOT = Path(settings.BASE_DIR)
FONTS = ROOT / "static" / "fonts"
STYLESHEET = ROOT / "static" / "css" / "openmun.css"
SOURCES = ["NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"]
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
RULE = re.compile(r"(?P<selector>[^{}]+)\{(?P<body>[^{}]*)\}")
COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def fonts_subset():
    """Return scripts/fonts-subset as a module."""
    loader = SourceFileLoader("fonts_subset", str(ROOT / "scripts" / "fonts-subset"))
    module = module_from_spec(spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def codepoints(ranges: str) -> set[int]:
    points: set[int] = set()
    for part in filter(None, (each.strip() for each in ranges.split(","))):
        first, _, last = part.removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


@cache
def cmap(file: str) -> frozenset[int]:
    return frozenset(TTFont(FONTS / file).getBestCmap())


@cache
def faces() -> list[dict]:
    """Return the @font-face rules of the stylesheet: family, weight, file and the code points of unicode-range."""
    result = []
    for body in FACE.findall(STYLESHEET.read_text()):
        declarations = {
            name.strip(): value.strip() for name, _, value in (line.partition(":") for line in body.split(";"))
        }
        result.append(
            {
                "family": declarations["font-family"].strip('"'),
                "weight": int(declarations["font-weight"]),
                "file": re.fullmatch(r'url\("\.\./fonts/([^"]+)"\) format\("woff2"\)', declarations["src"]).group(1),
                "display": declarations["font-display"],
                "points": codepoints(declarations["unicode-range"]),
            }
        )
    return result


@cache
def families(selector: str) -> list[str]:
    """Return the web font families of the rule of the stylesheet for selector, in order."""
    for rule in RULE.finditer(COMMENT.sub("", STYLESHEET.read_text())):
        if rule["selector"].strip() == selector:
            stack = re.search(r"font-family:\s*([^;]+);", rule["body"]).group(1)
            names = [name.strip().strip('"') for name in stack.split(",")]
            return [name for name in names if any(face["family"] == name for face in faces())]
    raise AssertionError(f"no rule for {selector} in {STYLESHEET.name}")


def face_for(stack: list[str], weight: int, point: int) -> dict | None:
    """Return the face a browser draws point with: the first family that has it, in that family the last rule."""
    for family in stack:
        candidates = [face for face in faces() if face["family"] == family and face["weight"] == weight]
        for face in reversed(candidates):
            if point in face["points"]:
                return face
    return None


ARABIC_PAGE = 'html[lang="ar"]'
FRENCH_PAGE = "html"
LABEL = 'html:not([lang="ar"]) .language-switch [lang="ar"]'


@cache
def written_characters() -> dict[str, str]:
    """Return each character the portal writes, with a file it comes from.

    The catalogues (the portal's and Django's own, whose messages show on public forms), the commune's data in
    fixtures/, the templates and the stylesheet's generated content.
    """
    django_locale = Path(django.__file__).parent / "conf" / "locale"
    texts = {}
    for catalogue in [*ROOT.glob("locale/*/LC_MESSAGES/django.po"), *django_locale.glob("[af]r/LC_MESSAGES/django.po")]:
        entries = polib.pofile(str(catalogue))
        texts[catalogue] = "".join(
            entry.msgstr + "".join(entry.msgstr_plural.values())
            for entry in entries
            if entry.msgstr or entry.msgstr_plural
        )
    for fixture in ROOT.glob("fixtures/*.json"):
        texts[fixture] = json.dumps(json.loads(fixture.read_text()), ensure_ascii=False)
    for template in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        texts[template] = template.read_text()
    texts[STYLESHEET] = "".join(re.findall(r'content:\s*"([^"]*)"', STYLESHEET.read_text()))
    found = {}
    for path, text in texts.items():
        name = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name)
        for character in set(text):
            found.setdefault(character, name)
    return found


def drawn_by_shipped_fonts(character: str) -> bool:
    """Return whether a TTF of static/fonts/ draws character (others fall to the system's fonts, as before)."""
    if unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"}:
        return False
    return any(ord(character) in cmap(source) for source in SOURCES)


def test_the_stylesheet_has_the_rules_the_script_prints():
    script = fonts_subset()
    printed = "\n".join(script.face_css(face) for face in script.FACES)

    assert printed in STYLESHEET.read_text(), "run: .venv/bin/python scripts/fonts-subset --css, and paste the rules"
    assert {face.file for face in script.FACES} == {part.file for part in script.SUBSETS}
    assert {path.name for path in FONTS.glob("*.woff2")} == {part.file for part in script.SUBSETS}


def test_a_font_file_is_fetched_only_for_characters_it_draws():
    assert len(faces()) >= 4
    for face in faces():
        assert (FONTS / face["file"]).read_bytes()[:4] == b"wOF2", face["file"]
        missing = face["points"] - cmap(face["file"])
        assert not missing, f"{face['file']} is fetched for {sorted(map(hex, missing))} but does not draw them"
        # optional: a font that comes late is not swapped in, so fonts never move the page (CLS).
        assert face["display"] == "optional"


def test_the_files_of_a_family_share_no_character():
    # A browser waiting for one file of a family fetches every other file of the family with the same characters.
    for one in faces():
        for other in faces():
            if one is not other and (one["family"], one["weight"]) == (other["family"], other["weight"]):
                shared = one["points"] & other["points"]
                assert not shared, f"{one['file']} and {other['file']} share {sorted(map(hex, shared))[:10]}"


def test_a_french_page_fetches_no_arabic_file_for_latin_text():
    stack = families(FRENCH_PAGE)
    assert stack[0] == "Noto Sans"
    latin = set().union(*(face["points"] for face in faces() if face["family"] == "Noto Sans"))
    for face in faces():
        if face["family"] in stack[1:]:
            shared = face["points"] & latin
            assert not shared, f"{face['family']} ({face['file']}) is fetched for Latin text: {sorted(shared)[:10]}"
            assert set(face["points"]) <= codepoints("U+0600-06FF, U+0750-077F, U+25CC")


def test_every_character_the_portal_writes_has_its_font_in_both_languages_and_weights():
    written = {
        character: where for character, where in written_characters().items() if drawn_by_shipped_fonts(character)
    }
    assert {"ب", "ة", "é", "«", "0", " "} <= set(written)
    missing = [
        f"U+{ord(character):04X} {character!r} ({where}): {page} {weight}"
        for character, where in sorted(written.items())
        for page in (ARABIC_PAGE, FRENCH_PAGE)
        for weight in (400, 700)
        if face_for(families(page), weight, ord(character)) is None
    ]
    assert not missing, "characters written with no font file that draws them:\n" + "\n".join(missing)


def test_the_arabic_of_the_portal_needs_only_the_main_arabic_file():
    # The main Arabic file is the small one the Arabic pages preload; the other file (Persian and Urdu letter forms,
    # Moroccan additions) is for what citizens type. Standard Arabic letters only in the catalogues and fixtures.
    written = written_characters()
    for weight in (400, 700):
        for character, where in written.items():
            if drawn_by_shipped_fonts(character) and unicodedata.name(character, "").startswith("ARABIC"):
                face = face_for(families(ARABIC_PAGE), weight, ord(character))
                assert face["file"].endswith("-arabic.woff2"), f"{character!r} ({where}) needs {face['file']}"


def test_french_pages_name_arabic_with_a_file_of_its_letters():
    stack = families(LABEL)
    assert stack == ["Noto Naskh Arabic label"]
    (label,) = (face for face in faces() if face["family"] == stack[0])
    # The space too: the first font of the list that has it gives the line its height.
    assert {ord(character) for character in " " + LANGUAGE_NAMES["ar"]} <= label["points"]
    assert (FONTS / label["file"]).stat().st_size < 5_000


@pytest.mark.parametrize("file", sorted(path.name for path in FONTS.glob("NotoNaskhArabic-*.woff2")))
def test_arabic_subsets_keep_shaping_and_the_licence(file):
    font = TTFont(FONTS / file)
    substitutions = {record.FeatureTag for record in font["GSUB"].table.FeatureList.FeatureRecord}
    positions = {record.FeatureTag for record in font["GPOS"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig"} <= substitutions
    if "label" not in file:
        assert {"mark", "mkmk"} <= positions
    assert "SIL Open Font License" in font["name"].getDebugName(13)
    assert "Google" in font["name"].getDebugName(0)


def test_the_pdfs_keep_their_fonts():
    # WeasyPrint reads the TTFs through static/css/print.css: the web subsets do not replace them.
    printed = re.findall(r'url\("\.\./fonts/([^"]+)"\)', (ROOT / "static" / "css" / "print.css").read_text())
    assert printed and all((FONTS / name).is_file() and name.endswith(".ttf") for name in printed)
    assert (FONTS / "OFL.txt").is_file()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "stack"), [("ar", ARABIC_PAGE), ("fr", FRENCH_PAGE)])
def test_a_page_preloads_the_file_of_its_first_font(client, language, stack):
    body = client.get(f"/{language}/search/").content.decode()

    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', body)
    # The file that draws the spaces of the page's text in regular weight: used by every page in that language.
    expected = face_for(families(stack), 400, ord(" "))["file"]
    assert preloads == [static(f"fonts/{expected}")]
