"""The official signature sheets of a citizens' petition, in Arabic, for the paper filing (decree 2.16.403).

Signatures collected online have no legal value for a commune petition: signatories write their name,
national ID card (CIN) number and address, and sign, on paper. The portal never collects CIN numbers; the
column is printed empty. The rendering machinery (fonts, URL fetcher, cache and lock) is openmun.pdf's.
"""

from __future__ import annotations

import hashlib
import math

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from openmun.pdf import PdfFile, html_to_pdf, page_css, pdf_get
from petitions.models import Petition
from programme.selectors import commune_get

# The official language of the sheets.
SHEET_LANGUAGE = "ar"
# Rows beyond the threshold, for signatures the bureau may find invalid.
MARGIN = 1.25
ROUND_TO = 10


def signature_row_count(petition: Petition) -> int:
    """Return the numbered rows to print: the threshold and a quarter more, in whole tens."""
    return math.ceil((petition.signature_threshold or 0) * MARGIN / ROUND_TO) * ROUND_TO


def signature_sheets_html(petition: Petition) -> str:
    """Return the HTML of a petition's signature sheets."""
    with translation.override(SHEET_LANGUAGE):
        commune = commune_get()
        context = {
            "petition": petition,
            "commune": commune,
            "rows": range(1, signature_row_count(petition) + 1),
            "language": SHEET_LANGUAGE,
            "direction": "rtl",
            "page_css": page_css(
                language=SHEET_LANGUAGE,
                header_start=commune.name if commune else "",
                header_end=_("Petition to the commune council"),
                footer_start=petition.title,
            ),
        }
        return render_to_string("petitions/pdf/signature_sheets.html", context)


def signature_sheets_get(petition: Petition) -> PdfFile:
    """Return the signature sheets' PDF, rendered once for each version of what they print."""
    html = signature_sheets_html(petition)
    # The HTML is the version: a change to the petition or to the commune's name gives a new key.
    key = f"petitions:pdf:sheets:{petition.pk}:{hashlib.sha256(html.encode()).hexdigest()[:32]}"
    return pdf_get(
        key=key,
        render=lambda: html_to_pdf(html, title=f"the signature sheets of petition {petition.pk}"),
        filename=f"petition-{petition.pk}-signature-sheets.pdf",
    )
