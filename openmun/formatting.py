"""Moroccan number formats as text: grouped thousands with no-break spaces, a decimal comma, percentages.

The template filters (openmun/templatetags/openmun.py) wrap these in left-to-right isolates for pages and
PDFs; services use them in messages.
"""

from decimal import ROUND_HALF_UP, Decimal

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
