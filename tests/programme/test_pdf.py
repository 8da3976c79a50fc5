"""The programme as a PDF: its content in Arabic and French, its fonts and pages, and its caching."""

import datetime
import re
import shutil
import subprocess
import threading
import time
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from openmun import pdf as pdf_machinery
from openmun.formatting import group_digits
from programme import pdf
from programme.models import PrintSettings, Programme, Project
from programme.selectors import totals_compute
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "programme.json"
ARTIFACTS = settings.BASE_DIR / "artifacts" / "pdf"
# pdftotext marks runs with bidi controls; they and the line breaks say nothing about the content.
BIDI_AND_SPACE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\\s]+")
MOROCCAN_MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
]
MIDDLE_EASTERN_MONTHS = re.compile("مايو|يوليو(?!ز)|أغسطس|سبتمبر|نوفمبر|ديسمبر")
FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
SESSION = {"ar": "الدورة العادية لشهر فبراير 2026", "fr": "session ordinaire de février 2026"}
EDITION_DATE = datetime.date(2026, 1, 20)


def poppler(tool: str, *args: str, pdf_bytes: bytes, tmp_path: Path) -> str:
    """Run a poppler-utils tool on the PDF (named "{pdf}" in args, else last) and return its output."""
    executable = shutil.which(tool)
    assert executable, f"{tool} is missing: install poppler-utils (scripts/system-deps test)"
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf_bytes)
    args = [str(path) if arg == "{pdf}" else arg for arg in args] if "{pdf}" in args else [*args, str(path)]
    result = subprocess.run([executable, *args], capture_output=True, check=True, timeout=120)
    return result.stdout.decode()


def pdf_text(pdf_bytes: bytes, tmp_path: Path) -> str:
    """Return the PDF's text in logical order, as pdftotext extracts it."""
    return poppler("pdftotext", "-enc", "UTF-8", "{pdf}", "-", pdf_bytes=pdf_bytes, tmp_path=tmp_path)


def flat(text: str) -> str:
    """Return text without bidi controls and whitespace, for comparing what pdftotext gives back."""
    return BIDI_AND_SPACE.sub("", unicodedata.normalize("NFC", str(text)))


def programme_load() -> None:
    """Load the commune's programme when its fixture exists, else factory data, and the print settings."""
    if FIXTURE.exists():
        call_command("loaddata", FIXTURE, verbosity=0)
    else:
        programme_build()
        project = Project.objects.get(slug="project-1")
        project.title_ar, project.title_fr = "مشروع المدينة الخضراء", "Projet « ville verte »"
        project.start_date, project.end_date = datetime.date(2024, 7, 1), datetime.date(2024, 8, 31)
        project.estimated_cost = Decimal("1234567.50")
        project.save()
        Project.objects.filter(slug="project-2").update(estimated_cost=Decimal("20000.00"))
    PrintSettings.objects.all().delete()
    PrintSettings.objects.create(
        session_label_ar=SESSION["ar"], session_label_fr=SESSION["fr"], edition_date=EDITION_DATE
    )


@dataclass(frozen=True)
class Expected:
    titles: list[str]
    other_titles: list[str]
    costs: list[str]
    total: str
    months: set[int]
    project_count: int


def expected_read(language: str) -> Expected:
    """Return what the PDF in the language must show, read from the database."""
    with translation.override(language):
        programme = Programme.objects.current()
        projects = list(programme.projects.for_listing())
        titles = [project.title for project in projects]
    other = "fr" if language == "ar" else "ar"
    other_titles = [getattr(p, f"title_{other}") for p in projects]
    dates = [d for p in projects for d in (p.start_date, p.end_date) if d]
    dates += [m.date for m in programme.milestones.all()]
    return Expected(
        titles=titles,
        other_titles=[t for t in other_titles if t and t not in titles],
        costs=sorted({group_digits(p.estimated_cost, 2) for p in projects}),
        total=group_digits(totals_compute(projects).total_cost, 2),
        months={d.month for d in dates},
        project_count=len(projects),
    )


@dataclass(frozen=True)
class Printed:
    content: bytes
    text: str
    expected: Expected


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Printed]:
    """Render the programme once per language for the whole module, leaving the database as it was."""
    tmp_path = tmp_path_factory.mktemp("pdf")
    documents = {}
    with django_db_blocker.unblock(), transaction.atomic():
        programme_load()
        for language in ("ar", "fr"):
            content = pdf.programme_pdf_render(language=language)
            documents[language] = Printed(
                content=content, text=pdf_text(content, tmp_path), expected=expected_read(language)
            )
        transaction.set_rollback(True)
    cache.clear()
    return documents


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_project_title_cost_and_the_computed_total_are_printed(printed, language):
    document = printed[language]
    text = flat(document.text)
    assert document.expected.project_count >= 10
    for title in document.expected.titles:
        assert flat(title) in text, title
    for cost in document.expected.costs:
        assert flat(cost) in text, cost
    # The total is computed from the rows, and printed in the summary table.
    assert flat(document.expected.total) in text


