"""The council's sessions (three ordinary ones a year, and extraordinary ones) and their agendas."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CouncilSessionQuerySet(models.QuerySet):
    def ordinary(self) -> CouncilSessionQuerySet:
        """Return the ordinary sessions (February, May and October)."""
        return self.filter(kind=CouncilSession.Kind.ORDINARY)

    def upcoming(self, day: datetime.date) -> CouncilSessionQuerySet:
        """Return the sessions that have not ended before day, the next first."""
        return self.filter(
            Q(ends_on__gte=day)
            | Q(ends_on__isnull=True, starts_on__gte=day)
            | Q(starts_on__isnull=True, period_end__gte=day)
        ).order_by("period_start", "pk")

    def past(self, day: datetime.date) -> CouncilSessionQuerySet:
        """Return the sessions that ended before day, the latest first."""
        return self.filter(
            Q(ends_on__lt=day)
            | Q(ends_on__isnull=True, starts_on__lt=day)
            | Q(starts_on__isnull=True, period_end__lt=day)
        ).order_by("-period_start", "-pk")

    def next_ordinary_after(self, day: datetime.date) -> CouncilSession | None:
        """Return the first ordinary session whose period starts after day."""
        return self.ordinary().filter(period_start__gt=day).order_by("period_start").first()


class CouncilSessionKind(models.TextChoices):
    ORDINARY = "ordinary", _("ordinary session")
    EXTRAORDINARY = "extraordinary", _("extraordinary session")


class CouncilSession(models.Model):
    """A session of the commune council: ordinary (first week of February, May, October) or extraordinary."""

    # Module-level so that Meta's constraints can name its values too.
    Kind = CouncilSessionKind

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORDINARY)
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, help_text=_("Part of the page's address, for example 2026-02-ordinary.")
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(
        _("expected from"),
        help_text=_(
            "First day of the period in which the session is held; for an ordinary session, the first day of its month."
        ),
    )
    period_end = models.DateField(
        _("expected until"),
        help_text=_("Last day of that period; for an ordinary session, the seventh day of its month."),
    )
    starts_on = models.DateField(
        _("opening date"),
        null=True,
        blank=True,
        help_text=_("Leave empty until the president convenes the council."),
    )
    ends_on = models.DateField(_("closing date"), null=True, blank=True)
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("Shown on the session's page: place, time, how to attend.")
    )

    objects = CouncilSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="councilsession_period_end_after_start",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | (Q(starts_on__isnull=False) & Q(ends_on__gte=F("starts_on"))),
                name="councilsession_closing_after_opening",
                violation_error_message=_("The closing date needs an opening date and cannot be before it."),
            ),
            models.UniqueConstraint(
                fields=["period_start"],
                condition=Q(kind=CouncilSessionKind.ORDINARY),
                name="councilsession_one_ordinary_per_period",
                violation_error_message=_("There is already an ordinary session for this period."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("council:session-detail", kwargs={"slug": self.slug})

    @property
    def first_day(self) -> datetime.date:
        return self.starts_on or self.period_start

    @property
    def last_day(self) -> datetime.date:
        return self.ends_on or self.starts_on or self.period_end

    @property
    def is_past(self) -> bool:
        """Whether the session is over: no longer expected, even when its dates were never recorded."""
        return self.last_day < timezone.localdate()


class AgendaItem(models.Model):
    """An item staff put on a session's agenda, such as a project of the open programme."""

    session = models.ForeignKey(
        CouncilSession,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("session"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    project = models.ForeignKey(
        "programme.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("project of the programme"),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="agendaitem_order_unique"),
        ]

    def __str__(self) -> str:
        return self.title
