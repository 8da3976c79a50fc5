"""The commune's printed documents (the machinery: openmun/pdf.py).

- the programme for council sessions, and each project's sheet, cached under the PRINTED content version, the
  print settings of the day and the language;
- the session report: what happened between two council sessions, from the sections the apps register
  (programme/reports.py), cached under the PRINTED version, the session and its printed text.

Every document opens with the official heading in Arabic and French (the commune's data and its uploaded logo)
and ends with the signature block of the programme committee's chair.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from openmun.cache import CONTENT, PRINTED, version_get
from openmun.pdf import CACHE_TIMEOUT, PdfFile, html_to_pdf, media_url, page_css, pdf_get
from programme.models import Commune, PrintSettings
from programme.overview import overview_compute, projects_mark
from programme.reports import Period, next_session_label, period_sections_render
from programme.selectors import (
    Timeline,
    activities_prefetch,
    committee_data,
    commune_get,
    home_data,
    method_data,
    programme_get,
    project_detail_data,
    project_get,
)


@dataclass(frozen=True)
class Letterhead:
    """The official heading in one language: one line each, the kingdom first, the commune last."""

    language: str
    direction: str
    lines: list[str]


def letterheads(commune: Commune | None) -> list[Letterhead]:
    """Return the heading in each language that has the commune's name, Arabic first."""
    if commune is None:
        return []
    heads = []
    for code, _name in settings.LANGUAGES:
        name = getattr(commune, build_localized_fieldname("name", code))
        if not name:
            continue
        with translation.override(code):
            kingdom = _("Kingdom of Morocco")
        fields = ("ministry", "region", "province")
        lines = [kingdom, *(getattr(commune, build_localized_fieldname(f, code)) for f in fields), name]
        direction = "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
        heads.append(Letterhead(language=code, direction=direction, lines=[line for line in lines if line]))
    return heads


def logo_name(commune: Commune | None) -> str:
    """Return the storage name of the commune's logo, or "" when it has none or the file is missing."""
    if commune is None or not commune.logo:
        return ""
    # A file deleted from the storage would stop the render: the heading is then printed without it.
    return commune.logo.name if default_storage.exists(commune.logo.name) else ""


def edition_day(today: datetime.date | None = None) -> datetime.date:
    """Return the edition date of the printed programme: the print settings' date, else today."""
    return PrintSettings.objects.current().edition_date_on(today or timezone.localdate())


def print_context(*, language: str, today: datetime.date) -> dict:
    """Return what every printed document shows: the commune and its heading, the print settings, the session."""
    print_settings = PrintSettings.objects.current()
    commune = commune_get()
    logo = logo_name(commune)
    return {
        "commune": commune,
        "letterheads": letterheads(commune),
        "logo_name": logo,
        "logo_url": media_url(logo) if logo else "",
        "print_settings": print_settings,
        # Staff's choice, else the next ordinary session of the council's calendar (petitions registers it).
        "session_label": print_settings.session_label or next_session_label(today),
        "include_progress": print_settings.include_progress,
        "edition_date": print_settings.edition_date_on(today),
        "language": language,
        "direction": "rtl" if translation.get_language_info(language)["bidi"] else "ltr",
    }


@dataclass(frozen=True)
class GanttMarker:
    """Where a day falls on the schedule's month grid, for the line that marks it."""

    index: int
    within: float
    across: float


def gantt_marker(timeline: Timeline, day: datetime.date) -> GanttMarker | None:
    """Return the day's place on the grid: its month's index, and its position in that month and in the grid (%)."""
    if not timeline.years or not timeline.years[0] <= day.year <= timeline.years[-1]:
        return None
    index = (day.year - timeline.years[0]) * 12 + day.month - 1
    # Kept off the month's edges, where the neighbouring cell's border would hide the line.
    within = min(max((day.day - 0.5) / calendar.monthrange(day.year, day.month)[1], 0.1), 0.9)
    return GanttMarker(index=index, within=100 * within, across=100 * (index + within) / (12 * len(timeline.years)))


