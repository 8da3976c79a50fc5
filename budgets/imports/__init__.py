"""The budget file staff import and export: one line per category, as CSV (UTF-8) or XLSX, checked row by row.

Reading never saves anything: it returns every row with its errors, in the staff's language, so that the
admin shows a preview; services.budget_year_import saves the lines of a file without any error, all or none.
The file has no totals: the portal computes them. A row whose code says "total" is checked against the sum of
the lines and left out.

- tables: the bytes of a CSV or XLSX file into a table of text, or why they cannot be read;
- rows: one row checked by a form, a field per column;
- files: the whole file (its header, its rows, its totals rows) and the same format written back;
- amounts: amounts as people type them, also for the public forms.
"""

from budgets.imports.amounts import amount_parse
from budgets.imports.files import (
    COLUMNS,
    REQUIRED_COLUMNS,
    ParsedFile,
    Row,
    export_rows,
    file_parse,
    table_parse,
    template_rows,
)
from budgets.imports.rows import DIRECTION_NAMES, PART_NAMES, ParsedLine
from budgets.imports.tables import MAX_BYTES, MAX_ROWS, BudgetFileError

__all__ = [
    "COLUMNS",
    "DIRECTION_NAMES",
    "MAX_BYTES",
    "MAX_ROWS",
    "PART_NAMES",
    "REQUIRED_COLUMNS",
    "BudgetFileError",
    "ParsedFile",
    "ParsedLine",
    "Row",
    "amount_parse",
    "export_rows",
    "file_parse",
    "table_parse",
    "template_rows",
]
