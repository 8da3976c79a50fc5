"""The programme as a PDF: its content in Arabic and French, its fonts and pages, and its caching."""

import datetime
import io
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
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from openmun import pdf as pdf_machinery
from openmun.formatting import group_digits
from petitions.models import CouncilSession
from petitions.services import council_sessions_generate
from programme import pdf
from programme.models import Activity, Commune, PrintSettings, Programme, Project, ProjectUpdate
from programme.selectors import totals_compute
from tests.factories import programme_build
from tests.months import MOROCCAN_MONTHS

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "programme.json"
ARTIFACTS = settings.BASE_DIR / "artifacts" / "pdf"
# pdftotext marks runs with bidi controls; they and the line breaks say nothing about the content.
BIDI_AND_SPACE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\\s]+")
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
# GUIDE, Moroccan conventions: the official heading, one line each.
LETTERHEAD = {
    "ar": ["المملكة المغربية", "وزارة الداخلية", "جهة بني ملال - خنيفرة", "إقليم بني ملال", "جماعة بني ملال"],
    "fr": [
        "Royaume du Maroc",
        "Ministère de l'Intérieur",
        "Région de Béni Mellal-Khénifra",
        "Province de Béni Mellal",
        "Commune de Béni Mellal",
    ],
}
NOT_REPORTED = {"ar": "غير مصرح به", "fr": "non renseigné"}
# Test data only: the commune's fixture names no chair.
CHAIR_NAME = {"ar": "اسم الرئيس للاختبار", "fr": "Nom du président (essai)"}
# A percentage of zero standing alone: what a project that reported nothing must never show.
ZERO_PERCENT = re.compile(r"(?<![\d,])0\s?%")


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


def progress_report() -> None:
    """Report progress on a few projects, as staff would: a percentage, activities done, a project done, amounts."""
    Project.objects.filter(number=1).update(status=Project.Status.IN_PROGRESS, progress=40)
    leaves = Activity.objects.filter(project__number=3, children__isnull=True).order_by("parent_id", "number")
    Activity.objects.filter(pk__in=[a.pk for a in leaves[:2]]).update(is_done=True)
    Project.objects.filter(number=5).update(status=Project.Status.DONE)
    project_1 = Project.objects.get(number=1)
    ProjectUpdate.objects.create(
        project=project_1, date=datetime.date(2025, 3, 1), text_ar="أ", text_fr="a", amount_spent=Decimal("1000.00")
    )
    ProjectUpdate.objects.create(
        project=project_1, date=datetime.date(2025, 9, 1), text_ar="ب", text_fr="b", amount_spent=Decimal("2500.00")
    )
    ProjectUpdate.objects.create(
        project=Project.objects.get(number=5),
        date=datetime.date(2025, 6, 1),
        text_ar="ج",
        text_fr="c",
        amount_spent=Decimal("500.50"),
    )
    Programme.objects.update(committee_chair_name_ar=CHAIR_NAME["ar"], committee_chair_name_fr=CHAIR_NAME["fr"])


@dataclass(frozen=True)
class Overview:
    """The status overview's figures, computed here from the rows, independently of programme/overview.py."""

    late_titles: list[str]
    unreported_titles: list[str]
    average: int
    reported: int
    done: int
    leaves: int
    spent: Decimal


def overview_expected(language: str, day: datetime.date) -> Overview:
    with translation.override(language):
        projects = list(Project.objects.order_by("number"))
        late = [p.title for p in projects if p.end_date and p.end_date < day and p.status not in ("done", "cancelled")]
    percents, unreported = [], []
    done_total = leaves_total = 0
    for project in projects:
        leaves = [a for a in Activity.objects.filter(project=project) if not a.children.exists()]
        done = sum(a.is_done for a in leaves)
        done_total, leaves_total = done_total + done, leaves_total + len(leaves)
        if project.status == "done":
            percents.append(100)
        elif project.progress is not None:
            percents.append(project.progress)
        elif done:
            percents.append(round(100 * done / len(leaves)))
        else:
            unreported.append(getattr(project, f"title_{language}"))
    latest = {}
    for update in ProjectUpdate.objects.filter(amount_spent__isnull=False).order_by("date"):
        latest[update.project_id] = update.amount_spent
    return Overview(
        late_titles=late,
        unreported_titles=unreported,
        average=round(sum(percents) / len(percents)),
        reported=len(percents),
        done=done_total,
        leaves=leaves_total,
        spent=sum(latest.values(), Decimal("0")),
    )


def tiny_png(colour=(11, 93, 59)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), colour).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Expected:
    titles: list[str]
    other_titles: list[str]
    costs: list[str]
    total: str
    months: set[int]
    project_count: int
    chair_title: str


