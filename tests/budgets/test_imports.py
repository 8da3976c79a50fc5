"""Importing a year from CSV or XLSX in the admin: a preview, errors per row, all or nothing; the same format out."""

import codecs
import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from budgets import imports
from budgets.models import BudgetLine
from openmun import spreadsheets
from openmun.cache import PRINTED, version_get
from tests.budgets.factories import BudgetYearFactory, year_build

HEADER = "part,direction,code,label_ar,label_fr,explanation_ar,explanation_fr,adopted,executed"
VALID = [
    'operating,revenue,R-1,حصة الضريبة على القيمة المضافة,Part de la TVA,شرح,Explication,"120 000 000,50",',
    'operating,expenditure,D-1,أجور الموظفين,Salaires,,,95000000.25,"94 100 000,00"',
    "equipment,revenue,R-2,قروض,Emprunts,,,20000000,",
]


def csv_file(*rows: str, bom: bool = True, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join([HEADER, *rows]) + "\r\n"
    return (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)


def parse(*rows: str, **kwargs) -> imports.ParsedFile:
    # The messages' English source text: what they say, whatever the state of the catalogues.
    with translation.override("en"):
        return imports.file_parse("budget.csv", csv_file(*rows, **kwargs))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("120000000", "120000000.00"),
        ("120 000 000,50", "120000000.50"),
        ("120\u00a0000\u00a0000,5", "120000000.50"),
        ("120\u202f000.75", "120000.75"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("1 234 567", "1234567.00"),
        ("١٢٠٠٠٠٫٥٠", "120000.50"),
        ("15 000 DH", "15000.00"),
        ("15000 درهم", "15000.00"),
        ("0", "0.00"),
        ("1.234.567", "1234567.00"),
    ],
)
def test_amounts_accept_a_decimal_comma_or_point_and_spaces_between_thousands(text, amount):
    assert imports.amount_parse(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["", "-5", "abc", "1,234", "12,345.6.7", "1.23,4.5", "12 34,567", "1e6", "9999999999999"]
)
def test_ambiguous_or_wrong_amounts_are_refused_with_a_reason(text):
    with translation.override("en"), pytest.raises(ValueError) as error:
        imports.amount_parse(text)
    assert str(error.value)


def test_a_valid_file_gives_its_lines():
    parsed = parse(*VALID)
    assert parsed.is_valid, [row.errors for row in parsed.rows]
    assert [(line.part, line.direction, line.code, line.adopted, line.executed) for line in parsed.lines] == [
        ("operating", "revenue", "R-1", Decimal("120000000.50"), None),
        ("operating", "expenditure", "D-1", Decimal("95000000.25"), Decimal("94100000.00")),
        ("equipment", "revenue", "R-2", Decimal("20000000.00"), None),
    ]
    assert parsed.lines[0].labels == {"ar": "حصة الضريبة على القيمة المضافة", "fr": "Part de la TVA"}


def test_without_byte_order_mark_semicolons_and_names_in_arabic_or_french():
    text = (
        HEADER.replace(",", ";")
        + "\n"
        + "التسيير;المداخيل;R-1;مداخيل;Recettes;;;1 000,5;\n"
        + "équipement;Dépenses;D-1;نفقات;Dépenses;;;2000;\n"
    )
    parsed = imports.file_parse("budget.csv", text.encode())
    assert parsed.is_valid
    assert [(line.part, line.direction, line.adopted) for line in parsed.lines] == [
        ("operating", "revenue", Decimal("1000.50")),
        ("equipment", "expenditure", Decimal("2000.00")),
    ]


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_valid():
    parsed = parse(
        VALID[0],
        "running,revenue,R-2,باب,Poste,,,10,",
        "operating,,R-3,باب,Poste,,,10,",
        "operating,revenue,R-1,مكرر,Doublon,,,10,",
        "operating,revenue,,باب,Poste,,,10,",
        "operating,revenue,R-5,,Poste,,,10,",
        "operating,revenue,R-6,باب,Poste,,,-10,",
        "operating,revenue,R-7,باب,Poste,,,10,abc",
        "",
        'operating,revenue,R-8,باب,Poste,,,"1,234",',
    )
    assert not parsed.is_valid
    errors = {row.number: " ".join(row.errors) for row in parsed.rows if row.errors}
    # The header is row 1; the empty row 10 is skipped but keeps its number.
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 11}
    assert "running" in errors[3] and "operating" in errors[3]
    assert "direction" in errors[4]
    assert "R-1" in errors[5] and "(row 2)" in errors[5]
    assert "code" in errors[6]
    assert "Arabic" in errors[7]
    assert "negative" in errors[8]
    assert "abc" in errors[9]
    assert "two decimals" in errors[11]
    assert parsed.rows[0].line is not None and parsed.error_count == 8


def test_too_long_cells_are_refused_with_the_limit_said_once():
    parsed = parse("operating,revenue," + "C" * 21 + "," + "ب" * 201 + "," + "P" * 201 + ",,,10,")
    assert parsed.rows[0].errors == [
        "The category code is longer than 20 characters.",
        "The label is longer than 200 characters.",
    ]


