"""CSV and XLSX files that spreadsheet programs open safely: one writer for every export and download.

A cell that starts with "=", "+", "-", "@" or a control character is a formula to spreadsheet programs, and text
that citizens wrote must never run as one (CSV injection). In CSV such text is written after an apostrophe,
which spreadsheets hide and the budget import takes off again; in XLSX every text cell is stored as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel limits a sheet's name to 31 characters.
SHEET_TITLE_LENGTH = 31
AMOUNT_FORMAT = "#,##0.00"

Row = Iterable[object]


def cell_value(value: object) -> object:
    """Return value as a cell holds it: numbers as they are, None as empty text, anything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    return str(value)


def formula_neutralise(value: object) -> object:
    """Return text that a spreadsheet would read as a formula behind an apostrophe; anything else as it is."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def csv_text(rows: Iterable[Row]) -> str:
    """Return rows as CSV text with CRLF line ends and a byte-order mark, so that spreadsheets read UTF-8."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([formula_neutralise(cell_value(value)) for value in row])
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Row]) -> bytes:
    """Return rows as a CSV file in UTF-8 (csv_text, encoded)."""
    return csv_text(rows).encode("utf-8")


def xlsx_bytes(rows: Iterable[Row], *, title: str, right_to_left: bool) -> bytes:
    """Return rows as an XLSX workbook of one sheet: text stored as text, amounts as numbers, header frozen."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:SHEET_TITLE_LENGTH]
    sheet.sheet_view.rightToLeft = right_to_left
    for row in rows:
        sheet.append([cell_value(value) for value in row])
    for row_cells in sheet.iter_rows():
        for sheet_cell in row_cells:
            # openpyxl takes any text that starts with "=" for a formula: store every text cell as text.
            if isinstance(sheet_cell.value, str):
                sheet_cell.data_type = "s"
            elif isinstance(sheet_cell.value, Decimal):
                sheet_cell.number_format = AMOUNT_FORMAT
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_response(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """Return content as a file to save, named filename."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def csv_response(rows: Iterable[Row], *, filename: str) -> HttpResponse:
    """Return rows as a CSV file to download, named filename + ".csv"."""
    return download_response(csv_bytes(rows), filename=f"{filename}.csv", content_type=CSV_TYPE)


def xlsx_response(rows: Iterable[Row], *, filename: str, right_to_left: bool) -> HttpResponse:
    """Return rows as an XLSX workbook to download, named filename + ".xlsx"."""
    content = xlsx_bytes(rows, title=filename, right_to_left=right_to_left)
    return download_response(content, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)
