"""The budget file staff import and export: one line per category, as CSV (UTF-8) or XLSX, checked row by row.

Reading never saves anything: it returns every row with its errors, in the staff's language, so that the
admin shows a preview; services.budget_year_import saves the lines of a file without any error, all or none.
The file has no totals: the portal computes them. A row whose code says "total" is checked against the sum of
the lines and left out.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from budgets.models import BudgetLine, BudgetYear
from openmun.formatting import group_digits
from openmun.folding import fold_for_comparison as fold

COLUMNS = (
    "part",
    "direction",
    "code",
    "label_ar",
    "label_fr",
    "explanation_ar",
    "explanation_fr",
    "adopted",
    "executed",
)
REQUIRED_COLUMNS = ("part", "direction", "code", "label_ar", "adopted")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_INTEGER_DIGITS = 12
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell that starts with one of these is a formula for spreadsheet programs: exported text starting with one
# is written after an apostrophe (as consultations.exports does), which the import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

PART_NAMES = {
    BudgetLine.Part.OPERATING: ("operating", "التسيير", "جزء التسيير", "fonctionnement", "partie fonctionnement"),
    BudgetLine.Part.EQUIPMENT: ("equipment", "التجهيز", "جزء التجهيز", "équipement", "partie équipement"),
}
DIRECTION_NAMES = {
    BudgetLine.Direction.REVENUE: ("revenue", "revenues", "المداخيل", "مداخيل", "الموارد", "recettes", "recette"),
    BudgetLine.Direction.EXPENDITURE: ("expenditure", "expenditures", "النفقات", "نفقات", "dépenses", "dépense"),
}
TOTAL_CODES = ("total", "totals", "المجموع", "مجموع", "total général", "sous-total")
# Digits people may type in Arabic text, and the Arabic decimal and thousands separators.
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789,.")
SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
CURRENCY = re.compile(r"(?:dhs?|mad|درهم|دراهم)\.?$", re.IGNORECASE)
GROUPED = {",": re.compile(r"^\d{1,3}(?:,\d{3})+$"), ".": re.compile(r"^\d{1,3}(?:\.\d{3})+$")}


class BudgetFileError(Exception):
    """The file cannot be read at all: its format or encoding, or it has no usable header."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ParsedLine:
    part: str
    direction: str
    code: str
    labels: dict[str, str]
    explanations: dict[str, str]
    adopted: Decimal
    executed: Decimal | None


@dataclass
class Row:
    number: int
    cells: dict[str, str]
    line: ParsedLine | None = None
    is_total: bool = False
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    rows: list[Row]
    table: list[list[str]]
    errors: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[ParsedLine]:
        return [row.line for row in self.rows if row.line is not None]

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(len(row.errors) for row in self.rows)

    @property
    def is_valid(self) -> bool:
        return not self.error_count and bool(self.lines)


# Reading the bytes


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


def xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # The shortest text that gives the float back: 1234567.89, never 1234567.8899999999.
        return repr(value)
    return str(value)


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


# Reading the cells


def amount_parse(text: str) -> Decimal:
    """Return the amount a cell holds: decimal comma or point, thousands separated by spaces; or raise ValueError.

    A value that could be read two ways ("1,234": a thousand and more, or one and a bit?) is refused with a
    message rather than guessed.
    """
    value = SPACES.sub("", str(text).translate(DIGITS))
    value = CURRENCY.sub("", value)
    if not value:
        raise ValueError(_("The amount is missing."))
    if value.startswith("-"):
        raise ValueError(_("An amount cannot be negative."))
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        integer, _sep, decimals = value.rpartition(decimal_mark)
        if not GROUPED[grouping].match(integer):
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": text})
        value = integer.replace(grouping, "") + "." + decimals
    elif value.count(",") > 1 or value.count(".") > 1:
        mark = "," if value.count(",") > 1 else "."
        if not GROUPED[mark].match(value):
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": text})
        value = value.replace(mark, "")
    else:
        value = value.replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", value):
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text})
    integer, _sep, decimals = value.partition(".")
    if len(decimals) > 2:
        raise ValueError(
            _("“%(value)s” has more than two decimals. Separate thousands with spaces, not with a comma or a point.")
            % {"value": text}
        )
    if len(integer.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ValueError(_("“%(value)s” is too large.") % {"value": text})
    try:
        return Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text}) from None


