"""The public history of a project: every recorded change to it, its activities and its progress updates.

django-simple-history records each save and delete of programme data (programme/translation.py registers the
models), with the staff account that made it (HistoryRequestMiddleware in the admin, acting_user's
`_history_user` in services). The public page shows what changed, old → new, when and by which role: never the
person's name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _
from modeltranslation.translator import NotRegistered, translator

from openmun.formatting import date_text
from openmun.templatetags.openmun import dirhams, fdate, percent
from programme.models import Activity, Axis, Project, ProjectUpdate

PAGE_SIZE = 30
EDITORS_GROUP = "programme editors"
# Never shown: keys, the parents that a page already names, and bookkeeping.
HIDDEN_FIELDS = {"id", "programme", "project"}

ROLE_SYSTEM = pgettext_lazy("role in the history", "data import or system")
ROLE_ADMINISTRATOR = pgettext_lazy("role in the history", "portal administrator")
ROLE_EDITOR = pgettext_lazy("role in the history", "programme editor")
ROLE_STAFF = pgettext_lazy("role in the history", "commune staff")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: SafeString | str
    new: SafeString | str


@dataclass(frozen=True)
class HistoryEntry:
    date: datetime.datetime
    role: str
    action: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)


def role_of(user) -> str:
    """Return the role a change is shown under: what the account may do, never who it is."""
    if user is None:
        return str(ROLE_SYSTEM)
    if user.is_superuser:
        return str(ROLE_ADMINISTRATOR)
    if any(group.name == EDITORS_GROUP for group in user.groups.all()):
        return str(ROLE_EDITOR)
    return str(ROLE_STAFF)


def public_fields(model: type[models.Model]) -> list[models.Field]:
    """Return the fields of model shown in its history: each translated field once per language."""
    try:
        translated = set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        translated = set()
    return [f for f in model._meta.concrete_fields if f.name not in HIDDEN_FIELDS and f.name not in translated]


def field_label(model_field: models.Field) -> str:
    name = str(getattr(model_field, "translated_field", model_field).verbose_name)
    language = getattr(model_field, "language", None)
    if language:
        return _("%(field)s (%(language)s)") % {
            "field": name,
            "language": dict(settings.LANGUAGES).get(language, language),
        }
    return name


def value_display(
    model_field: models.Field, value, *, axes: dict[int, Axis], activities: dict[int, int]
) -> SafeString | str:
    """Return a value as the public pages show it: dirhams, Moroccan dates, choice labels."""
    if value is None or value == "":
        return format_html('<span class="note">{}</span>', _("empty"))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return dirhams(value)
    if isinstance(value, datetime.date):
        return fdate(value)
    if model_field.name == "progress":
        return percent(value)
    if model_field.name == "axis":
        axis = axes.get(value)
        return _("Axis %(number)s: %(title)s") % {"number": axis.number, "title": axis.title} if axis else str(value)
    if model_field.name == "parent":
        return _("activity %(number)s") % {"number": activities.get(value, "?")}
    return str(value)


def _value(record, model_field: models.Field):
    return getattr(record, model_field.attname)


def partner_names_by_record(project_id: int) -> dict[int, set[str]]:
    """Return the partners each recorded version of a project had, by version, in the page's language.

    One query whatever the history. A version recorded before partners were (migration 0007 gave each project's
    latest version its partners) has none here, like a version without partners.
    """
    language = get_language() or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    rows = Project.history.model.partners.model.objects.filter(history__id=project_id).values_list(
        "history_id", f"partner__name_{language}", f"partner__name_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
    )
    names: dict[int, set[str]] = {}
    for history_id, name, default_name in rows:
        names.setdefault(history_id, set()).add(name or default_name or _("a deleted partner"))
    return names


def partners_display(names: set[str]) -> SafeString | str:
    if not names:
        return format_html('<span class="note">{}</span>', _("empty"))
    return "، ".join(sorted(names)) if get_language() == "ar" else ", ".join(sorted(names))


def entries_for(
    records: list, model: type[models.Model], subject, *, axes, activities, roles, partners=None
) -> list[HistoryEntry]:
    """Return the history entries of one model's records: each compared with the record before it.

    partners, for a project's records, holds the partners of each version (partner_names_by_record).
    """
    fields = public_fields(model)
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        role = roles.get(record.history_user_id, str(ROLE_SYSTEM))
        if record.history_type == "+":
            action, changes = _("created"), []
        elif before is None:
            # Rows loaded before history was recorded: nothing to compare the first change with.
            action, changes = _("changed (no earlier version recorded)"), []
        elif record.history_type == "-":
            action, changes = _("deleted"), []
        else:
            action = _("changed")
            changes = [
                FieldChange(
                    label=field_label(f),
                    old=value_display(f, _value(before, f), axes=axes, activities=activities),
                    new=value_display(f, _value(record, f), axes=axes, activities=activities),
                )
                for f in fields
                if _value(before, f) != _value(record, f)
            ]
            if partners is not None:
                old, new = partners.get(before.history_id, set()), partners.get(record.history_id, set())
                if old != new:
                    label = str(Project._meta.get_field("partners").verbose_name)
                    changes.append(FieldChange(label=label, old=partners_display(old), new=partners_display(new)))
            if not changes:
                continue
        entries.append(
            HistoryEntry(
                date=timezone.localtime(record.history_date),
                role=role,
                action=action,
                subject=subject(record),
                changes=changes,
            )
        )
    return entries


def activity_subject(record) -> SafeString:
    """Name an activity by its number and the start of its text in the page's language, isolated for bidi."""
    language = get_language() or "ar"
    text = getattr(record, f"text_{language}", None) or record.text_ar or record.text_fr or ""
    return format_html(
        "{} <bdi>{}</bdi>", _("activity %(number)s:") % {"number": record.number}, Truncator(text).chars(80)
    )


