"""Amounts as people type them in a budget file or a form: grouped digits, a decimal comma or point, Arabic digits."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

MAX_INTEGER_DIGITS = 12
# Digits people may type in Arabic text, and the Arabic decimal and thousands separators.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789,.")
SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
CURRENCY = re.compile(r"(?:dhs?|mad|درهم|دراهم)\.?$", re.IGNORECASE)
GROUPED = {",": re.compile(r"^\d{1,3}(?:,\d{3})+$"), ".": re.compile(r"^\d{1,3}(?:\.\d{3})+$")}
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def amount_parse(text: str) -> Decimal:
    """Return the amount a cell holds: decimal comma or point, thousands separated by spaces; or raise ValueError.

    A value that could be read two ways ("1,234": a thousand and more, or one and a bit?) is refused with a
    message rather than guessed.
    """
    value = CURRENCY.sub("", SPACES.sub("", str(text).translate(DIGITS)))
    if not value:
        raise ValueError(_("The amount is missing."))
    if value.startswith("-"):
        raise ValueError(_("An amount cannot be negative."))
    value = decimal_point(value, text)
    integer, _sep, decimals = value.partition(".")
    if len(decimals) > 2:
        raise ValueError(
            _("“%(value)s” has more than two decimals. Separate thousands with spaces, not with a comma or a point.")
            % {"value": text}
        )
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueError(_("“%(value)s” is too large.") % {"value": text})
    return Decimal(value).quantize(Decimal("0.01"))


def decimal_point(value: str, text: str) -> str:
    """Return value with a decimal point and no thousands separator, or raise ValueError if it is not a number."""
    if "," in value and "." in value:
        # Both marks: the last one is the decimal mark, and the other may only separate thousands.
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        integer, _sep, decimals = value.rpartition(decimal_mark)
        if not GROUPED[grouping].match(integer):
            raise not_an_amount(text)
        value = integer.replace(grouping, "") + "." + decimals
    elif value.count(",") > 1 or value.count(".") > 1:
        # One mark several times can only separate thousands.
        mark = "," if value.count(",") > 1 else "."
        if not GROUPED[mark].match(value):
            raise not_an_amount(text)
        value = value.replace(mark, "")
    else:
        value = value.replace(",", ".")
    if not NUMBER.fullmatch(value):
        raise not_an_amount(text)
    return value


def not_an_amount(text: str) -> ValueError:
    """Return the error for a cell that is no amount at all."""
    return ValueError(_("“%(value)s” is not an amount.") % {"value": text})