def test_row_errors_are_in_the_staff_language():
    with translation.override("fr"):
        parsed = imports.file_parse("budget.csv", csv_file(",revenue," + "C" * 21 + ",,Poste,,,10,"))
    assert parsed.rows[0].errors == [
        "La partie manque : écrivez operating (fonctionnement) ou equipment (équipement).",
        "Le code du poste dépasse 20 caractères.",
        "Le libellé en arabe manque.",
    ]


def test_a_totals_row_is_checked_against_the_lines_and_not_saved():
    good = parse(
        *VALID[:2], "operating,revenue,TOTAL,,,,,120000000.50,", ',expenditure,المجموع,,,,,"95 000 000,25",94100000'
    )
    assert good.is_valid, [row.errors for row in good.rows]
    assert len(good.lines) == 2 and [row.is_total for row in good.rows] == [False, False, True, True]
    bad = parse(*VALID[:2], "operating,revenue,Total,,,,,120000000,")
    assert not bad.is_valid
    (error,) = bad.rows[2].errors
    assert "120\u00a0000\u00a0000,00" in error and "120\u00a0000\u00a0000,50" in error


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (csv_file("operating,revenue,R-1,مداخيل الأسواق,Marchés,,,10,", bom=False, encoding="cp1256"), "Windows-1256"),
        (
            csv_file(
                "operating,revenue,R-1,باب,Recettes des marchés,,,10,".replace("باب", "bab"),
                bom=False,
                encoding="latin-1",
            ),
            "Latin-1",
        ),
        (codecs.BOM_UTF16_LE + (HEADER + "\n").encode("utf-16-le"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
        (b"", "empty"),
    ],
)
def test_wrong_encodings_and_formats_are_named(content, expected):
    with translation.override("en"):
        parsed = imports.file_parse("budget.csv", content)
    assert not parsed.is_valid and not parsed.rows
    assert expected in parsed.errors[0]


def test_wrong_header_is_explained():
    with translation.override("en"):
        unknown = imports.file_parse("b.csv", (HEADER + ",total\n" + VALID[0]).encode())
        missing = imports.file_parse("b.csv", b"part,direction,code\noperating,revenue,R-1\n")
    assert "total" in unknown.errors[0]
    assert "label_ar" in missing.errors[0] and "adopted" in missing.errors[0]


