"""Template filters of the budgets: percentages with a decimal, and changes with their sign."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmun.templatetags.openmun import NBSP, dirhams, group_digits

register = template.Library()


def percent_text(value: Decimal, *, sign: bool) -> str:
    figure = group_digits(abs(value) if sign else value, 1)
    if sign:
        # A plus for growth: "+4,2 %" reads as a change, not as a share. The hyphen-minus, because the shipped
        # fonts have no U+2212 minus sign.
        figure = ("+" if value > 0 else "-" if value < 0 else "") + figure
    return f"{figure}{NBSP}%" if get_language() == "fr" else f"{figure}%"


@register.filter
def percent1(value):
    """Render a percentage with one decimal, isolated left-to-right: "12,5 %" or "12,5%"."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', percent_text(Decimal(value), sign=False))


@register.filter
def change(value):
    """Render a change in percent with its sign, isolated left-to-right: "+4,2 %" or "-3,0%"."""
    if value is None or value == "":
        return ""
    return format_html('<bdi dir="ltr">{}</bdi>', percent_text(Decimal(value), sign=True))


@register.filter
def signed_dirhams(value):
    """Render a balance in dirhams, a deficit with a minus sign inside the left-to-right figure."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if value >= 0:
        return dirhams(value)
    return format_html(
        '<span class="amount"><bdi dir="ltr">-{}</bdi>{}{}</span>', group_digits(-value, 2), NBSP, _("DH")
    )
