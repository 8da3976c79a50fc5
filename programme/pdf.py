"""The programme as a PDF for council sessions, and each project's sheet (the machinery: openmun/pdf.py).

Both are cached under the PRINTED content version, the print settings of the day and the language.
"""

from __future__ import annotations

import datetime
import hashlib

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone, translation

from openmun.cache import PRINTED, version_get
from openmun.pdf import PdfFile, html_to_pdf, page_css, pdf_get
from programme.models import PrintSettings
from programme.selectors import (
    Timeline,
    activities_prefetch,
    committee_data,
    commune_get,
    home_data,
    method_data,
    project_detail_data,
)


def print_context(*, language: str, today: datetime.date) -> dict:
    """Return what every printed document shows: the commune, the print settings, the page boxes."""
    print_settings = PrintSettings.objects.current()
    commune = commune_get()
    return {
        "commune": commune,
        "print_settings": print_settings,
        "include_progress": print_settings.include_progress,
        "edition_date": print_settings.edition_date_on(today),
        "language": language,
        "direction": "rtl" if translation.get_language_info(language)["bidi"] else "ltr",
    }


def programme_pdf_data() -> dict:
    """Return the printed programme: the home page's read plus the method, the committee and activities."""
    data = {**method_data(), **committee_data(), **home_data()}
    projects = [project for summary in data["axes"] for project in summary.projects]
    # The same shape as project_detail_data's, for every project in a fixed number of queries.
    prefetch_related_objects(projects, activities_prefetch(), "updates")
    data["timeline"] = Timeline.for_projects(projects)
    return data


def document_render(
    template: str,
    context: dict,
    *,
    language: str,
    title: str,
    header_end: str | None = None,
    footer_start: str | None = None,
) -> bytes:
    """Render a PDF template with the commune, the print settings and the running header and footer.

    The header's end and the footer's start default to the print settings' session and the programme's title.
    """
    with translation.override(language):
        context = {**context, **print_context(language=language, today=timezone.localdate())}
        commune = context["commune"]
        context["page_css"] = page_css(
            language=language,
            header_start=commune.name if commune else "",
            header_end=context["print_settings"].session_label if header_end is None else header_end,
            footer_start=context["programme"].title if footer_start is None else footer_start,
        )
        html = render_to_string(template, context)
    return html_to_pdf(html, title=title)


def programme_pdf_render(*, language: str) -> bytes:
    """Render the whole programme as a PDF in the language."""
    return document_render(
        "programme/pdf/programme.html", programme_pdf_data(), language=language, title=f"the programme ({language})"
    )


def project_pdf_render(*, slug: str, language: str) -> bytes:
    """Render one project's sheet as a PDF in the language, or raise Http404."""
    return document_render(
        "programme/pdf/project.html",
        project_detail_data(slug),
        language=language,
        title=f"the sheet of {slug} ({language})",
    )


def cache_key(*, language: str, document: str) -> str:
    """Return the cache key of a PDF: the data version, the print settings of the day, the document."""
    print_settings = PrintSettings.objects.current()
    with translation.override(language):
        # The settings also move the data version when saved; the edition date moves with the day.
        seen = "|".join(
            [
                print_settings.session_label,
                str(print_settings.include_progress),
                print_settings.edition_date_on(timezone.localdate()).isoformat(),
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
    return pdf_get(
        key=cache_key(language=language, document=f"project:{slug}"),
        render=lambda: project_pdf_render(slug=slug, language=language),
        filename=f"project-{slug}-{language}.pdf",
    )
