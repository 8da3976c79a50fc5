"""The citizen-budget booklet as a PDF, printed like the programme (programme.pdf's header and settings).

The booklet is rendered once per PRINTED content version (budget years, lines and the glossary move it:
budgets/apps.py), language and print settings of the day, and kept in the cache.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from budgets.selectors import year_detail_data
from openmun.pdf import PdfFile, pdf_get
from programme.pdf import cache_key, document_render


def booklet_pdf_render(*, year: int, language: str) -> bytes:
    """Render a published year's citizen-budget booklet in the language, or raise Http404."""
    with translation.override(language):
        data = year_detail_data(year)
        budget_year = data["budget_year"]
        title = _("Citizen budget %(year)s") % {"year": budget_year.year}
        # Every page says it when the figures are invented, in the running header.
        header_end = (
            _("Demonstration data: these figures are not the commune's") if budget_year.is_demonstration else title
        )
    return document_render(
        "budgets/pdf/booklet.html",
        {**data, "title": title},
        language=language,
        title=f"the citizen budget {year} ({language})",
        header_end=header_end,
        footer_start=title,
    )


def booklet_pdf_get(*, year: int, language: str) -> PdfFile:
    """Return a year's booklet in the language, rendered at most once per data version, or raise Http404."""
    return pdf_get(
        key=cache_key(language=language, document=f"budget-booklet:{year}"),
        render=lambda: booklet_pdf_render(year=year, language=language),
        filename=f"citizen-budget-{year}-{language}.pdf",
    )