def xlsx_file(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_files_are_read_from_their_first_sheet_numbers_and_text_alike():
    content = xlsx_file(
        [
            HEADER.split(","),
            ["operating", "revenue", "R-1", "باب", "Poste", None, None, 1234567.89, None],
            ["operating", "expenditure", "D-1", "باب", "Poste", None, None, "1 000,50", 900],
            [None] * 9,
            ["equipment", "revenue", "R-2", "باب", None, None, None, 0.1, None],
        ]
    )
    parsed = imports.file_parse("budget.xlsx", content)
    assert parsed.is_valid, [row.errors for row in parsed.rows]
    assert [(line.adopted, line.executed) for line in parsed.lines] == [
        (Decimal("1234567.89"), None),
        (Decimal("1000.50"), Decimal("900.00")),
        (Decimal("0.10"), None),
    ]
    with translation.override("en"):
        broken = imports.file_parse("budget.xlsx", b"PK\x03\x04 not really a zip")
    assert "XLSX" in broken.errors[0]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_to_the_same_lines(fmt):
    budget_year = year_build(2024, executed=True)
    BudgetLine.objects.filter(pk=budget_year.lines.first().pk).update(
        label_fr='=HYPERLINK("x")', adopted=Decimal("1234567.89")
    )
    rows = imports.export_rows(budget_year)
    if fmt == "csv":
        content = spreadsheets.csv_bytes(rows)
    else:
        content = spreadsheets.xlsx_bytes(rows, title="budget-2024", right_to_left=True)
    parsed = imports.file_parse(f"budget.{fmt}", content)
    assert parsed.is_valid
    expected = [
        (line.part, line.direction, line.code, line.label_ar, line.label_fr, line.adopted, line.executed)
        for line in budget_year.lines.all()
    ]
    assert [
        (line.part, line.direction, line.code, line.labels["ar"], line.labels["fr"], line.adopted, line.executed)
        for line in parsed.lines
    ] == expected
    if fmt == "csv":
        # A formula-like label is exported as text, and comes back as it was.
        assert "'=HYPERLINK" in content.decode("utf-8-sig")


def test_the_shipped_template_is_a_valid_file():
    content = (settings.BASE_DIR / "static" / "budgets" / "budget-template.csv").read_bytes()
    assert content.startswith(codecs.BOM_UTF8)
    parsed = imports.file_parse("budget-template.csv", content)
    assert parsed.is_valid and len(parsed.lines) >= 4
    assert {line.part for line in parsed.lines} == {"operating", "equipment"}
    workbook = spreadsheets.xlsx_bytes(imports.template_rows(content), title="budget-template", right_to_left=False)
    assert imports.file_parse("t.xlsx", workbook).lines == parsed.lines


# The admin's import


def import_url(budget_year, language: str = "fr") -> str:
    with translation.override(language):
        return reverse("admin:budgets_budgetyear_import", args=[budget_year.pk])


def upload(client, budget_year, content: bytes, name: str = "budget.csv"):
    return client.post(import_url(budget_year), {"file": SimpleUploadedFile(name, content)})


def signed_table(html: str) -> str:
    return re.search(r'name="table" value="([^"]+)"', html).group(1)


@pytest.mark.django_db
def test_staff_preview_then_confirm_and_the_year_is_replaced(client, editor):
    client.force_login(editor)
    budget_year = year_build(2024)
    assert client.get(import_url(budget_year, "ar")).status_code == 200
    response = upload(client, budget_year, csv_file(*VALID))
    html = response.content.decode()
    assert response.status_code == 200 and "R-1" in html and "Part de la TVA" in html
    # Nothing is saved by the preview.
    assert budget_year.lines.count() == 16
    version = version_get(PRINTED)
    response = client.post(import_url(budget_year), {"confirm": "1", "table": signed_table(html)})
    assert response.status_code == 302
    assert sorted(budget_year.lines.values_list("code", flat=True)) == ["D-1", "R-1", "R-2"]
    line = budget_year.lines.get(code="R-1")
    assert (line.label_ar, line.label_fr, line.explanation_fr, line.adopted, line.position) == (
        "حصة الضريبة على القيمة المضافة",
        "Part de la TVA",
        "Explication",
        Decimal("120000000.50"),
        1,
    )
    # The printed booklet is rebuilt from the new lines.
    assert version_get(PRINTED) != version


@pytest.mark.django_db
def test_a_file_with_any_error_saves_nothing(client, editor):
    client.force_login(editor)
    budget_year = year_build(2024)
    before = list(budget_year.lines.values_list("pk", flat=True))
    response = upload(client, budget_year, csv_file(VALID[0], "operating,revenue,R-1,مكرر,,,,10,"))
    html = response.content.decode()
    assert 'name="confirm"' not in html
    with translation.override("fr"):
        assert gettext("Row %(row)s:") % {"row": 3} in html
    assert list(budget_year.lines.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_a_tampered_preview_is_refused(client, editor):
    client.force_login(editor)
    budget_year = year_build(2024)
    html = upload(client, budget_year, csv_file(*VALID)).content.decode()
    table = signed_table(html)
    response = client.post(import_url(budget_year), {"confirm": "1", "table": "x" + table})
    assert response.status_code == 302 and budget_year.lines.count() == 16


@pytest.mark.django_db
def test_export_and_template_downloads(client, editor):
    client.force_login(editor)
    budget_year = year_build(2024)
    with translation.override("ar"):
        csv_url = reverse("admin:budgets_budgetyear_export_csv", args=[budget_year.pk])
        xlsx_url = reverse("admin:budgets_budgetyear_export_xlsx", args=[budget_year.pk])
        template_url = reverse("admin:budgets_budgetyear_template_xlsx")
        change_url = reverse("admin:budgets_budgetyear_change", args=[budget_year.pk])
    response = client.get(csv_url)
    assert response["Content-Disposition"] == 'attachment; filename="budget-2024.csv"'
    assert len(imports.file_parse("x.csv", response.content).lines) == 16
    response = client.get(xlsx_url)
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    assert len(imports.file_parse("x.xlsx", response.content).lines) == 16
    assert imports.file_parse("t.xlsx", client.get(template_url).content).is_valid
    html = client.get(change_url).content.decode()
    assert csv_url in html and xlsx_url in html and import_url(budget_year, "ar") in html


@pytest.mark.django_db
def test_only_staff_who_may_change_a_year_import_it(client):
    budget_year = BudgetYearFactory()
    viewer = User.objects.create_user("viewer", password="x-Strong-pass-1", is_staff=True)
    client.force_login(viewer)
    assert client.get(import_url(budget_year)).status_code == 403
    client.logout()
    assert client.get(import_url(budget_year)).status_code == 302


@pytest.mark.django_db
def test_imported_lines_are_found_by_the_search(django_capture_on_commit_callbacks):
    from budgets import services
    from transparency.selectors import search_data

    budget_year = BudgetYearFactory()
    staff = User.objects.create_superuser("importer", password="x-Strong-pass-1")
    with django_capture_on_commit_callbacks(execute=True):
        services.budget_year_import(budget_year=budget_year, lines=parse(*VALID).lines, acting_user=staff)
    # Typed without the final ta marbuta and with a plain alef, as people type it.
    results = search_data(query="الضريبه القيمه المضافه", language="ar")
    assert [(group.kind, group.count) for group in results["groups"]] == [("budget-line", 1)]
