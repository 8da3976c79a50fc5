"""The background queue in the staff area: what is waiting, running, done or failed, never whom it is for."""

import datetime

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus

# django-tasks-db registers its own admin, which shows a job's arguments (an address, a confirmation link): replaced.
from django_tasks_db import admin as _library_admin  # noqa: F401
from django_tasks_db.models import DBTaskResult, get_date_max

from openmun.logs import scrub
from openmun.models import BackgroundJob

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

STATUS_LABELS = {
    TaskResultStatus.READY: _("Waiting"),
    TaskResultStatus.RUNNING: _("Running"),
    TaskResultStatus.SUCCESSFUL: _("Done"),
    TaskResultStatus.FAILED: _("Failed"),
}
KIND_LABELS = {
    "openmun.tasks.mail_send": _("E-mail"),
    "openmun.tasks.printed_render": _("Printed documents rendered ahead"),
    "openmun.cache.counts_refresh": _("Pages refreshed with the new counts"),
}


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return list(STATUS_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(KIND_LABELS.items())

    def queryset(self, request, queryset):
        return queryset.filter(task_path=self.value()) if self.value() else queryset


class FinishedFilter(admin.SimpleListFilter):
    """The jobs that finished in the last day or week: the staff dashboard links to the week's failed e-mails."""

    title = _("finished at")
    parameter_name = "days"

    def lookups(self, request, model_admin):
        return [("1", _("in the last 24 hours")), ("7", _("in the last 7 days"))]

    def queryset(self, request, queryset):
        if self.value() not in ("1", "7"):
            return queryset
        return queryset.filter(finished_at__gte=timezone.now() - datetime.timedelta(days=int(self.value())))


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    """Read-only: the worker alone changes jobs. The arguments (address, text, links) are never shown."""

    list_display = ("description", "kind", "status_label", "attempt", "queued", "next_run", "finished")
    list_filter = (StatusFilter, KindFilter, FinishedFilter)
    fields = ("description", "kind", "status_label", "attempt", "queued", "next_run", "started", "finished")
    readonly_fields = fields
    date_hierarchy = "enqueued_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj=None):
        return (*self.fields, "error") if obj is not None and obj.status == TaskResultStatus.FAILED else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("what"))
    def description(self, job: BackgroundJob) -> str:
        return job.description

    @admin.display(description=_("kind"))
    def kind(self, job: BackgroundJob) -> str:
        return KIND_LABELS.get(job.task_path, job.task_path)

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, job: BackgroundJob) -> str:
        return STATUS_LABELS.get(job.status, job.status)

    @admin.display(description=_("attempt"))
    def attempt(self, job: BackgroundJob) -> int:
        return job.attempt

    @admin.display(description=_("queued at"), ordering="enqueued_at")
    def queued(self, job: BackgroundJob):
        return job.enqueued_at

    @admin.display(description=_("started at"), ordering="started_at")
    def started(self, job: BackgroundJob):
        return job.started_at or self.get_empty_value_display()

    @admin.display(description=_("finished at"), ordering="finished_at")
    def finished(self, job: BackgroundJob):
        return job.finished_at or self.get_empty_value_display()

    @admin.display(description=_("not before"), ordering="run_after")
    def next_run(self, job: BackgroundJob):
        return self.get_empty_value_display() if job.run_after == get_date_max() else job.run_after

    @admin.display(description=_("error"))
    def error(self, job: BackgroundJob) -> str:
        return format_html("<pre>{}</pre>", scrub(job.traceback)) if job.traceback else self.get_empty_value_display()