def expected_read(language: str) -> Expected:
    """Return what the PDF in the language must show, read from the database."""
    with translation.override(language):
        programme = Programme.objects.current()
        projects = list(programme.projects.for_listing())
        titles = [project.title for project in projects]
        chair_title = programme.committee_chair_title or gettext("The chair of the programme committee")
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
        chair_title=chair_title,
    )


@dataclass(frozen=True)
class Printed:
    content: bytes
    text: str
    expected: Expected
    overview: Overview


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Printed]:
    """Render the programme once per language for the whole module, leaving the database as it was."""
    tmp_path = tmp_path_factory.mktemp("pdf")
    documents = {}
    with django_db_blocker.unblock(), transaction.atomic():
        programme_load()
        progress_report()
        for language in ("ar", "fr"):
            content = pdf.programme_pdf_render(language=language)
            documents[language] = Printed(
                content=content,
                text=pdf_text(content, tmp_path),
                expected=expected_read(language),
                overview=overview_expected(language, EDITION_DATE),
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


def pages_render(name: str, content: bytes, tmp_path: Path) -> list[Path]:
    """Render every page to artifacts/pdf/<name>-<page>.png (kept by CI for review) and return the files."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    poppler("pdftoppm", "-r", "60", "-png", "{pdf}", str(ARTIFACTS / name), pdf_bytes=content, tmp_path=tmp_path)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def page_count(content: bytes, tmp_path: Path) -> int:
    info = poppler("pdfinfo", pdf_bytes=content, tmp_path=tmp_path)
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_is_rendered_to_png_for_review(printed, language, tmp_path):
    pngs = pages_render(f"programme-{language}", printed[language].content, tmp_path)
    assert len(pngs) == page_count(printed[language].content, tmp_path)
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


# The official document: heading, session, overview, schedule, signature


def first_page(document: Printed) -> str:
    return document.text.split("\f")[0]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_cover_opens_with_the_official_heading_in_both_languages(printed, language):
    cover = flat(first_page(printed[language]))
    for line in LETTERHEAD["ar" if language == "fr" else "fr"]:
        # The other language's block: pdftotext may order the runs of a line of the other direction differently.
        assert all(flat(word) in cover for word in line.split()), line
    # One line each, in order: the kingdom first, the commune last.
    positions = [cover.index(flat(line)) for line in LETTERHEAD[language]]
    assert positions == sorted(positions)
    assert flat(SESSION[language]) in cover


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_overview_gives_the_figures_computed_from_the_projects(printed, language):
    document = printed[language]
    overview = document.overview
    # The overview is the page after the cover.
    page = flat(document.text.split("\f")[1])
    assert overview.late_titles and overview.unreported_titles
    for title in overview.late_titles:
        # The start of the name: pdftotext may put the other cells of a row between the lines of a long one.
        assert flat(" ".join(title.split()[:3])) in page, title
    assert flat(f"{overview.average}%") in page
    of = {"ar": "من أصل", "fr": "sur"}[language]
    assert flat(f"{overview.done} {of} {overview.leaves}") in page
    with translation.override(language):
        counted = {"ar": f"على أساس {overview.reported} مشاريع", "fr": f"sur {overview.reported} projets"}[language]
    assert flat(counted) in page
    assert flat(group_digits(overview.spent, 2)) in page
    assert flat(document.expected.total) in page


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_progress_never_reported_is_printed_as_such_never_as_zero(printed, language):
    document = printed[language]
    text = flat(document.text)
    # Each sheet of a project that reported nothing says so; no made-up 0 % anywhere.
    assert text.count(flat(NOT_REPORTED[language])) >= len(document.overview.unreported_titles)
    assert not ZERO_PERCENT.search(document.text)


def test_without_any_report_the_average_progress_and_the_amount_spent_are_not_reported(tmp_path):
    programme_load()
    data = pdf.programme_pdf_data(EDITION_DATE, direction="ltr")
    html = pdf.document_html("programme/pdf/programme.html", data, language="fr").html
    overview = html[html.index('id="overview"') : html.index('id="toc-title"')]
    assert overview.count(NOT_REPORTED["fr"]) == 2 + len(data["overview"].late)
    assert not ZERO_PERCENT.search(overview)


def test_project_sheets_follow_each_other_without_a_page_each(printed):
    # pdftotext separates pages with a form feed: some page holds the start of two project sheets.
    pages = printed["fr"].text.split("\f")
    assert max(len(re.findall(r"Projet \d+ · Axe \d+", page)) for page in pages) >= 2
    # A sheet per page was 28 pages; now the programme and its 10 projects take far fewer.
    assert len(pages) - 1 <= printed["fr"].expected.project_count + 10


def schedule_page(document: Printed) -> str:
    pages = [page for page in document.text.split("\f") if page.strip()]
    return pages[-1]


def test_the_schedule_has_month_labels_years_to_the_edition_and_its_date(printed):
    page = schedule_page(printed["fr"])
    years = [year for year in range(2023, 2027) if str(year) in page]
    # The data ends in 2025; the grid runs to the year of the edition, where its line is drawn.
    assert years == [2023, 2024, 2025, 2026]
    assert flat(page).count("123456789101112") == len(years)
    assert flat("date de cette édition : 20 janvier 2026") in flat(page)


def test_the_schedule_notes_are_the_size_of_the_other_cells(printed, tmp_path):
    bbox = poppler("pdftotext", "-bbox", "-f", "0", "{pdf}", "-", pdf_bytes=printed["fr"].content, tmp_path=tmp_path)
    last = bbox.split("<page ")[-1]

    def height(word: str) -> float:
        match = re.search(rf'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{word}</word>', last)
        assert match, word
        return float(match.group(2)) - float(match.group(1))

    # "fixer" is in a "dates to be set" note, "verte" in a project's name, "ENABEL" in a note too.
    assert height("fixer") == pytest.approx(height("verte"), abs=0.2)


def test_the_schedule_marks_the_edition_date_on_its_grid():
    programme_build()
    projects = list(Project.objects.order_by("number"))
    day = datetime.date(2026, 3, 16)
    data = pdf.schedule_data(projects, day, "rtl")
    assert data["timeline"].years == [2024, 2025, 2026]
    # March 2026 is the 27th month of the grid; the 16th is about the middle of it.
    assert data["marker"].index == 26
    assert 45 < data["marker"].within < 55
    assert "linear-gradient(to left" in data["gantt_css"]
    assert data["month_columns"][26]["classes"] == "month today"
    assert "to right" in pdf.schedule_data(projects, day, "ltr")["gantt_css"]


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_programme_ends_with_the_chairs_signature_block(printed, language):
    end = flat(schedule_page(printed[language]))
    assert flat(printed[language].expected.chair_title) in end
    assert flat(CHAIR_NAME[language]) in end
    done_on = {"ar": "حررفي20يناير2026", "fr": "Faitle20janvier2026"}[language]
    assert done_on in end


def sheet_text(slug: str, language: str, tmp_path: Path) -> str:
    return flat(pdf_text(pdf.project_pdf_render(slug=slug, language=language), tmp_path))


def test_without_a_chosen_session_documents_name_the_next_ordinary_session_of_the_calendar(tmp_path):
    programme_load()
    PrintSettings.objects.update(session_label_ar="", session_label_fr="")
    slug = Project.objects.get(number=1).slug
    assert flat("session ordinaire") not in sheet_text(slug, "fr", tmp_path)
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        council_sessions_generate(year=year)
    session = CouncilSession.objects.ordinary().upcoming(today).first()
    for language in ("ar", "fr"):
        assert flat(getattr(session, f"title_{language}")) in sheet_text(slug, language, tmp_path)
    # Staff's choice wins over the calendar.
    PrintSettings.objects.update(session_label_fr="Session extraordinaire de mars")
    text = sheet_text(slug, "fr", tmp_path)
    assert flat("Session extraordinaire de mars") in text
    assert flat(session.title_fr) not in text


def test_a_change_in_the_councils_calendar_renders_the_programme_again(monkeypatch):
    programme_load()
    PrintSettings.objects.update(session_label_ar="", session_label_fr="")
    today = timezone.localdate()
    council_sessions_generate(year=today.year)
    council_sessions_generate(year=today.year + 1)
    counter = RenderCounter(fake_render)
    monkeypatch.setattr(pdf, "programme_pdf_render", counter)
    pdf.programme_pdf_get(language="fr")
    pdf.programme_pdf_get(language="fr")
    assert counter.calls == 1
    # The sessions move no printed version: the key names the session the cover prints.
    CouncilSession.objects.ordinary().upcoming(today).update(title_fr="Session ordinaire avancée")
    pdf.programme_pdf_get(language="fr")
    assert counter.calls == 2


def test_the_heading_shows_the_communes_logo_from_its_upload(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    programme_load()
    commune = Commune.objects.get()
    commune.logo.save("emblem.png", ContentFile(tiny_png()))
    slug = Project.objects.get(number=1).slug
    images = poppler(
        "pdfimages", "-list", pdf_bytes=pdf.project_pdf_render(slug=slug, language="ar"), tmp_path=tmp_path
    )
    assert len(images.splitlines()[2:]) == 1
    # The file gone from the storage: the heading is printed without it, the document still is.
    default_storage.delete(commune.logo.name)
    content = pdf.project_pdf_render(slug=slug, language="ar")
    assert poppler("pdfimages", "-list", pdf_bytes=content, tmp_path=tmp_path).splitlines()[2:] == []
    assert flat(LETTERHEAD["ar"][0]) in flat(pdf_text(content, tmp_path))


def test_the_url_fetcher_reads_only_the_uploads_it_is_given(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = default_storage.save("commune/emblem.png", ContentFile(tiny_png()))
    other = default_storage.save("petitions/documents/2026/decision.pdf", ContentFile(b"%PDF-1.7 private"))
    fetcher = pdf_machinery.static_files_fetcher(media=[logo])
    assert fetcher.fetch(pdf_machinery.media_url(logo)).read()[:8] == b"\x89PNG\r\n\x1a\n"
    for url in [
        pdf_machinery.media_url(other),
        pdf_machinery.MEDIA_BASE_URL + "commune/../" + other,
        pdf_machinery.MEDIA_BASE_URL + logo + "?v=2",
        pdf_machinery.MEDIA_BASE_URL + "/etc/passwd",
        pdf_machinery.BASE_URL + "../media/" + logo,
        "http://127.0.0.1:8000/media/" + logo,
        "file://" + str(settings.MEDIA_ROOT / logo),
    ]:
        with pytest.raises(OSError):
            fetcher.fetch(url)
    # Without a name, no upload at all.
    with pytest.raises(OSError):
        pdf_machinery.static_files_fetcher().fetch(pdf_machinery.media_url(logo))


def test_the_print_settings_page_shows_the_calendars_session_and_links_the_printed_programme(admin_client):
    today = timezone.localdate()
    council_sessions_generate(year=today.year)
    council_sessions_generate(year=today.year + 1)
    session = CouncilSession.objects.ordinary().upcoming(today).first()
    print_settings = PrintSettings.objects.create()
    with translation.override("fr"):
        html = admin_client.get(reverse("admin:programme_printsettings_change", args=[print_settings.pk])).text
    assert session.title_fr in html
    for language in ("ar", "fr"):
        assert f'href="/{language}/programme/programme.pdf"' in html


def test_staff_edit_the_official_heading_and_the_logo_in_the_admin(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    programme_load()
    commune = Commune.objects.get()
    with translation.override("fr"):
        url = reverse("admin:programme_commune_change", args=[commune.pk])
    html = admin_client.get(url).text
    for field in ("ministry_ar", "ministry_fr", "region_ar", "province_ar", "province_fr", "logo"):
        assert f'name="{field}"' in html, field
    with translation.override("fr"):
        programme_url = reverse("admin:programme_programme_change", args=[Programme.objects.get().pk])
    html = admin_client.get(programme_url).text
    assert 'name="committee_chair_title_ar"' in html and 'name="committee_chair_name_fr"' in html


def test_without_progress_the_programme_has_no_status_page():
    programme_load()
    PrintSettings.objects.update(include_progress=False)
    data = pdf.programme_pdf_data(EDITION_DATE, direction="ltr")
    html = pdf.document_html("programme/pdf/programme.html", data, language="fr").html
    assert 'id="overview"' not in html and NOT_REPORTED["fr"] not in html


def test_french_pdfs_are_typeset_like_the_pages(monkeypatch):
    rendered = []

    class CapturedHTML:
        def __init__(self, *, string, **kwargs):
            rendered.append(string)

        def write_pdf(self, **kwargs):
            return b"%PDF-"

    monkeypatch.setattr("weasyprint.HTML", CapturedHTML)
    body = "<body><p>Objet : « texte » ?</p><style>p:first-child { margin: 0 ; }</style></body></html>"
    pdf_machinery.html_to_pdf(f'<html lang="fr" dir="ltr">{body}', title="fr")
    pdf_machinery.html_to_pdf(f'<html lang="ar" dir="rtl">{body}', title="ar")
    assert "<p>Objet\xa0: «\xa0texte\xa0»\u202f?</p><style>p:first-child { margin: 0 ; }</style>" in rendered[0]
    assert "<p>Objet : « texte » ?</p>" in rendered[1]
    header = {"header_start": "Commune : Béni Mellal", "header_end": "Pourquoi ?", "footer_start": "x"}
    assert '"Commune\xa0: Béni Mellal"' in pdf_machinery.page_css(language="fr", **header)
    assert '"Pourquoi\u202f?"' in pdf_machinery.page_css(language="fr", **header)
    assert '"Commune : Béni Mellal"' in pdf_machinery.page_css(language="ar", **header)
