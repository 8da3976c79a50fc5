"""Moroccan formats as text: grouped thousands with no-break spaces, a decimal comma, percentages, dates, and
French typography (the no-break spaces French puts before : ; ? ! and inside « », and 1er for a first day).

The template filters (openmun/templatetags/openmun.py) wrap these in left-to-right isolates for pages and
PDFs; services use them in messages.
"""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.translation import get_language

NBSP = "\xa0"


def group_digits(value: Decimal | int, decimals: int) -> str:
    """Return value with no-break spaces between thousands and a decimal comma: 40 000,00."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def percent_text(value: Decimal | int, *, decimals: int = 0, sign: bool = False) -> str:
    """Return a percentage as the language writes it: "12,5 %" in French, "12,5%" in Arabic.

    sign puts a plus before growth, so that "+4,2 %" reads as a change and not as a share; the minus is the
    hyphen-minus, because the shipped fonts have no U+2212 minus sign.
    """
    value = Decimal(value)
    figure = group_digits(abs(value) if sign else value, decimals)
    if sign:
        figure = ("+" if value > 0 else "-" if value < 0 else "") + figure
    return f"{figure}{NBSP}%" if get_language() == "fr" else f"{figure}%"


NNBSP = "\u202f"
FRENCH_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
# Spaces a writer or a template may leave where French wants a no-break space.
_SPACES = "[ \t\r\n\xa0\u202f]"
FRENCH_SPACING = (
    # A narrow no-break space before ; ? ! and a no-break space before a colon, replacing the space typed there;
    # without a space nothing is added, so that 10:30, https://, ?page=2 and "!important" stay as they are.
    (re.compile(f"{_SPACES}+([;?!])"), f"{NNBSP}\\1"),
    (re.compile(f"{_SPACES}+:"), f"{NBSP}:"),
    # Inside guillemets a no-break space, added where it is missing.
    (re.compile(f"«{_SPACES}*"), f"«{NBSP}"),
    (re.compile(f"{_SPACES}*»"), f"{NBSP}»"),
    # The first day of a month is an ordinal: 1er février.
    (re.compile(f"(?<![\\w,.])1[ \xa0](?=(?:{FRENCH_MONTHS})\\b)"), f"1er{NBSP}"),
)
# What any of the rules above needs to find in a text: most of a page's texts (words between tags, white space) have
# none of it, and one search is cheaper than the five substitutions.
_SPACING_NEEDED = re.compile("[;?!:«»]|1[ \xa0]")
# What French typography never touches in a document: tags (so attributes and URLs), comments, and the content
# of elements whose text is code or what someone typed.
_UNTOUCHED = re.compile(
    r"<(script|style|pre|code|kbd|samp|textarea)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE
)


def french_typography(text: str) -> str:
    """Return French text with its no-break spaces (before : ; ? !, inside « ») and 1er for a first of the month."""
    if not _SPACING_NEEDED.search(text):
        return text
    for pattern, replacement in FRENCH_SPACING:
        text = pattern.sub(replacement, text)
    return text


def french_typography_html(html: str) -> str:
    """Return an HTML document or fragment with French typography applied to its text, never to its markup."""
    parts = []
    position = 0
    for match in _UNTOUCHED.finditer(html):
        parts.append(french_typography(html[position : match.start()]))
        parts.append(match.group())
        position = match.end()
    parts.append(french_typography(html[position:]))
    return "".join(parts)


def date_text(value: datetime.date, format_name: str = "DATE_FORMAT") -> str:
    """Return a date in the active language's format; in French the first of a month is "1er" (1er février)."""
    format_string = get_format(format_name)
    if get_language() == "fr" and value.day == 1:
        # "j" is the day without a leading zero; an escaped one (\j) is a letter.
        format_string = re.sub(r"(?<!\\)j", r"j\\e\\r", format_string)
    return dateformat.format(value, format_string)
