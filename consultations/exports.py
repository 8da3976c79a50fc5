"""Staff exports of contributions and comments as CSV and XLSX; e-mail addresses are never exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format

from consultations.models import Comment, Contribution

# A cell that starts with one of these is a formula for spreadsheet programs: a citizen's text must never
# run as one (CSV injection), so it is written as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[models.Model], object]


def _field(model: type[models.Model], name: str, display: bool = False) -> Column:
    field = model._meta.get_field(name)

    def value(obj):
        if display:
            return getattr(obj, f"get_{name}_display")()
        return getattr(obj, name)

    return Column(heading=str(field.verbose_name), value=value)


def _when(obj) -> str:
    return date_format(timezone.localtime(obj.created_at), "Y-m-d H:i")


def contribution_columns() -> list[Column]:
    return [
        Column("#", lambda c: c.pk),
        _field(Contribution, "round"),
        Column(str(Contribution._meta.get_field("created_at").verbose_name), _when),
        _field(Contribution, "channel", display=True),
        _field(Contribution, "status", display=True),
        _field(Contribution, "title"),
        _field(Contribution, "text"),
        _field(Contribution, "axis"),
        _field(Contribution, "project"),
        _field(Contribution, "display_name"),
        _field(Contribution, "report_count"),
        _field(Contribution, "outcome", display=True),
        _field(Contribution, "outcome_project"),
        Column(
            str(Contribution._meta.get_field("merged_into").verbose_name),
            lambda c: f"#{c.merged_into_id}" if c.merged_into_id else "",
        ),
        _field(Contribution, "answer_ar"),
        _field(Contribution, "answer_fr"),
    ]


def comment_columns() -> list[Column]:
    return [
        Column("#", lambda c: c.pk),
        _field(Comment, "project"),
        Column(str(Comment._meta.get_field("created_at").verbose_name), _when),
        _field(Comment, "status", display=True),
        _field(Comment, "is_official"),
        Column(str(Comment._meta.get_field("parent").verbose_name), lambda c: f"#{c.parent_id}" if c.parent_id else ""),
        _field(Comment, "text"),
        _field(Comment, "display_name"),
        _field(Comment, "report_count"),
        _field(Comment, "moderation_reason"),
    ]


def export_queryset(model: type[models.Model]) -> Callable[[models.QuerySet], models.QuerySet]:
    related = {Contribution: ("round", "axis", "project", "outcome_project"), Comment: ("project",)}[model]
    return lambda queryset: queryset.select_related(*related).defer("email").order_by("created_at", "pk")


def cell(value: object, *, neutralise: bool) -> object:
    """Return value ready for a spreadsheet: None and models as text, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    value = str(value)
    return "'" + value if neutralise and value.startswith(FORMULA_STARTS) else value


def rows(columns: list[Column], objects: Iterable[models.Model], *, neutralise: bool) -> Iterable[list[object]]:
    yield [column.heading for column in columns]
    for obj in objects:
        yield [cell(column.value(obj), neutralise=neutralise) for column in columns]


def csv_response(*, filename: str, columns: list[Column], objects: Iterable[models.Model]) -> HttpResponse:
    """Return the objects as a CSV file that spreadsheet programs open in UTF-8 (with a byte-order mark)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in rows(columns, objects, neutralise=True):
        writer.writerow(row)
    return response


def xlsx_response(
    *, filename: str, columns: list[Column], objects: Iterable[models.Model], right_to_left: bool
) -> HttpResponse:
    """Return the objects as an XLSX workbook, every text cell stored as text, never as a formula."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = filename[:31]
    sheet.sheet_view.rightToLeft = right_to_left
    for row in rows(columns, objects, neutralise=False):
        sheet.append(row)
    # openpyxl takes any text that starts with "=" for a formula: store every text cell as text.
    for row_cells in sheet.iter_rows():
        for sheet_cell in row_cells:
            if isinstance(sheet_cell.value, str):
                sheet_cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
