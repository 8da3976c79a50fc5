"""Moroccan formats for templates: dirham amounts, numbers, percentages and dates kept in one bidi run."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

NBSP = "\xa0"


def group_digits(value: Decimal | int, decimals: int) -> str:
    """Return value with no-break spaces between thousands and a decimal comma: 40 000,00."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{number:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


@register.filter
def dirhams(value):
    """Render an amount as "40 000,00 درهم" or "40 000,00 DH", the figure isolated left-to-right."""
    if value is None or value == "":
        return ""
    # Translators: the currency after an amount: درهم in Arabic, DH in French.
    unit = _("DH")
    return format_html('<span class="amount"><bdi dir="ltr">{}</bdi>{}{}</span>', group_digits(value, 2), NBSP, unit)


@register.filter
def number(value):
    """Render a whole number with grouped thousands, isolated left-to-right."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', group_digits(value, 0))


@register.filter
def percent(value):
    """Render a percentage so that the sign stays after the figure in Arabic text."""
    if value is None or value == "":
        return ""
    text = f"{group_digits(value, 0)}{NBSP}%" if get_language() == "fr" else f"{group_digits(value, 0)}%"
    return format_html('<bdi dir="ltr">{}</bdi>', text)


@register.filter
def fdate(value, arg="DATE_FORMAT"):
    """Render a date in a <time> element with the Moroccan month names of the active language."""
    if not isinstance(value, datetime.date):
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_filter(value, arg))


@register.filter
def ltr(value):
    """Isolate a code, a phone number or an address left-to-right inside Arabic text."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', value)
