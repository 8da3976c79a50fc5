"""Importing a year from CSV or XLSX in the admin: a preview, errors per row, all or nothing; the same format out."""

import codecs
import io
import re
import time
import zipfile
from decimal import Decimal
from html import unescape

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
from openmun.formatting import french_typography
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
        assert french_typography(gettext("Row %(row)s:") % {"row": 3}) in html
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


# Hostile files: each becomes a clear message, read no further than the limits, and saves nothing.


def xlsx_patched(content: bytes, change, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    """Return a workbook with one of its parts rewritten by change(bytes) -> bytes."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info.filename, change(data) if info.filename == part else data)
    return buffer.getvalue()


def small_workbook() -> bytes:
    return xlsx_file([HEADER.split(","), ["operating", "revenue", "R-1", "باب", "Poste", None, None, 10, None]])


def without_dimension(sheet: bytes) -> bytes:
    # A sheet that does not state its size: openpyxl then reads all of it when it opens the workbook.
    return re.sub(rb"<dimension [^>]*/>", b"", sheet)


def with_rows(rows: bytes):
    return lambda sheet: without_dimension(sheet).replace(b"</sheetData>", rows + b"</sheetData>")


ENTITY = b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY part "operating">]>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY l0 "lol">'
    + b"".join(b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10) for n in range(1, 10))
    + b"]>"
)


def nan_cell(value: bytes):
    return lambda sheet: sheet.replace(b"<v>10</v>", b"<v>" + value + b"</v>")


def hostile_files() -> dict[str, tuple[str, bytes, str]]:
    """Return, by case, a file name, its content and what the message says."""
    workbook = small_workbook()
    unpacked_too_large = "much larger once unzipped"
    return {
        "doctype and entity": (
            "b.xlsx",
            xlsx_patched(workbook, lambda sheet: ENTITY + sheet.replace(b"<t>operating</t>", b"<t>&part;</t>")),
            "XML declarations",
        ),
        "billion laughs": (
            "b.xlsx",
            xlsx_patched(workbook, lambda sheet: LAUGHS + sheet.replace(b"<t>operating</t>", b"<t>&l9;</t>")),
            "XML declarations",
        ),
        "entity in the shared strings": (
            "b.xlsx",
            xlsx_patched(
                xlsx_patched(workbook, lambda types: types),
                lambda styles: ENTITY.replace(b"worksheet", b"styleSheet") + styles.replace(b"<fonts", b"&part;<fonts"),
                part="xl/styles.xml",
            ),
            "XML declarations",
        ),
        "NaN cell": ("b.xlsx", xlsx_patched(workbook, nan_cell(b"NaN")), "from row 2"),
        "inf cell": ("b.xlsx", xlsx_patched(workbook, nan_cell(b"inf")), "from row 2"),
        "zip bomb": (
            "b.xlsx",
            xlsx_patched(workbook, lambda sheet: sheet + b" " * (30 * 1024 * 1024)),
            unpacked_too_large,
        ),
        "three million empty rows": (
            "b.xlsx",
            xlsx_patched(workbook, with_rows(b"<row/>" * 3_000_000)),
            unpacked_too_large,
        ),
        "an XLSX cell of 40 000 characters": (
            "b.xlsx",
            xlsx_patched(
                workbook, lambda sheet: sheet.replace("<t>باب</t>".encode(), b"<t>" + b"x" * 40_000 + b"</t>")
            ),
            "longer than 32767 characters",
        ),
        "not a zip, named .xlsx": ("b.xlsx", b"part,direction\noperating,revenue\n", "cannot be read as an XLSX"),
        "a damaged zip": ("b.xlsx", workbook[: len(workbook) // 2], "cannot be read as an XLSX"),
        "a zip that is no workbook": ("b.xlsx", zip_of({"readme.txt": b"hello"}), "cannot be read as an XLSX"),
        "an empty file": ("b.csv", b"", "empty"),
        "only spaces": ("b.xlsx", b"  \n\n ", "empty"),
        "a binary file named .csv": ("b.csv", bytes(range(256)) * 40, "not a CSV or XLSX"),
        "a CSV field over 128 KiB": (
            "b.csv",
            csv_file(f'operating,revenue,R-1,"{"ب" * 140_000}",,,,10,'),
            "cannot be read as CSV",
        ),
        "a CSV quotation mark left open": (
            "b.csv",
            csv_file('operating,revenue,R-1,"باب,,,,10,', *["operating,revenue,R-2,باب,,,,10,"] * 20_000),
            "quotation mark is not closed",
        ),
    }


def zip_of(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(hostile_files()))
def test_hostile_files_are_refused_with_a_clear_message(case):
    name, content, expected = hostile_files()[case]
    started = time.monotonic()
    with translation.override("en"):
        parsed = imports.file_parse(name, content)
    assert not parsed.is_valid and not parsed.rows
    assert len(parsed.errors) == 1 and expected in parsed.errors[0], parsed.errors
    # Before the limits, three million empty rows held a worker for 30 s.
    assert time.monotonic() - started < 5


def test_openpyxl_reads_workbooks_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML


def test_reading_stops_at_the_row_limit():
    # What lies after the limit is never read: a cell openpyxl cannot convert, a CSV field it cannot take.
    header = HEADER.split(",")
    line = ["operating", "revenue", "R-{}", "باب", None, None, None, 10, None]
    lines = [[cell.format(number) if isinstance(cell, str) else cell for cell in line] for number in range(2001)]
    last = [*line[:7], 99, None]
    with translation.override("en"):
        too_many_lines = imports.file_parse(
            "b.xlsx",
            xlsx_patched(xlsx_file([header, *lines, last]), lambda sheet: sheet.replace(b"<v>99</v>", b"<v>NaN</v>")),
        )
        too_many_rows = imports.file_parse(
            "b.xlsx",
            xlsx_patched(small_workbook(), with_rows(b"<row/>" * 30_000 + b'<row><c t="n"><v>NaN</v></c></row>')),
        )
        csv_rows = imports.file_parse(
            "b.csv", csv_file(*[f"operating,revenue,R-{n},باب,,,,10," for n in range(2001)], '"' + "x" * 200_000)
        )
    assert too_many_lines.errors == ["The file has more than 2000 rows."]
    assert too_many_rows.errors == [
        "The file has more than 20000 rows, empty rows included. Delete the empty rows below the lines."
    ]
    assert csv_rows.errors == ["The file has more than 2000 rows."]


def test_empty_rows_below_the_lines_and_columns_after_the_50th_are_left_aside():
    far_cell = b'<row><c r="BZ5002" t="inlineStr"><is><t>' + b"x" * 40_000 + b"</t></is></c></row>"
    workbook = xlsx_patched(small_workbook(), with_rows(b"<row/>" * 5000 + far_cell))
    far_column = ",".join([*VALID[0].split(","), *[""] * 60, "x" * 40_000])
    for name, content in (("b.xlsx", workbook), ("b.csv", csv_file(far_column, *[""] * 5000))):
        parsed = imports.file_parse(name, content)
        assert parsed.is_valid and len(parsed.lines) == 1, parsed.errors
        assert max(len(row) for row in parsed.table) <= 50


def test_hostile_file_messages_are_in_the_staff_language():
    name, content, _expected = hostile_files()["NaN cell"]
    with translation.override("ar"):
        parsed = imports.file_parse(name, content)
    assert parsed.errors == [
        "تعذرت قراءة المصنف ابتداء من السطر 2: تحتوي إحدى الخانات على قيمة ليست عددا أو نصا أو تاريخا صالحا. يرجى "
        "تصحيحها أو حفظ الورقة بصيغة «CSV UTF-8»."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["doctype and entity", "NaN cell", "zip bomb", "a CSV field over 128 KiB"])
def test_a_hostile_upload_shows_the_message_and_saves_nothing(client, editor, case):
    client.force_login(editor)
    budget_year = year_build(2024)
    before = list(budget_year.lines.values_list("pk", "adopted"))
    name, content, _expected = hostile_files()[case]
    response = upload(client, budget_year, content, name=name)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html and 'name="confirm"' not in html
    assert list(budget_year.lines.values_list("pk", "adopted")) == before


# The preview: for its year, once.


@pytest.mark.django_db
def test_a_preview_is_confirmed_for_its_own_year_only(client, editor):
    client.force_login(editor)
    first, second = year_build(2024), year_build(2025)
    before = list(second.lines.values_list("pk", flat=True))
    table = signed_table(upload(client, first, csv_file(*VALID)).content.decode())
    response = client.post(import_url(second), {"confirm": "1", "table": table})
    assert response.status_code == 302 and response["Location"] == import_url(second)
    assert list(second.lines.values_list("pk", flat=True)) == before
    assert first.lines.count() == 16
    with translation.override("fr"):
        message = gettext("This preview was made for another budget year: upload the file again on this page.")
    assert message in client.get(import_url(second)).content.decode()


@pytest.mark.django_db
def test_a_preview_is_confirmed_once(client, editor):
    client.force_login(editor)
    budget_year = year_build(2024)
    with translation.override("fr"):
        limits = gettext(
            "At most %(size)s MB and %(rows)s rows of lines. A preview can be confirmed once, within an hour, for "
            "this year only."
        )
    # The page says so, after the limits.
    assert limits.split(". ", 1)[1] in unescape(client.get(import_url(budget_year)).content.decode())
    table = signed_table(upload(client, budget_year, csv_file(*VALID)).content.decode())
    assert client.post(import_url(budget_year), {"confirm": "1", "table": table}).status_code == 302
    imported = list(budget_year.lines.values_list("pk", flat=True))
    assert len(imported) == 3
    response = client.post(import_url(budget_year), {"confirm": "1", "table": table}, follow=True)
    assert list(budget_year.lines.values_list("pk", flat=True)) == imported
    with translation.override("fr"):
        message = gettext(
            "This preview has already been confirmed, or the lines of %(year)s have changed since it was made: "
            "upload the file again."
        ) % {"year": 2024}
    assert message in response.content.decode()
    # A new preview of the same file can be confirmed.
    table = signed_table(upload(client, budget_year, csv_file(*VALID)).content.decode())
    assert client.post(import_url(budget_year), {"confirm": "1", "table": table}).status_code == 302
    assert set(budget_year.lines.values_list("pk", flat=True)).isdisjoint(imported)


@pytest.mark.django_db(transaction=True)
def test_confirmations_of_one_preview_sent_at_once_import_it_once(django_user_model):
    from django.contrib.admin.models import LogEntry
    from django.test import Client

    from tests.budgets.test_concurrency import run_in_parallel

    # A superuser: the groups that migrations create are gone after an earlier test that flushed the database.
    staff = django_user_model.objects.create_superuser("importer", password="x-Strong-pass-1")
    budget_year = year_build(2024)
    client = Client()
    client.force_login(staff)
    table = signed_table(upload(client, budget_year, csv_file(*VALID)).content.decode())

    def confirm():
        browser = Client()
        browser.force_login(staff)
        return browser.post(import_url(budget_year), {"confirm": "1", "table": table}).status_code

    assert run_in_parallel([confirm] * 4) == [302] * 4
    assert sorted(budget_year.lines.values_list("code", flat=True)) == ["D-1", "R-1", "R-2"]
    assert LogEntry.objects.filter(object_id=str(budget_year.pk)).count() == 1