def test_the_cover_names_the_session_and_the_edition_date_with_moroccan_months(printed):
    text = flat(printed["ar"].text)
    assert flat(SESSION["ar"]) in text
    assert flat("يناير 2026") in text
    assert flat(SESSION["fr"]) in flat(printed["fr"].text)
    assert flat("20 janvier 2026") in flat(printed["fr"].text)


def test_arabic_dates_use_moroccan_month_names(printed):
    document = printed["ar"]
    text = flat(document.text)
    for month in document.expected.months:
        assert MOROCCAN_MONTHS[month - 1] in text, MOROCCAN_MONTHS[month - 1]
    assert {7, 8} <= document.expected.months, "the data must have dates in July and August"
    assert "يوليوز" in text and "غشت" in text
    assert not MIDDLE_EASTERN_MONTHS.search(text)


def test_arabic_text_is_stored_as_letters_not_presentation_forms(printed):
    # Text shaped by arabic-reshaper would come back as presentation forms and break copy and search.
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", printed["ar"].text)
    assert "برنامج" in printed["ar"].text


def test_the_french_version_is_in_french(printed):
    document = printed["fr"]
    text = flat(document.text)
    for title in document.expected.titles:
        assert flat(title) in text, title
    for title in document.expected.other_titles:
        assert flat(title) not in text, title
    for month in document.expected.months:
        assert FRENCH_MONTHS[month - 1] in text, FRENCH_MONTHS[month - 1]
    assert flat(f"{document.expected.total} DH") in text
    assert "Statut" in text and "Total (calculé)" in document.text


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_page_count_and_embedded_fonts(printed, language, tmp_path):
    document = printed[language]
    info = poppler("pdfinfo", pdf_bytes=document.content, tmp_path=tmp_path)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    count = document.expected.project_count
    # Cover, contents, three chapters, a sheet per project, the summary and the schedule.
    assert count + 6 <= pages <= 3 * count + 12
    assert "A4" in info
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    fonts = poppler("pdffonts", pdf_bytes=document.content, tmp_path=tmp_path).splitlines()[2:]
    assert fonts
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]
        assert emb == "yes", line
        # Only the fonts shipped under static/fonts/: a system font would mean a glyph they lack.
        assert "+openmun-" in name, line


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_first_pages_are_rendered_to_png_for_review(printed, language, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"programme-{language}-*.png"):
        old.unlink()
    poppler(
        "pdftoppm",
        "-r",
        "60",
        "-png",
        "-f",
        "1",
        "-l",
        "4",
        "{pdf}",
        str(ARTIFACTS / f"programme-{language}"),
        pdf_bytes=printed[language].content,
        tmp_path=tmp_path,
    )
    pngs = sorted(ARTIFACTS.glob(f"programme-{language}-*.png"))
    assert len(pngs) == 4
    assert all(png.stat().st_size > 5000 for png in pngs)


def test_a_project_sheet_has_the_project_and_respects_the_progress_setting(tmp_path):
    programme_load()
    project = Project.objects.get(number=1)
    Project.objects.filter(pk=project.pk).update(progress=37)
    with_progress = flat(pdf_text(pdf.project_pdf_render(slug=project.slug, language="fr"), tmp_path))
    PrintSettings.objects.update(include_progress=False)
    without = flat(pdf_text(pdf.project_pdf_render(slug=project.slug, language="fr"), tmp_path))
    with translation.override("fr"):
        assert flat(project.title) in with_progress and flat(project.title) in without
    assert flat(group_digits(project.estimated_cost, 2)) in without
    assert "Statut" in with_progress and "37%" in with_progress
    assert "Statut" not in without and "37%" not in without


def test_the_url_fetcher_serves_static_files_and_refuses_everything_else():
    fetcher = pdf_machinery.static_files_fetcher()
    response = fetcher.fetch(pdf_machinery.BASE_URL + "css/print.css")
    assert b"@font-face" in response.read()
    assert fetcher.fetch(pdf_machinery.BASE_URL + "fonts/NotoNaskhArabic-Regular.ttf").read()[:4] == b"\0\1\0\0"
    for url in [
        "http://127.0.0.1:8000/static/css/print.css",
        "file:///etc/passwd",
        "https://example.com/x.css",
        pdf_machinery.BASE_URL + "../openmun/settings.py",
        pdf_machinery.BASE_URL + "css/../../manage.py",
        pdf_machinery.BASE_URL + "css/missing.css",
    ]:
        with pytest.raises(OSError):
            fetcher.fetch(url)


