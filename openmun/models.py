"""The project package's one model: the background queue's jobs, as staff see them in the admin."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class BackgroundJob(DBTaskResult):
    """A job of the background queue (django-tasks' database backend): its own table, shown in openmun's admin."""

    class Meta:
        proxy = True
        ordering = ["-enqueued_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return self.description

    @property
    def arguments(self) -> dict:
        return (self.args_kwargs or {}).get("kwargs") or {}

    @property
    def description(self) -> str:
        """Return what the job does, as its task described it ("the confirmation link of support 12")."""
        return str(self.arguments.get("what", "")) or self.task_name

    @property
    def attempt(self) -> int:
        return int(self.arguments.get("attempt", 1))
