"""Moroccan conventions: month names, Western digits, dirham amounts, isolated numbers."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from tests.months import MOROCCAN_MONTHS

FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
ARABIC_INDIC_DIGITS = set("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("month", range(1, 13))
def test_arabic_dates_use_moroccan_month_names_and_western_digits(month):
    day = datetime.date(2023, month, 12)
    with translation.override("ar"):
        for fmt in ("DATE_FORMAT", "YEAR_MONTH_FORMAT", "MONTH_DAY_FORMAT", "j M Y", "j N Y", "j E Y", "j b Y"):
            text = date_format(day, fmt)
            assert MOROCCAN_MONTHS[month - 1] in text, (fmt, text)
            assert not ARABIC_INDIC_DIGITS & set(text)
        assert date_format(day) == f"12 {MOROCCAN_MONTHS[month - 1]} 2023"


@pytest.mark.parametrize("month", range(1, 13))
def test_french_dates_use_french_month_names(month):
    with translation.override("fr"):
        assert date_format(datetime.date(2023, month, 1)) == f"1 {FRENCH_MONTHS[month - 1]} 2023"


def test_no_middle_eastern_month_names_in_arabic():
    with translation.override("ar"):
        text = " ".join(date_format(datetime.date(2023, m, 1)) for m in range(1, 13))
    for eastern in ("مايو", "يوليو ", "أغسطس", "سبتمبر", "نوفمبر", "ديسمبر", "كانون"):
        assert eastern not in text


def test_fdate_wraps_the_date_in_a_time_element():
    with translation.override("ar"):
        html = render("{{ d|fdate }}", d=datetime.date(2023, 7, 11))
    assert html == '<time datetime="2023-07-11">11 يوليوز 2023</time>'


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", '<span class="amount"><bdi dir="ltr">40\xa0000,00</bdi>\xa0درهم</span>'),
        ("fr", '<span class="amount"><bdi dir="ltr">40\xa0000,00</bdi>\xa0DH</span>'),
    ],
)
def test_amounts_in_dirhams(language, expected):
    with translation.override(language):
        assert render("{{ v|dirhams }}", v=Decimal("40000")) == expected


def test_large_amounts_group_every_three_digits_and_round_half_up():
    with translation.override("fr"):
        html = render("{{ v|dirhams }}", v=Decimal("1234567.885"))
    assert "1\xa0234\xa0567,89" in html


@pytest.mark.parametrize(("language", "expected"), [("ar", "87%"), ("fr", "87\xa0%")])
def test_percentages_stay_isolated_left_to_right(language, expected):
    with translation.override(language):
        assert render("{{ v|percent }}", v=87) == f'<bdi dir="ltr">{expected}</bdi>'


def test_numbers_and_codes_are_isolated():
    assert render("{{ v|number }}", v=192676) == '<bdi dir="ltr">192\xa0676</bdi>'
    assert render("{{ v|ltr }}", v="+212 523 48 00 00") == '<bdi dir="ltr">+212 523 48 00 00</bdi>'


def test_filters_escape_what_they_isolate():
    assert render("{{ v|ltr }}", v="<script>") == '<bdi dir="ltr">&lt;script&gt;</bdi>'


def test_empty_values_render_nothing():
    assert render("{{ v|dirhams }}{{ v|number }}{{ v|percent }}{{ v|fdate }}{{ v|ltr }}", v=None) == ""