def text_cell(value: str) -> str:
    """Return a text cell as typed, without the apostrophe an export puts before formula-like text."""
    value = unicodedata.normalize("NFC", value or "").strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def choice_parse(value: str, names: dict[str, tuple[str, ...]]) -> str | None:
    """Return the choice a cell names (its code, or its name in Arabic, French or English), else None."""
    folded = fold(value)
    for choice, choice_names in names.items():
        if folded in {fold(name) for name in choice_names}:
            return choice
    return None


def header_read(header: list[str]) -> dict[str, int]:
    """Return the position of each column in the header row, or raise BudgetFileError."""
    positions: dict[str, int] = {}
    for index, heading in enumerate(header):
        name = text_cell(heading).lstrip("\ufeff").strip().lower()
        if not name:
            continue
        if name not in COLUMNS:
            raise BudgetFileError(
                _("Unknown column “%(name)s”. The columns are: %(columns)s.")
                % {"name": name[:40], "columns": ", ".join(COLUMNS)}
            )
        if name in positions:
            raise BudgetFileError(_("The column “%(name)s” appears twice.") % {"name": name})
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise BudgetFileError(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return positions


def row_read(number: int, cells: dict[str, str], seen: dict[tuple[str, str, str], int]) -> Row:
    """Return a row of the file with its line, or with the errors that keep it from being one."""
    row = Row(number=number, cells=cells)
    part = choice_parse(cells["part"], PART_NAMES) if cells["part"] else None
    direction = choice_parse(cells["direction"], DIRECTION_NAMES)
    code = cells["code"]
    row.is_total = fold(code) in {fold(name) for name in TOTAL_CODES}
    if cells["part"] and part is None:
        row.errors.append(_("Part “%(value)s”: write operating or equipment.") % {"value": cells["part"][:40]})
    elif not cells["part"] and not row.is_total:
        row.errors.append(_("The part is missing: write operating or equipment."))
    if direction is None:
        row.errors.append(
            _("Direction “%(value)s”: write revenue or expenditure.") % {"value": cells["direction"][:40]}
            if cells["direction"]
            else _("The direction is missing: write revenue or expenditure.")
        )
    try:
        adopted = amount_parse(cells["adopted"])
    except ValueError as error:
        adopted = None
        row.errors.append(_("Adopted amount: %(error)s") % {"error": error})
    executed = None
    if cells["executed"]:
        try:
            executed = amount_parse(cells["executed"])
        except ValueError as error:
            row.errors.append(_("Executed amount: %(error)s") % {"error": error})
    if row.is_total:
        return row
    if not code:
        row.errors.append(_("The category code is missing."))
    elif len(code) > BudgetLine._meta.get_field("code").max_length:
        row.errors.append(
            _("The category code is longer than %(count)d characters.")
            % {"count": BudgetLine._meta.get_field("code").max_length}
        )
    if not cells["label_ar"]:
        row.errors.append(_("The label in Arabic is missing."))
    for name in ("label_ar", "label_fr"):
        if len(cells[name]) > BudgetLine._meta.get_field("label").max_length:
            row.errors.append(
                _("The label is longer than %(count)d characters.")
                % {"count": BudgetLine._meta.get_field("label").max_length}
            )
            break
    if part and direction and code:
        key = (part, direction, code)
        if key in seen:
            row.errors.append(
                _("The code %(code)s appears twice in this part and direction (row %(row)d).")
                % {"code": code, "row": seen[key]}
            )
        else:
            seen[key] = number
    if not row.errors:
        row.line = ParsedLine(
            part=part,
            direction=direction,
            code=code,
            labels={"ar": cells["label_ar"], "fr": cells["label_fr"]},
            explanations={"ar": cells["explanation_ar"], "fr": cells["explanation_fr"]},
            adopted=adopted,
            executed=executed,
        )
    return row


def totals_check(rows: list[Row]) -> None:
    """Check each totals row against the sum of the lines it totals; a total that does not match is an error."""
    lines = [row.line for row in rows if row.line is not None]
    for row in rows:
        if not row.is_total or row.errors:
            continue
        part = choice_parse(row.cells["part"], PART_NAMES) if row.cells["part"] else None
        direction = choice_parse(row.cells["direction"], DIRECTION_NAMES)
        totalled = [line for line in lines if line.direction == direction and (part is None or line.part == part)]
        checks = [("adopted", amount_parse(row.cells["adopted"]), sum((line.adopted for line in totalled), Decimal(0)))]
        if row.cells["executed"]:
            checks.append(
                (
                    "executed",
                    amount_parse(row.cells["executed"]),
                    sum((line.executed or Decimal(0) for line in totalled), Decimal(0)),
                )
            )
        for column, stated, computed in checks:
            if stated != computed:
                row.errors.append(
                    _(
                        "This total row says %(stated)s DH (%(column)s) but the lines add up to %(computed)s DH. The "
                        "portal computes the totals: correct the lines, or remove this row."
                    )
                    % {"stated": group_digits(stated, 2), "computed": group_digits(computed, 2), "column": column}
                )


def table_parse(table: list[list[str]]) -> ParsedFile:
    """Return every row of a table read from a budget file, each with its line or its errors."""
    rows = [[text_cell(str(cell)) for cell in row] for row in table]
    parsed = ParsedFile(rows=[], table=rows)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        parsed.errors.append(_("The file is empty."))
        return parsed
    try:
        positions = header_read(rows[0])
    except BudgetFileError as error:
        parsed.errors.append(error.message)
        return parsed
    if len(rows) - 1 > MAX_ROWS:
        parsed.errors.append(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
        return parsed
    seen: dict[tuple[str, str, str], int] = {}
    for number, values in enumerate(rows[1:], start=2):
        if not any(values):
            continue
        cells = {
            name: (values[positions[name]] if name in positions and positions[name] < len(values) else "")
            for name in COLUMNS
        }
        parsed.rows.append(row_read(number, cells, seen))
    totals_check(parsed.rows)
    if not parsed.lines and not parsed.error_count:
        parsed.errors.append(_("The file has no budget line."))
    return parsed


def file_parse(name: str, content: bytes) -> ParsedFile:
    """Return an uploaded budget file read and checked, or a ParsedFile holding why it cannot be read."""
    try:
        table = table_read(name, content)
    except BudgetFileError as error:
        return ParsedFile(rows=[], table=[], errors=[error.message])
    return table_parse(table)


# Writing the same format


def export_rows(budget_year: BudgetYear) -> Iterable[list[object]]:
    """Return a year's lines in the import format, the header first; amounts as numbers with a decimal point."""
    yield list(COLUMNS)
    for line in budget_year.lines.all():
        yield [
            line.part,
            line.direction,
            line.code,
            line.label_ar or "",
            line.label_fr or "",
            line.explanation_ar or "",
            line.explanation_fr or "",
            line.adopted,
            "" if line.executed is None else line.executed,
        ]


def csv_bytes(rows: Iterable[list[object]]) -> bytes:
    """Return rows as a CSV file in UTF-8 with a byte-order mark, which spreadsheet programs open as such."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value for value in row]
        )
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[list[object]], *, right_to_left: bool) -> bytes:
    """Return rows as an XLSX workbook: text stored as text, never as a formula; amounts as numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "budget"
    sheet.sheet_view.rightToLeft = right_to_left
    for row in rows:
        sheet.append(row)
    for row_cells in sheet.iter_rows():
        for sheet_cell in row_cells:
            if isinstance(sheet_cell.value, str):
                sheet_cell.data_type = "s"
            elif isinstance(sheet_cell.value, Decimal | int | float):
                sheet_cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_xlsx(csv_content: bytes, *, right_to_left: bool) -> bytes:
    """Return a CSV budget file as an XLSX workbook, its amounts as numbers."""
    table = csv_table(csv_decode(csv_content))
    amounts = [table[0].index(name) for name in ("adopted", "executed")]
    rows = [table[0]] + [
        [amount_parse(cell) if index in amounts and cell else cell for index, cell in enumerate(row)]
        for row in table[1:]
    ]
    return xlsx_bytes(rows, right_to_left=right_to_left)