def gantt_css(marker: GanttMarker | None, direction: str) -> str:
    """Return the rule that draws the day's line through the schedule's cells (the months run with the text)."""
    if marker is None:
        return ""
    side = "left" if direction == "rtl" else "right"

    def line(percent: float) -> str:
        at = f"{percent:.2f}%"
        colour = "#b3261e"
        return (
            f"linear-gradient(to {side}, transparent calc({at} - 0.75pt), {colour} calc({at} - 0.75pt), "
            f"{colour} calc({at} + 0.75pt), transparent calc({at} + 0.75pt))"
        )

    return (
        f".gantt .today {{ background-image: {line(marker.within)}; }} "
        f".gantt td.gantt__note {{ background-image: {line(marker.across)}; }}"
    )


def schedule_data(projects: list, day: datetime.date, direction: str) -> dict:
    """Return the schedule's grid: the years of the projects' dates and of day, and the day's line on it."""
    dates = [d for project in projects for d in (project.start_date, project.end_date) if d]
    if not dates:
        return {"timeline": Timeline(years=[], rows=[])}
    first, last = min(min(dates).year, day.year), max(max(dates).year, day.year)
    timeline = Timeline.for_projects(projects, first_year=first, last_year=last)
    marker = gantt_marker(timeline, day)
    columns = []
    for index in range(12 * len(timeline.years)):
        month = index % 12 + 1
        classes = ["month", "year-start" if month == 1 else "quarter-start" if month in (4, 7, 10) else ""]
        if marker and index == marker.index:
            classes.append("today")
        columns.append({"month": month, "classes": " ".join(c for c in classes if c)})
    return {
        "timeline": timeline,
        "month_columns": columns,
        "marker": marker,
        "gantt_css": gantt_css(marker, direction),
        "marker_day": day,
    }


def programme_pdf_data(day: datetime.date | None = None, *, direction: str = "rtl") -> dict:
    """Return the printed programme: the home page's read plus the method, the committee, activities, the status
    on day (the edition date) and the schedule."""
    day = day or timezone.localdate()
    data = {**method_data(), **committee_data(), **home_data()}
    projects = [project for summary in data["axes"] for project in summary.projects]
    # The same shape as project_detail_data's, for every project in a fixed number of queries.
    prefetch_related_objects(projects, activities_prefetch(), "updates")
    projects_mark(projects, day)
    data["overview"] = overview_compute(projects, day)
    data.update(schedule_data(sorted(projects, key=lambda project: project.number), day, direction))
    return data


@dataclass(frozen=True)
class Document:
    """A printed document's HTML and the uploaded files it may show."""

    html: str
    media: list[str]


def document_html(
    template: str,
    context: dict,
    *,
    language: str,
    header_end: str | None = None,
    footer_start: str | None = None,
    today: datetime.date | None = None,
) -> Document:
    """Return the HTML of a printed document in the language, with the commune, the print settings, the session
    and the running header and footer.

    The header's end and the footer's start default to the session and the programme's title.
    """
    with translation.override(language):
        context = {**context, **print_context(language=language, today=today or timezone.localdate())}
        commune = context["commune"]
        context["page_css"] = page_css(
            language=language,
            header_start=commune.name if commune else "",
            header_end=context["session_label"] if header_end is None else header_end,
            footer_start=context["programme"].title if footer_start is None else footer_start,
        )
        return Document(html=render_to_string(template, context), media=[context["logo_name"]])


def document_render(
    template: str,
    context: dict,
    *,
    language: str,
    title: str,
    header_end: str | None = None,
    footer_start: str | None = None,
) -> bytes:
    """Render a PDF template in the language (document_html gives what every document shows)."""
    document = document_html(template, context, language=language, header_end=header_end, footer_start=footer_start)
    return html_to_pdf(document.html, title=title, media=document.media)


def direction_of(language: str) -> str:
    return "rtl" if translation.get_language_info(language)["bidi"] else "ltr"


def programme_pdf_render(*, language: str) -> bytes:
    """Render the whole programme as a PDF in the language."""
    data = programme_pdf_data(edition_day(), direction=direction_of(language))
    return document_render("programme/pdf/programme.html", data, language=language, title=f"the programme ({language})")


