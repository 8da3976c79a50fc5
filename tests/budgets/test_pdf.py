"""The citizen-budget booklet: its text in Arabic and French, the demonstration banner on every page, its cache."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from budgets import pdf, selectors
from budgets.models import Ballot, BudgetLine, BudgetYear
from openmun.formatting import group_digits
from tests.programme.test_pdf import MIDDLE_EASTERN_MONTHS, RenderCounter, flat, pdf_text, poppler

pytestmark = pytest.mark.django_db

ARTIFACTS = settings.BASE_DIR / "artifacts" / "pdf"
FIXTURES = [settings.BASE_DIR / "fixtures" / name for name in ("programme.json", "budgets.json")]
BANNER = "Demonstration data: these figures are not the commune's"


@pytest.fixture(scope="module")
def booklets(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """Render the demonstration booklet of 2023 once per language, leaving the database as it was."""
    tmp_path = tmp_path_factory.mktemp("booklet")
    documents = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *FIXTURES, verbosity=0)
        for language in ("ar", "fr"):
            content = pdf.booklet_pdf_render(year=2023, language=language)
            with translation.override(language):
                data = selectors.year_detail_data(2023)
                expected = {
                    "labels": [line.label for line in data["budget_year"].lines.all()],
                    "totals": [
                        group_digits(value, 2)
                        for value in (data["figures"].revenue, data["figures"].expenditure, data["figures"].balance)
                    ],
                    "per_inhabitant": group_digits(data["figures"].expenditure_per_inhabitant, 2),
                    "glossary": [term.term for term in data["glossary"]],
                    "banner": gettext(BANNER),
                    "title": gettext("Citizen budget %(year)s") % {"year": 2023},
                }
            documents[language] = {"content": content, "text": pdf_text(content, tmp_path), "expected": expected}
        transaction.set_rollback(True)
    cache.clear()
    return documents


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_line_total_and_term_is_printed(booklets, language):
    document = booklets[language]
    text, expected = flat(document["text"]), document["expected"]
    assert len(expected["labels"]) == 24
    for label in expected["labels"]:
        assert flat(label) in text, label
    for total in expected["totals"]:
        assert flat(total) in text, total
    # 288 500 000 DH of expenditure for the commune's 192 676 inhabitants.
    assert expected["per_inhabitant"] == "1\xa0497,33" and flat(expected["per_inhabitant"]) in text
    for term in expected["glossary"]:
        assert flat(term) in text, term


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_says_the_figures_are_for_demonstration(booklets, language, tmp_path):
    document = booklets[language]
    info = poppler("pdfinfo", pdf_bytes=document["content"], tmp_path=tmp_path)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    assert 5 <= pages <= 15
    for page in range(1, pages + 1):
        text = poppler(
            "pdftotext",
            "-enc",
            "UTF-8",
            "-f",
            str(page),
            "-l",
            str(page),
            "{pdf}",
            "-",
            pdf_bytes=document["content"],
            tmp_path=tmp_path,
        )
        assert flat(document["expected"]["banner"]) in flat(text), page
    # The cover says it in both languages. pdftotext orders a right-to-left line in a left-to-right page
    # around its punctuation: compare the parts.
    other = "fr" if language == "ar" else "ar"
    for part in booklets[other]["expected"]["banner"].split(":"):
        assert flat(part) in flat(document["text"])


def test_the_arabic_booklet_uses_moroccan_months_and_real_letters(booklets):
    text = booklets["ar"]["text"]
    # The demonstration vote of 4 October 2022; no Middle-Eastern month names, no presentation forms.
    assert "أكتوبر" in flat(text)
    assert not MIDDLE_EASTERN_MONTHS.search(text)
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text)
    assert flat(booklets["ar"]["expected"]["title"]) in flat(text)


def test_the_french_booklet_is_in_french(booklets):
    text = flat(booklets["fr"]["text"])
    assert flat("4 octobre 2022") in text
    assert flat("Aménagement des routes et trottoirs") in text
    assert flat("تهيئة الطرق والأرصفة") not in text


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_fonts_are_embedded_and_the_first_page_is_rendered_for_review(booklets, language, tmp_path):
    content = booklets[language]["content"]
    fonts = poppler("pdffonts", pdf_bytes=content, tmp_path=tmp_path).splitlines()[2:]
    assert fonts and all("+openmun-" in line.split()[0] and line.split()[-5] == "yes" for line in fonts)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"budget-booklet-{language}-*.png"):
        old.unlink()
    poppler(
        "pdftoppm",
        "-r",
        "70",
        "-png",
        "-f",
        "1",
        "-l",
        "3",
        "{pdf}",
        str(ARTIFACTS / f"budget-booklet-{language}"),
        pdf_bytes=content,
        tmp_path=tmp_path,
    )
    pngs = sorted(ARTIFACTS.glob(f"budget-booklet-{language}-*.png"))
    assert len(pngs) == 3 and all(png.stat().st_size > 5000 for png in pngs)


def fake_render(**kwargs) -> bytes:
    return f"%PDF-1.7 {sorted(kwargs.items())} {BudgetLine.objects.count()}".encode()


def test_the_booklet_is_rendered_once_per_data_version(client, monkeypatch):
    call_command("loaddata", *FIXTURES, verbosity=0)
    counter = RenderCounter(fake_render)
    monkeypatch.setattr(pdf, "booklet_pdf_render", counter)
    with translation.override("fr"):
        url = reverse("budgets:year-booklet", kwargs={"year": 2024})
    assert url == "/fr/budget/2024/booklet.pdf"
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == 'inline; filename="citizen-budget-2024-fr.pdf"'
    client.get(url)
    assert counter.calls == 1
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304
    # Votes do not touch the booklet; a budget line does.
    Ballot.objects.create(cycle_id=1, channel=Ballot.Channel.PAPER, paper_reference="X-1")
    client.get(url)
    assert counter.calls == 1
    line = BudgetLine.objects.filter(year__year=2024).first()
    line.adopted += Decimal(1)
    line.save()
    assert client.get(url)["ETag"] != first["ETag"]
    assert counter.calls == 2


def test_unknown_or_unpublished_years_have_no_booklet(client):
    call_command("loaddata", *FIXTURES, verbosity=0)
    BudgetYear.objects.filter(year=2024).update(is_published=False)
    assert client.get("/ar/budget/2024/booklet.pdf").status_code == 404
    assert client.get("/ar/budget/1990/booklet.pdf").status_code == 404
