"""Open data: the registered datasets as JSON pages, CSV files, JSON Schemas and one ZIP of everything.

Every format is written from the same rows and the same documented fields (registry.Field), so the
documentation page, the schemas, the API and the files cannot drift apart. No dataset carries personal data:
the apps' modules select public objects and public columns only, and a test checks every value.
"""

from __future__ import annotations

import datetime
import io
import itertools
import json
import zipfile
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from openmun.cache import CONTENT, version_get
from openmun.spreadsheets import csv_text
from transparency.registry import Dataset, Field, registry

API_VERSION = "v1"
PAGE_SIZE = 100
# Etalab's Licence Ouverte 2.0: free reuse, commercial included, with attribution; compatible with CC BY and
# ODC-BY, and the licence Moroccan and French public bodies use for open data.
LICENCE = {
    "id": "etalab-2.0",
    "name": "Licence Ouverte / Open Licence 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
LICENCE_SUMMARY = _(
    "Free to reuse, also commercially, on condition of naming the source (the commune and the "
    "portal) and the date of the data."
)
ZIP_NAME = "openmun-open-data.zip"
ZIP_CACHE_SECONDS = 24 * 3600


def translated(obj, name: str) -> dict[str, str]:
    """Return a translated field of obj as {"ar": …, "fr": …}, an empty string where a language is missing."""
    return {code: getattr(obj, f"{name}_{code}", None) or "" for code, _name in settings.LANGUAGES}


def json_value(value):
    """Return value as JSON writes it: amounts in dirhams as numbers, dates and times in ISO 8601."""
    if isinstance(value, Decimal):
        # Up to 999 999 999 999,99 DH (14 digits): exact in a double.
        return float(value)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def dataset_rows(dataset: Dataset, queryset: QuerySet | None = None, *, base_url: str = "") -> list[dict]:
    """Return the dataset's rows (all of them, or of queryset) as JSON-ready dicts.

    The addresses of its "uri" fields, which the apps give as paths, are made absolute under base_url.
    """
    rows = dataset.rows(dataset.queryset() if queryset is None else queryset)
    return [_row_json(dataset.fields, row, base_url) for row in rows]


def _row_json(fields: tuple[Field, ...], row: dict, base_url: str) -> dict:
    by_name = {field.name: field for field in fields}
    result = {}
    for key, value in row.items():
        field = by_name.get(key)
        if field is not None and field.type == "array" and isinstance(value, list):
            result[key] = [_row_json(field.items, item, base_url) if isinstance(item, dict) else item for item in value]
        elif field is not None and field.format == "uri":
            result[key] = _absolute(value, base_url)
        else:
            result[key] = _jsonable(value)
    return result


def _absolute(value, base_url: str):
    if isinstance(value, dict):
        return {key: _absolute(item, base_url) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return base_url + value
    return value


def _jsonable(value):
    if isinstance(value, list):
        return [
            {k: _jsonable(v) for k, v in item.items()} if isinstance(item, dict) else _jsonable(item) for item in value
        ]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return json_value(value)


# The longest identifier an item may have; a longer one, or one with a control character, names no item.
MAX_KEY_LENGTH = 200


def dataset_item_queryset(dataset: Dataset, key: str) -> QuerySet | None:
    """Return the queryset of the item whose identifier is key, or None when key cannot be an identifier.

    A key is checked against the field it is looked up in (a number in range, a valid slug, written as the API
    writes it) before it reaches the database: PostgreSQL refuses a NUL in text, and a number out of range.
    """
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return None
    queryset = dataset.queryset()
    if callable(dataset.lookup):
        return dataset.lookup(queryset, key)
    model = queryset.model
    field = model._meta.pk if dataset.lookup == "pk" else model._meta.get_field(dataset.lookup)
    try:
        value = field.to_python(key)
        field.run_validators(value)
    except (ValidationError, TypeError, ValueError):
        return None
    if str(value) != key:
        return None
    return queryset.filter(**{dataset.lookup: value})


# JSON Schema (draft 2020-12)


def field_schema(field: Field) -> dict:
    """Return the JSON Schema of one documented field."""
    description = str(field.description)
    if field.type == "translated":
        schema = {
            "type": "object",
            "properties": {
                code: {"type": "string", **({"format": field.format} if field.format else {})}
                for code, _name in settings.LANGUAGES
            },
            "required": [code for code, _name in settings.LANGUAGES],
            "additionalProperties": False,
        }
    elif field.type == "array":
        schema = {"type": "array", "items": object_schema(field.items)}
    else:
        schema = {"type": field.type}
        if field.format:
            schema["format"] = field.format
        if field.enum:
            schema["enum"] = list(field.enum) + ([None] if field.nullable else [])
    if field.nullable and field.type not in ("array",):
        schema["type"] = [schema["type"], "null"]
    schema["description"] = description
    return schema


def object_schema(fields: tuple[Field, ...]) -> dict:
    return {
        "type": "object",
        "properties": {field.name: field_schema(field) for field in fields},
        "required": [field.name for field in fields],
        "additionalProperties": False,
    }


def dataset_schema(dataset: Dataset, *, base_url: str = "") -> dict:
    """Return the JSON Schema of one item of the dataset."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": base_url + reverse("api:dataset-schema", kwargs={"dataset": dataset.slug}),
        "title": str(dataset.title),
        "description": str(dataset.description),
        **object_schema(dataset.fields),
    }
    return schema


# CSV


def csv_columns(dataset: Dataset) -> list[tuple[str, Field, str | None]]:
    """Return the CSV columns: (heading, field, language), a translated field giving one column per language."""
    columns = []
    for field in dataset.fields:
        if not field.in_csv:
            continue
        if field.type == "translated":
            columns += [(f"{field.name}_{code}", field, code) for code, _name in settings.LANGUAGES]
        else:
            columns.append((field.name, field, None))
    return columns


def csv_cell(value) -> object:
    """Return value in the open-data format: booleans as "true" and "false", amounts with two decimals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # A Decimal rather than text: csv_text writes numbers as they are, never behind the formula guard.
        return Decimal(f"{value:.2f}")
    return value


def dataset_csv(dataset: Dataset, rows: list[dict] | None = None, *, base_url: str = "") -> str:
    """Return the dataset as CSV text: a header of field names, one row per item, UTF-8 BOM for spreadsheets."""
    rows = dataset_rows(dataset, base_url=base_url) if rows is None else rows
    columns = csv_columns(dataset)
    header = [heading for heading, _field, _language in columns]
    cells = (
        [csv_cell(row[field.name][language] if language else row[field.name]) for _h, field, language in columns]
        for row in rows
    )
    return csv_text(itertools.chain([header], cells))


# The catalogue and the ZIP


def admin_log_updated(*models) -> datetime.datetime | None:
    """Return the last change staff recorded in the admin's log for these models (admin edits, services, imports)."""
    from django.contrib.admin.models import LogEntry
    from django.db.models import Max, Q

    # A join rather than ContentType's per-process cache: the same single query on a cold or a warm process.
    of_models = Q()
    for model in models:
        of_models |= Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name)
    return LogEntry.objects.filter(of_models).aggregate(last=Max("action_time"))["last"]


def dataset_updated(dataset: Dataset) -> datetime.datetime | None:
    return dataset.updated()


def catalogue_data() -> list[dict]:
    """Return every dataset with its last update: what the open data page and the API's index list."""
    return [{"dataset": dataset, "updated": dataset_updated(dataset)} for dataset in registry.dataset_list()]


def zip_build(*, base_url: str) -> bytes:
    """Return a ZIP of every dataset as JSON, CSV and JSON Schema, with a README naming the licence."""
    buffer = io.BytesIO()
    stamp = timezone.localtime().replace(microsecond=0)
    lines = [
        "openmun open data",
        f"Generated: {stamp.isoformat()}",
        f"Licence: {LICENCE['name']} ({LICENCE['url']})",
        f"Source: {base_url}",
        "",
    ]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dataset in registry.dataset_list():
            rows = dataset_rows(dataset, base_url=base_url)
            updated = dataset_updated(dataset)
            document = {
                "dataset": dataset.slug,
                "licence": LICENCE,
                "updated": json_value(updated),
                "count": len(rows),
                "results": rows,
            }
            archive.writestr(
                f"{dataset.slug}.json", json.dumps(document, ensure_ascii=False, indent=1, cls=DjangoJSONEncoder)
            )
            archive.writestr(f"{dataset.slug}.csv", dataset_csv(dataset, rows))
            archive.writestr(
                f"{dataset.slug}.schema.json",
                json.dumps(dataset_schema(dataset, base_url=base_url), ensure_ascii=False, indent=1),
            )
            lines.append(f"{dataset.slug}: {len(rows)} rows, updated {json_value(updated) or 'unknown'}")
        archive.writestr("README.txt", "\n".join(lines) + "\n")
    return buffer.getvalue()


def zip_get(*, base_url: str) -> bytes:
    """Return the ZIP of every dataset, built once per version of the portal's data, day and language."""
    # The day: some values (a project being late) change at midnight; the language: the schemas' titles.
    version = version_get(CONTENT)
    key = f"openmun:transparency:zip:{version}:{timezone.localdate().isoformat()}:{get_language()}:{base_url}"
    content = cache.get(key)
    if content is None:
        content = zip_build(base_url=base_url)
        cache.set(key, content, timeout=ZIP_CACHE_SECONDS)
    return content
