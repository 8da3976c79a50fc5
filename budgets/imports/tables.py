"""An uploaded CSV or XLSX file read into a table of text, with a message naming what keeps it from being read."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile

from django.utils.translation import gettext as _

MAX_BYTES = 2 * 1024 * 1024


class BudgetFileError(Exception):
    """The file cannot be read at all: its format or encoding, or it has no usable header."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def table_read(name: str, content: bytes) -> list[list[str]]:
    """Return the rows of an uploaded CSV or XLSX file, or raise BudgetFileError saying what is wrong."""
    if len(content) > MAX_BYTES:
        raise BudgetFileError(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    if not content.strip():
        raise BudgetFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return xlsx_table(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise BudgetFileError(_("This is an old Excel file (.xls). Save it as .xlsx or as “CSV UTF-8”."))
    if name.lower().endswith((".xlsx", ".xls", ".ods")):
        raise BudgetFileError(_("The file cannot be read as an XLSX workbook."))
    if b"\x00" in content and not content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BudgetFileError(_("This is not a CSV or XLSX file."))
    return csv_table(csv_decode(content))


def csv_decode(content: bytes) -> str:
    """Return the text of a CSV file in UTF-8, with or without a byte-order mark; explain any other encoding."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BudgetFileError(
            _("The file is encoded in UTF-16 (“Unicode text”). Save it as “CSV UTF-8” and import it again.")
        )
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        if encoding_guess(content) == "windows-1256":
            message = _(
                "The file is not in UTF-8: it looks like Windows-1256 (Arabic Windows), from line %(line)d. "
                "Save it as “CSV UTF-8” and import it again."
            )
        else:
            message = _(
                "The file is not in UTF-8: it looks like Latin-1 (Windows-1252), from line %(line)d. "
                "Save it as “CSV UTF-8” and import it again."
            )
        raise BudgetFileError(message % {"line": line}) from None


def encoding_guess(content: bytes) -> str:
    """Return the likelier of the two encodings Moroccan spreadsheets are saved in when not in UTF-8."""
    # Windows-1256 keeps the French accented letters where Latin-1 has them: Arabic letters tell them apart.
    text = content.decode("cp1256", errors="replace")
    arabic = sum(1 for character in text if "\u0600" <= character <= "\u06ff")
    return "windows-1256" if arabic else "latin-1"


def csv_table(text: str) -> list[list[str]]:
    """Return the rows of a CSV text, its delimiter (comma, semicolon or tab) read from the header line."""
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def xlsx_table(content: bytes) -> list[list[str]]:
    """Return the rows of the first sheet of an XLSX workbook, as text."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise BudgetFileError(_("The file cannot be read as an XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [[xlsx_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def xlsx_cell(value: object) -> str:
    """Return a workbook cell as text, a number as the shortest text that gives it back."""
    if value is None:
        return ""
    if isinstance(value, float):
        # 1234567.89, never 1234567.8899999999.
        return repr(value)
    return str(value)