def test_header_texts_cannot_break_out_of_the_style_element():
    css = pdf_machinery.page_css(
        language="fr", header_start='Commune "</style><script>', header_end="", footer_start=""
    )
    assert "</style>" not in css and "<script" not in css
    assert css.count('"') % 2 == 0
    assert 'counter(page) " sur " counter(pages)' in css or 'counter(page) " of " counter(pages)' in css


class RenderCounter:
    """Stand in for a render function, counting calls; optionally slow, to widen a race."""

    def __init__(self, render, delay: float = 0.0):
        self.render, self.delay, self.calls = render, delay, 0
        self.lock = threading.Lock()

    def __call__(self, **kwargs) -> bytes:
        with self.lock:
            self.calls += 1
        time.sleep(self.delay)
        return self.render(**kwargs)


def fake_render(**kwargs) -> bytes:
    return f"%PDF-1.7 {sorted(kwargs.items())} {Project.objects.count()}".encode()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_download_renders_once_per_data_version(client, monkeypatch, language):
    programme_load()
    counter = RenderCounter(fake_render)
    monkeypatch.setattr(pdf, "programme_pdf_render", counter)
    with translation.override(language):
        url = reverse("programme:programme-pdf")
    assert url == f"/{language}/programme/programme.pdf"

    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'inline; filename="programme-{language}.pdf"'
    second = client.get(url)
    assert counter.calls == 1
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304

    project = Project.objects.get(number=2)
    project.estimated_cost += 1
    project.save()
    third = client.get(url)
    assert counter.calls == 2
    assert third["ETag"] != first["ETag"]
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
    assert counter.calls == 2


def test_changing_the_print_settings_renders_again(monkeypatch):
    programme_load()
    counter = RenderCounter(fake_render)
    monkeypatch.setattr(pdf, "programme_pdf_render", counter)
    pdf.programme_pdf_get(language="ar")
    pdf.programme_pdf_get(language="ar")
    assert counter.calls == 1
    print_settings = PrintSettings.objects.get()
    print_settings.include_progress = False
    print_settings.save()
    pdf.programme_pdf_get(language="ar")
    assert counter.calls == 2


def test_a_project_sheet_is_served_and_unknown_projects_are_not_found(client):
    programme_load()
    project = Project.objects.get(number=1)
    with translation.override("ar"):
        url = reverse("programme:project-pdf", kwargs={"slug": project.slug})
        missing = reverse("programme:project-pdf", kwargs={"slug": "no-such-project"})
    assert url == f"/ar/programme/projects/{project.slug}/sheet.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == f'inline; filename="project-{project.slug}-ar.pdf"'
    assert client.get(missing).status_code == 404
    assert client.post(url).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_of_a_stale_pdf_cause_a_single_render(monkeypatch):
    programme_load()
    slug = Project.objects.get(number=1).slug
    counter = RenderCounter(pdf.project_pdf_render, delay=0.5)
    monkeypatch.setattr(pdf, "project_pdf_render", counter)
    results, errors = [], []

    def download():
        try:
            results.append(pdf.project_pdf_get(slug=slug, language="ar"))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(results) == 6
    assert counter.calls == 1
    assert len({result.content for result in results}) == 1
    assert results[0].content.startswith(b"%PDF-")


def test_a_waiter_renders_itself_when_the_lock_holder_never_finishes(monkeypatch):
    programme_load()
    monkeypatch.setattr(pdf_machinery, "WAIT_TIMEOUT", 0.5)
    counter = RenderCounter(fake_render)
    monkeypatch.setattr(pdf, "programme_pdf_render", counter)
    # A process that took the lock and died: the lock stays until LOCK_TIMEOUT.
    cache.add(
        f"{pdf.cache_key(language='ar', document='programme')}:lock", "dead-process", timeout=pdf_machinery.LOCK_TIMEOUT
    )
    assert pdf.programme_pdf_get(language="ar").content.startswith(b"%PDF-")
    assert counter.calls == 1


def test_the_programme_pdf_read_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    programme_build(scale=2)
    with django_assert_max_num_queries(17):
        data = pdf.programme_pdf_data()
        for summary in data["axes"]:
            for project in summary.projects:
                [step.text for activity in project.top_activities for step in activity.children.all()]
                list(project.updates.all()), list(project.partners.all())


def test_print_settings_are_a_single_row_in_the_admin(admin_client):
    with translation.override("ar"):
        add = reverse("admin:programme_printsettings_add")
    assert admin_client.get(add).status_code == 200
    PrintSettings.objects.create(session_label_ar=SESSION["ar"], session_label_fr=SESSION["fr"])
    assert admin_client.get(add).status_code == 403
