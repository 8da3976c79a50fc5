"""A budget file read row by row into lines, or into the errors that keep each row from being one; and written back."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from budgets.imports.amounts import amount_parse
from budgets.imports.rows import QUOTED_LENGTH, ParsedLine, Seen, StatedTotal, TotalRowForm, row_form
from budgets.imports.tables import MAX_ROWS, BudgetFileError, csv_decode, csv_table, table_read
from budgets.models import BudgetYear
from openmun.formatting import group_digits
from openmun.spreadsheets import FORMULA_STARTS

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
AMOUNT_COLUMNS = ("adopted", "executed")


@dataclass
class Row:
    """A row of the file as the preview shows it: its cells, and its line or its errors."""

    number: int
    cells: dict[str, str]
    line: ParsedLine | None = None
    is_total: bool = False
    errors: list[str] = field(default_factory=list)
    # What a valid totals row states, for totals_check.
    total: StatedTotal | None = None


@dataclass
class ParsedFile:
    """A whole file read: its rows, the table they came from (signed for the confirmation) and file-wide errors."""

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


def file_parse(name: str, content: bytes) -> ParsedFile:
    """Return an uploaded budget file read and checked, or a ParsedFile holding why it cannot be read."""
    try:
        table = table_read(name, content)
    except BudgetFileError as error:
        return ParsedFile(rows=[], table=[], errors=[error.message])
    return table_parse(table)


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
    if sum(1 for values in rows[1:] if any(values)) > MAX_ROWS:
        parsed.errors.append(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
        return parsed
    seen: Seen = {}
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


def text_cell(value: str) -> str:
    """Return a text cell as typed, without the apostrophe an export puts before formula-like text."""
    value = unicodedata.normalize("NFC", value or "").strip()
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


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
                % {"name": name[:QUOTED_LENGTH], "columns": ", ".join(COLUMNS)}
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


def row_read(number: int, cells: dict[str, str], seen: Seen) -> Row:
    """Return a row of the file with its line, or with the errors that keep it from being one."""
    form = row_form(cells, number=number, seen=seen)
    row = Row(number=number, cells=cells, is_total=isinstance(form, TotalRowForm), errors=form.messages())
    if row.errors:
        return row
    if row.is_total:
        row.total = form.total()
    else:
        row.line = form.line()
    return row


def totals_check(rows: list[Row]) -> None:
    """Check each totals row against the sum of the lines it totals; a total that does not match is an error."""
    lines = [row.line for row in rows if row.line is not None]
    for row in rows:
        if row.total is not None:
            row.errors += total_errors(row.total, lines)


def total_errors(total: StatedTotal, lines: list[ParsedLine]) -> list[str]:
    """Return an error for each amount of a totals row that the lines do not add up to."""
    totalled = [line for line in lines if line.direction == total.direction and total.part in ("", line.part)]
    checks = [("adopted", total.adopted, sum((line.adopted for line in totalled), Decimal(0)))]
    if total.executed is not None:
        checks.append(("executed", total.executed, sum((line.executed or Decimal(0) for line in totalled), Decimal(0))))
    return [
        _(
            "This total row says %(stated)s DH (%(column)s) but the lines add up to %(computed)s DH. The "
            "portal computes the totals: correct the lines, or remove this row."
        )
        % {"stated": group_digits(stated, 2), "computed": group_digits(computed, 2), "column": column}
        for column, stated, computed in checks
        if stated != computed
    ]


# Writing the same format: openmun.spreadsheets writes the rows as CSV or XLSX.


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


def template_rows(csv_content: bytes) -> list[list[object]]:
    """Return the rows of a CSV budget file with its amounts as numbers, to write it as an XLSX workbook."""
    header, *rows = csv_table(csv_decode(csv_content))
    amounts = [header.index(name) for name in AMOUNT_COLUMNS]
    return [header] + [
        [amount_parse(cell) if index in amounts and cell else cell for index, cell in enumerate(row)] for row in rows
    ]
