"""Staff exports of citizen input, column by column; e-mail addresses are never exported.

Each app names the columns of its models (consultations/exports.py); the files are written by
openmun.spreadsheets, with its guard against formulas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[models.Model], object]


def field_column(model: type[models.Model], name: str, *, display: bool = False) -> Column:
    """Return the column of a model field, headed by its verbose name; display gives a choice's label."""
    field = model._meta.get_field(name)
    if display:
        return Column(str(field.verbose_name), lambda obj: getattr(obj, f"get_{name}_display")())
    return Column(str(field.verbose_name), lambda obj: getattr(obj, name))


def submitted_column(model: type[models.Model]) -> Column:
    """Return the column of when an item was submitted, in local time to the minute."""
    heading = str(model._meta.get_field("created_at").verbose_name)
    return Column(heading, lambda obj: date_format(timezone.localtime(obj.created_at), "Y-m-d H:i"))


def reference_column(model: type[models.Model], name: str) -> Column:
    """Return the column of a link to another item of the export, as "#12"."""
    heading = str(model._meta.get_field(name).verbose_name)
    return Column(heading, lambda obj: f"#{getattr(obj, f'{name}_id')}" if getattr(obj, f"{name}_id") else "")


def table(columns: list[Column], objects: Iterable[models.Model]) -> Iterator[list[object]]:
    """Return the rows of the export: the headings, then one row per object."""
    yield [column.heading for column in columns]
    for obj in objects:
        yield [column.value(obj) for column in columns]
