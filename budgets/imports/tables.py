"""An uploaded CSV or XLSX file read into a table of text, with a message naming what keeps it from being read.

Reading stops at what a budget file can hold: every limit below is checked while reading, so that a hostile file
(millions of empty rows, a zip bomb, an XML bomb, a cell of megabytes) is refused within a second or so instead of
holding a worker; whatever the file holds, reading it raises nothing but BudgetFileError.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from collections.abc import Iterable, Sequence

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
# Rows of budget lines after the header (empty rows are skipped and not counted), and rows read in all, empty
# ones included: a sheet formatted far below its lines is read, one with millions of empty rows is not.
MAX_ROWS = 2000
MAX_SCANNED_ROWS = 10 * MAX_ROWS
# Columns after these are not read (the file has nine).
MAX_COLUMNS = 50
# Excel's own limit for a cell.
MAX_CELL_LENGTH = 32767
# A workbook once unzipped: its size, its parts and its XML tags (counted as "<"), four or five times what a
# workbook of 2,000 lines with long explanations needs (5 MB, 105,000 tags). Checked before any XML is parsed:
# openpyxl reads a sheet without a <dimension> in full as soon as it opens the workbook, and reads the whole table
# of shared strings; half a million tags take it about a second.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_PARTS = 1000
MAX_TAGS = 500_000


class BudgetFileError(Exception):
    """The file cannot be read at all: its format or encoding, its size, or it has no usable header."""

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


def rows_collect(rows: Iterable[Sequence[str]], table: list[list[str]]) -> list[list[str]]:
    """Append rows of text to table while they stay within the limits, and return it without its empty end.

    Raises BudgetFileError as soon as a limit is passed, without reading further.
    """
    filled = 0
    for row in rows:
        number = len(table) + 1
        if number > MAX_SCANNED_ROWS:
            raise BudgetFileError(
                _("The file has more than %(count)d rows, empty rows included. Delete the empty rows below the lines.")
                % {"count": MAX_SCANNED_ROWS}
            )
        cells = list(row[:MAX_COLUMNS])
        while cells and not cells[-1]:
            cells.pop()
        if any(len(cell) > MAX_CELL_LENGTH for cell in cells):
            raise BudgetFileError(
                ngettext(
                    "Row %(row)d has a cell longer than %(count)d character.",
                    "Row %(row)d has a cell longer than %(count)d characters.",
                    MAX_CELL_LENGTH,
                )
                % {"row": number, "count": MAX_CELL_LENGTH}
            )
        table.append(cells)
        if any(cell.strip() for cell in cells):
            filled += 1
            # The header, then at most MAX_ROWS rows of lines.
            if filled > MAX_ROWS + 1:
                raise BudgetFileError(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    return table


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
    table: list[list[str]] = []
    try:
        return rows_collect(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), table)
    except csv.Error:
        # The csv module refuses a field over csv.field_size_limit() (128 KiB), which is also what a quotation
        # mark left open makes of the rest of the file.
        raise BudgetFileError(
            ngettext(
                "Row %(row)d cannot be read as CSV: a cell is longer than %(count)d character, or a quotation mark "
                "is not closed.",
                "Row %(row)d cannot be read as CSV: a cell is longer than %(count)d characters, or a quotation mark "
                "is not closed.",
                MAX_CELL_LENGTH,
            )
            % {"row": len(table) + 1, "count": MAX_CELL_LENGTH}
        ) from None


def xlsx_table(content: bytes) -> list[list[str]]:
    """Return the rows of the first sheet of an XLSX workbook, as text."""
    from openpyxl import load_workbook

    workbook_check(content)
    unreadable = BudgetFileError(_("The file cannot be read as an XLSX workbook."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:
        if declares_entities(error):
            raise xml_declarations() from None
        # Whatever a malformed part makes openpyxl raise (zip, XML, a missing part, a wrong attribute): the file
        # is not a workbook the portal can read, and nothing was read from it.
        logger.info("Unreadable XLSX budget file: %s", type(error).__name__)
        raise unreadable from None
    table: list[list[str]] = []
    try:
        if not workbook.worksheets:
            raise unreadable
        rows = workbook.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True)
        return rows_collect(([xlsx_cell(value) for value in row] for row in rows), table)
    except BudgetFileError:
        raise
    except Exception as error:
        if declares_entities(error):
            raise xml_declarations() from None
        # A cell openpyxl cannot convert (a number "NaN" or "inf", a date out of range) stops the whole sheet.
        logger.info("Unreadable row in an XLSX budget file: %s", type(error).__name__)
        raise BudgetFileError(
            _(
                "The workbook cannot be read from row %(row)d: a cell holds a value that is not a valid number, "
                "text or date. Correct it, or save the sheet as “CSV UTF-8”."
            )
            % {"row": len(table) + 1}
        ) from None
    finally:
        workbook.close()


def workbook_check(content: bytes) -> None:
    """Refuse a workbook that unzips into far more than a budget file: a zip bomb, millions of rows or cells."""
    too_large = BudgetFileError(
        _(
            "The workbook is much larger once unzipped than a budget file of %(count)d rows. Keep only the budget "
            "lines on its first sheet and save it again."
        )
        % {"count": MAX_ROWS}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            # The declared sizes bound what is unzipped: zipfile stops at a part's declared size (and then
            # refuses the part for its checksum).
            if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
                raise too_large
            tags = 0
            for part in parts:
                with archive.open(part) as stream:
                    while chunk := stream.read(1024 * 1024):
                        tags += chunk.count(b"<")
                if tags > MAX_TAGS:
                    raise too_large
    except BudgetFileError:
        raise
    except Exception as error:
        # A damaged or encrypted archive, an unknown compression: zipfile and zlib raise many kinds of errors.
        logger.info("Unreadable zip in a budget file: %s", type(error).__name__)
        raise BudgetFileError(_("The file cannot be read as an XLSX workbook.")) from None


def declares_entities(error: BaseException) -> bool:
    """Return whether defusedxml refused the XML behind an error (openpyxl raises its own error from it)."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def xml_declarations() -> BudgetFileError:
    """Return the error for a workbook whose XML declares entities (an XML bomb, or a file that reads others)."""
    return BudgetFileError(
        _(
            "The workbook holds XML declarations (DOCTYPE, entities) that spreadsheet programs do not write. "
            "Open it in Excel or LibreOffice and save it again as .xlsx."
        )
    )


def xlsx_cell(value: object) -> str:
    """Return a workbook cell as text, a number as the shortest text that gives it back."""
    if value is None:
        return ""
    if isinstance(value, float):
        # 1234567.89, never 1234567.8899999999.
        return repr(value)
    return str(value)
