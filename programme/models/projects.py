"""The programme's axes and projects: activities, partners, dated progress updates."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programme.models.programme import Programme


class Axis(models.Model):
    """A priority axis (محور ذو أولوية) grouping projects."""

    class Emblem(models.TextChoices):
        # Each one is an inline icon and a colour of static/css/openmun.css, dark enough for text on white.
        COMMUNICATION = "communication", _("speech bubble, blue (communication)")
        TERRITORY = "territory", _("map, violet (territorial intelligence)")
        CITY = "city", _("buildings, brown (city upgrading)")
        ENVIRONMENT = "environment", _("leaf, green (cleanliness, environment and health)")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="axes",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    emblem = models.CharField(
        _("icon and colour"),
        max_length=20,
        choices=Emblem.choices,
        blank=True,
        help_text=_("How the axis is recognised on its cards and pages. Without one, the portal's green and a dot."),
    )

    class Meta:
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="axis_number_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:axis-detail", kwargs={"slug": self.slug})


class Partner(models.Model):
    """An institution or group the commune works with on a project."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(models.QuerySet):
    def for_listing(self) -> ProjectQuerySet:
        """Return projects with what a listing shows: axis, partners, activity counts."""
        return (
            self.select_related("axis")
            .prefetch_related("partners")
            .annotate(
                leaf_count=models.Count("activities", filter=Q(activities__children__isnull=True), distinct=True),
                done_count=models.Count(
                    "activities",
                    filter=Q(activities__children__isnull=True, activities__is_done=True),
                    distinct=True,
                ),
            )
        )

    def total_cost(self) -> Decimal:
        """Return the sum of the projects' estimated costs."""
        return self.aggregate(total=models.Sum("estimated_cost"))["total"] or Decimal("0")


class Project(models.Model):
    """A project of the programme, with its cost, schedule and progress."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("programme"),
    )
    axis = models.ForeignKey(
        Axis,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("axis"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=400)
    summary = models.TextField(_("summary"), blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost (dirhams)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cost_note = models.TextField(_("note on the cost"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    schedule_note = models.TextField(
        _("note on the schedule"),
        blank=True,
        help_text=_("Where a date depends on a partner's calendar, say so here and leave the date empty."),
    )
    partners = models.ManyToManyField(
        Partner,
        related_name="projects",
        blank=True,
        verbose_name=_("partners"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Leave empty to derive progress from the activities marked as done."),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="project_number_unique"),
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="project_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="project_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="project_progress_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:project-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.axis_id and self.programme_id and self.axis.programme_id != self.programme_id:
            raise ValidationError(
                {"axis": ValidationError(_("The axis belongs to another programme."), code="axis_programme")}
            )

    def _leaf_counts(self) -> tuple[int, int]:
        """Return how many leaf activities the project has and how many are done (annotated by for_listing)."""
        leaf_count = getattr(self, "leaf_count", None)
        done_count = getattr(self, "done_count", None)
        if leaf_count is None:
            activities = list(self.activities.all())
            parents = {a.parent_id for a in activities if a.parent_id}
            leaves = [a for a in activities if a.pk not in parents]
            leaf_count, done_count = len(leaves), sum(a.is_done for a in leaves)
        return leaf_count, done_count

    @property
    def progress_percent(self) -> int:
        """Return the progress set by staff, else the share of leaf activities done."""
        if self.status == self.Status.DONE:
            return 100
        if self.progress is not None:
            return self.progress
        leaf_count, done_count = self._leaf_counts()
        return round(100 * done_count / leaf_count) if leaf_count else 0

    @property
    def progress_reported(self) -> bool:
        """Return whether anything was reported of the progress: a percentage set by staff, the project marked
        done, or one of its activities marked done. Pages and documents say "not reported" otherwise, never 0 %."""
        if self.status == self.Status.DONE or self.progress is not None:
            return True
        return bool(self._leaf_counts()[1])

    @property
    def reported_progress(self) -> int | None:
        """Return the progress in percent, or None when nothing was reported."""
        return self.progress_percent if self.progress_reported else None

    @property
    def progress_is_derived(self) -> bool:
        return self.progress is None and self.status != self.Status.DONE

    def is_late_on(self, day: datetime.date) -> bool:
        """Return whether the project's end date is before day and it is neither done nor cancelled."""
        return (
            self.end_date is not None
            and self.end_date < day
            and self.status not in (self.Status.DONE, self.Status.CANCELLED)
        )

    @property
    def is_late(self) -> bool:
        return self.is_late_on(timezone.localdate())


class Activity(models.Model):
    """An activity of a project; an activity may have numbered sub-steps."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("project"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    number = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("text"))
    is_done = models.BooleanField(_("done"), default=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["project", "parent_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                condition=Q(parent__isnull=True),
                name="activity_number_unique",
            ),
            models.UniqueConstraint(
                fields=["parent", "number"],
                condition=Q(parent__isnull=False),
                name="activity_substep_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.parent_id and self.parent.project_id != self.project_id:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("A sub-step belongs to an activity of the same project."), code="parent_project"
                    )
                }
            )
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": ValidationError(_("Sub-steps cannot have sub-steps of their own."), code="parent_depth")}
            )


class DatedUpdate(models.Model):
    """A dated account of progress with the amount spent so far: for projects and for budget winners alike."""

    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    amount_spent = models.DecimalField(
        _("amount spent (dirhams)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_spent__isnull=True) | Q(amount_spent__gte=0),
                name="%(class)s_amount_not_negative",
            ),
        ]


class ProjectUpdate(DatedUpdate):
    """A dated account of a project's progress, published on its page."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("project"),
    )

    class Meta(DatedUpdate.Meta):
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["project", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} – {self.date}"
