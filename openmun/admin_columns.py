"""The admin's list columns in the public site's formats: dirham amounts, Moroccan dates, short excerpts.

Each returns what a `list_display` method returns: HTML from the same filters as the public pages
(openmun/templatetags/openmun.py), so that a cost reads "40 000,00 درهم" in the admin as on the site, and a long
citizen's text stays a few lines in a list that must fit at 1280 px and on a tablet.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from openmun.templatetags.openmun import dirhams, fdate

EXCERPT_LENGTH = 80
EMPTY = "-"


def excerpt(text: str | None, length: int = EXCERPT_LENGTH) -> str:
    """Return the start of a text, cut at a word with an ellipsis, on one line: at most length characters."""
    return Truncator(" ".join((text or "").split())).chars(length) or EMPTY


def amount(value: Decimal | int | None) -> SafeString | str:
    """Return an amount as the public pages show it: "40 000,00 درهم", the figure isolated left to right."""
    return EMPTY if value is None else dirhams(value)


def day(value: datetime.date | datetime.datetime | None) -> SafeString | str:
    """Return a date (or the local day of a moment) with the Moroccan month names of the admin's language."""
    return EMPTY if value is None else fdate(value)


def period(start: datetime.date | None, end: datetime.date | None) -> SafeString | str:
    """Return from start to end in one column; a date left open shows as an ellipsis."""
    if start is None and end is None:
        return EMPTY
    start_text = fdate(start) if start else "…"
    end_text = fdate(end) if end else "…"
    return format_html('<span class="period">{} – {}</span>', start_text, end_text)