def project_history_data(slug: str, *, page: str | int | None = 1) -> dict:
    """Return a project with one page of its history, newest first, or raise Http404.

    A fixed number of queries: the project, the records of the project, of its activities and of its updates,
    the partners of the project's records, the staff accounts with their groups, and the axes the records name.
    """
    try:
        project = Project.objects.select_related("axis").get(slug=slug)
    except Project.DoesNotExist:
        raise Http404("No such project.") from None
    project_records = list(Project.history.filter(id=project.pk).order_by("history_date", "history_id"))
    activity_records = list(Activity.history.filter(project_id=project.pk).order_by("history_date", "history_id"))
    update_records = list(ProjectUpdate.history.filter(project_id=project.pk).order_by("history_date", "history_id"))
    every_record = project_records + activity_records + update_records
    user_ids = {record.history_user_id for record in every_record if record.history_user_id}
    users = get_user_model().objects.filter(pk__in=user_ids).prefetch_related("groups") if user_ids else []
    roles = {user.pk: role_of(user) for user in users}
    axis_ids = {record.axis_id for record in project_records}
    axes = Axis.objects.in_bulk(axis_ids) if axis_ids else {}
    activities = {record.id: record.number for record in activity_records}
    context = {"axes": axes, "activities": activities, "roles": roles}
    entries = (
        entries_for(
            project_records,
            Project,
            lambda r: _("the project"),
            partners=partner_names_by_record(project.pk),
            **context,
        )
        + entries_for(activity_records, Activity, activity_subject, **context)
        + entries_for(
            update_records,
            ProjectUpdate,
            lambda r: _("progress update of %(date)s") % {"date": date_text(r.date)},
            **context,
        )
    )
    entries.sort(key=lambda entry: entry.date, reverse=True)
    history_page: Page = Paginator(entries, PAGE_SIZE).get_page(page)
    return {"project": project, "page": history_page, "entry_count": len(entries)}