def project_pdf_render(*, slug: str, language: str) -> bytes:
    """Render one project's sheet as a PDF in the language, or raise Http404."""
    data = project_detail_data(slug)
    projects_mark([data["project"]], edition_day())
    return document_render(
        "programme/pdf/project.html", data, language=language, title=f"the sheet of {slug} ({language})"
    )


def cache_key(*, language: str, document: str) -> str:
    """Return the cache key of a PDF: the data version, the print settings of the day, the document."""
    print_settings = PrintSettings.objects.current()
    today = timezone.localdate()
    with translation.override(language):
        # The settings also move the data version when saved; the edition date moves with the day, and the
        # calendar's next session with the council's calendar.
        seen = "|".join(
            [
                print_settings.session_label or next_session_label(today),
                str(print_settings.include_progress),
                print_settings.edition_date_on(today).isoformat(),
            ]
        )
    fingerprint = hashlib.sha256(seen.encode()).hexdigest()[:16]
    return f"programme:pdf:{version_get(PRINTED)}:{fingerprint}:{language}:{document}"


def programme_pdf_get(*, language: str) -> PdfFile:
    """Return the programme's PDF in the language, rendered at most once per data version."""
    return pdf_get(
        key=cache_key(language=language, document="programme"),
        render=lambda: programme_pdf_render(language=language),
        filename=f"programme-{language}.pdf",
    )


def project_pdf_get(*, slug: str, language: str) -> PdfFile:
    """Return a project's sheet in the language, rendered at most once per data version, or raise Http404."""
    # An address that names no project is a 404 before any cache key is made of it (a slug can be 10 000 long).
    project_get(slug)
    return pdf_get(
        key=cache_key(language=language, document=f"project:{slug}"),
        render=lambda: project_pdf_render(slug=slug, language=language),
        filename=f"project-{slug}-{language}.pdf",
    )


# The session report


def period_report_document(
    *, period: Period, language: str, session_label: str, appendix: Callable[[], str] | None = None
) -> Document:
    """Return the report on the period before a session, as of today, in the language.

    The sections cover the period up to today when it is not over. appendix returns what the caller adds after
    them (petitions: the session's agenda), rendered in the language.
    """
    today = timezone.localdate()
    covered = Period(start=period.start, end=min(period.end, today))
    with translation.override(language):
        title = _("Report on the period between two council sessions")
        context = {
            "programme": programme_get(),
            "title": title,
            "period": period,
            "covered": covered,
            "report_date": today,
            "sections": [] if covered.is_empty else period_sections_render(covered),
            "appendix": appendix() if appendix else "",
            "report_session": session_label,
        }
    return document_html(
        "programme/pdf/report.html",
        context,
        language=language,
        header_end=session_label,
        footer_start=title,
        today=today,
    )


def period_report_get(
    *,
    period: Period,
    language: str,
    session_key: str,
    session_label: str,
    filename: str,
    appendix: Callable[[], str] | None = None,
) -> PdfFile:
    """Return the report on the period before a session, rendered once for each version of what it prints.

    Its sections read other apps' data, which do not move the PRINTED version: the printed text is part of the key,
    so that a new step of a petition or an answered contribution gives a new report, and a vote does not. The text
    is read again only when the portal's content changed (the CONTENT version): other downloads find the key of the
    PDF it gave.
    """
    today = timezone.localdate()
    base = f"programme:pdf:{version_get(PRINTED)}:report:{session_key}:{language}:{today.isoformat()}"
    text_key = f"{base}:text:{version_get(CONTENT)}"
    key = cache.get(text_key)
    document = None
    if key is None:
        document = period_report_document(
            period=period, language=language, session_label=session_label, appendix=appendix
        )
        key = f"{base}:{hashlib.sha256(document.html.encode()).hexdigest()[:32]}"
        cache.set(text_key, key, timeout=CACHE_TIMEOUT)

    def render() -> bytes:
        printed = document or period_report_document(
            period=period, language=language, session_label=session_label, appendix=appendix
        )
        return html_to_pdf(printed.html, title=f"the report of {session_key} ({language})", media=printed.media)

    return pdf_get(key=key, render=render, filename=filename)
