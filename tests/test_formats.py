"""Moroccan conventions: month names, Western digits, dirham amounts, isolated numbers."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from openmun.formatting import date_text, french_typography, french_typography_html
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
        assert date_format(datetime.date(2023, month, 12)) == f"12 {FRENCH_MONTHS[month - 1]} 2023"


@pytest.mark.parametrize("month", range(1, 13))
def test_the_first_of_a_month_is_an_ordinal_in_french_only(month):
    first = datetime.date(2027, month, 1)
    with translation.override("fr"):
        assert date_text(first) == f"1er {FRENCH_MONTHS[month - 1]} 2027"
        assert date_text(first, "MONTH_DAY_FORMAT") == f"1er {FRENCH_MONTHS[month - 1]}"
        assert date_text(first, "d/m/Y") == f"01/{month:02d}/2027"
        assert date_text(datetime.date(2027, month, 21)) == f"21 {FRENCH_MONTHS[month - 1]} 2027"
    with translation.override("ar"):
        assert date_text(first) == f"1 {MOROCCAN_MONTHS[month - 1]} 2027"


def test_fdate_writes_1er_in_french():
    with translation.override("fr"):
        html = render("{{ d|fdate }}", d=datetime.date(2027, 2, 1))
    assert html == '<time datetime="2027-02-01">1er février 2027</time>'


@pytest.mark.parametrize(
    ("typed", "typeset"),
    [
        ("Coût : 40 000 DH", "Coût\xa0: 40 000 DH"),
        ("Objet :", "Objet\xa0:"),
        ("Pourquoi ? Comment ! Ensuite ; enfin", "Pourquoi\u202f? Comment\u202f! Ensuite\u202f; enfin"),
        ("Vraiment ?!", "Vraiment\u202f?!"),
        ("« Mghila »", "«\xa0Mghila\xa0»"),
        ("«Mghila»", "«\xa0Mghila\xa0»"),
        ("« Mghila\xa0»", "«\xa0Mghila\xa0»"),
        ("Le 1 février 2027 et le 21 mai", "Le 1er\xa0février 2027 et le 21 mai"),
        # Nothing added where French has no space: times, addresses, query strings, numbers.
        ("10:30, https://example.ma/?page=2&q=x!", "10:30, https://example.ma/?page=2&q=x!"),
        ("1,1 mai 11 juin", "1,1 mai 11 juin"),
        ("Déjà\xa0: fait\u202f?", "Déjà\xa0: fait\u202f?"),
    ],
)
def test_french_typography(typed, typeset):
    assert french_typography(typed) == typeset
    assert french_typography(typeset) == typeset


def test_french_typography_of_a_page_leaves_markup_code_and_fields_alone():
    html = (
        '<p title="Objet : test ?"><a href="/fr/search/?q=a ;b">Rechercher :</a> « <em>citation</em> »</p>'
        "<script>if (a ? b : c) { x = 1 ; }</script><style>a:hover { color: red !important; }</style>"
        "<textarea>Texte ; tapé : tel quel ?</textarea><pre>code : x</pre><!-- note : ici -->"
    )
    assert french_typography_html(html) == (
        '<p title="Objet : test ?"><a href="/fr/search/?q=a ;b">Rechercher\xa0:</a> «\xa0<em>citation</em>\xa0»</p>'
        "<script>if (a ? b : c) { x = 1 ; }</script><style>a:hover { color: red !important; }</style>"
        "<textarea>Texte ; tapé : tel quel ?</textarea><pre>code : x</pre><!-- note : ici -->"
    )


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
