"""Moroccan formats for templates: dirham amounts, numbers, percentages and dates kept in one bidi run; and
{% kept %}, the parts of every page rendered once per content version."""

import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmun.cache import KeptPerVersion
from openmun.formatting import NBSP, date_text, group_digits, percent_text

register = template.Library()


def isolated(text: str):
    """Return text in a left-to-right isolate, so that its signs stay where they are inside Arabic."""
    return format_html('<bdi dir="ltr">{}</bdi>', text)


@register.filter
def dirhams(value):
    """Render an amount as "40 000,00 درهم" or "40 000,00 DH", the figure isolated left-to-right."""
    if value is None or value == "":
        return ""
    # Translators: the currency after an amount: درهم in Arabic, DH in French.
    unit = _("DH")
    return format_html('<span class="amount"><bdi dir="ltr">{}</bdi>{}{}</span>', group_digits(value, 2), NBSP, unit)


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


@register.filter
def number(value):
    """Render a whole number with grouped thousands, isolated left-to-right."""
    if value is None or value == "":
        return ""
    return isolated(group_digits(value, 0))


@register.filter
def percent(value):
    """Render a whole percentage so that the sign stays after the figure in Arabic text."""
    if value is None or value == "":
        return ""
    return isolated(percent_text(value))


@register.filter
def percent1(value):
    """Render a percentage with one decimal, isolated left-to-right: "12,5 %" or "12,5%"."""
    if value is None or value == "":
        return ""
    return isolated(percent_text(value, decimals=1))


@register.filter
def change(value):
    """Render a change in percent with its sign, isolated left-to-right: "+4,2 %" or "-3,0%"."""
    if value is None or value == "":
        return ""
    return isolated(percent_text(value, decimals=1, sign=True))


@register.filter
def fdate(value, arg="DATE_FORMAT"):
    """Render a date in a <time> element with the Moroccan month names of the active language (1er in French).

    The machine-readable value is YYYY-MM-DD for a date, and for a moment the local time to the second with its
    offset (2024-05-02T10:30:15+01:00): no microseconds.
    """
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        machine = value.isoformat(timespec="seconds")
    elif isinstance(value, datetime.date):
        machine = value.isoformat()
    else:
        return ""
    return format_html('<time datetime="{}">{}</time>', machine, date_text(value, arg))


@register.filter
def ltr(value):
    """Isolate a code, a phone number or an address left-to-right inside Arabic text."""
    if value is None or value == "":
        return ""
    return isolated(value)


# The fragments {% kept %} keeps in this process: a few per language and page kind, under the content version.
kept_fragments = KeptPerVersion(size=256)


class KeptNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str, varying: list[template.base.FilterExpression]):
        self.nodelist, self.name, self.varying = nodelist, name, varying

    def render(self, context: template.Context) -> str:
        if context.get("request") is None:
            # Rendered outside a request (an error page, a mail): the context may lack what a page has.
            return self.nodelist.render(context)
        key = (self.name, get_language(), *(str(value.resolve(context)) for value in self.varying))
        return kept_fragments.get(key, lambda: self.nodelist.render(context))


@register.tag
def kept(parser, token):
    """Render the block once per content version, language and values of the variables named, in each process.

    {% kept "footer" commune.pk %}…{% endkept %}: for the parts of every page that depend on nothing else (the
    header's links, the footer), so that a page rendered for one visitor does not render them again. The variables
    must say everything the block shows that is not the commune's data or the language: never a form (its CSRF
    token), a nonce or anything a visitor typed. Outside a request, or with the cache down, the block is rendered.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError('{% kept %} needs a name: {% kept "footer" %}.')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
