"""The commune's open programme: its identity, method, committee, axes, projects and their progress."""

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


class Commune(models.Model):
    """The commune that runs the portal; one row, edited by staff."""

    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_source = models.CharField(
        _("source of the population figure"),
        max_length=200,
        blank=True,
        help_text=_("For example: general census of population and housing, 2014."),
    )
    has_arrondissements = models.BooleanField(
        _("has arrondissements"),
        default=False,
        help_text=_("Communes with arrondissements need more signatures for a petition."),
    )
    logo = models.ImageField(_("logo"), upload_to="commune/", blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("commune")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ProgrammeQuerySet(models.QuerySet):
    def current(self) -> Programme | None:
        """Return the programme the portal publishes: the most recently adopted one."""
        return self.order_by(models.F("adoption_date").desc(nulls_last=True), "-pk").first()


class Programme(models.Model):
    """An open commune programme (برنامج انفتاح الجماعة) adopted by the council."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    presented_on = models.DateField(
        _("presented to the council committees on"),
        null=True,
        blank=True,
    )
    adoption_date = models.DateField(_("adoption date"), null=True, blank=True)
    adoption_session = models.CharField(
        _("adopted at the session"),
        max_length=200,
        blank=True,
        help_text=_("For example: the ordinary session of October 2023."),
    )
    budget_note = models.TextField(
        _("note on the budget"),
        blank=True,
        help_text=_("Shown under the computed total, for instance where a document states another figure."),
    )
    committee_mission = models.TextField(_("mission of the programme committee"), blank=True)
    committee_meeting_rhythm = models.CharField(
        _("meeting rhythm of the committee"),
        max_length=300,
        blank=True,
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-adoption_date", "-pk"]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    """One of the programme's objectives."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="objective_number_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class Principle(models.Model):
    """A principle of open development the programme rests on."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="principles",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("principle")
        verbose_name_plural = _("principles")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="principle_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class MethodStep(models.Model):
    """A step of the co-preparation method (منهجية الإعداد المشترك)."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="method_steps",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=400)

    class Meta:
        verbose_name = _("method step")
        verbose_name_plural = _("method steps")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="methodstep_number_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class Milestone(models.Model):
    """A dated step of the co-preparation calendar."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("programme"),
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("calendar milestones")
        ordering = ["programme", "date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_past(self) -> bool:
        return self.date < timezone.localdate()


class CommitteeMember(models.Model):
    """A seat, by role, on the programme committee."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="committee_members",
        verbose_name=_("programme"),
    )
    order = models.PositiveSmallIntegerField(_("order"))
    role = models.CharField(_("role"), max_length=200)
    holder = models.CharField(_("held by"), max_length=300)
    seats = models.PositiveSmallIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the source gives no number."),
    )

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee composition")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="committeemember_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.holder}"


class CommitteeMeeting(models.Model):
    """A meeting held by the programme committee."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="committee_meetings",
        verbose_name=_("programme"),
    )
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["programme", "-date"]

    def __str__(self) -> str:
        return str(self.date)


class Axis(models.Model):
    """A priority axis (محور ذو أولوية) grouping projects."""

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

    @property
    def progress_percent(self) -> int:
        """Return the progress set by staff, else the share of leaf activities done."""
        if self.status == self.Status.DONE:
            return 100
        if self.progress is not None:
            return self.progress
        leaf_count = getattr(self, "leaf_count", None)
        done_count = getattr(self, "done_count", None)
        if leaf_count is None:
            activities = list(self.activities.all())
            parents = {a.parent_id for a in activities if a.parent_id}
            leaves = [a for a in activities if a.pk not in parents]
            leaf_count, done_count = len(leaves), sum(a.is_done for a in leaves)
        return round(100 * done_count / leaf_count) if leaf_count else 0

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


class PrintSettingsQuerySet(models.QuerySet):
    def current(self) -> PrintSettings:
        """Return the print settings staff chose, or unsaved defaults when there are none."""
        return self.order_by("pk").first() or PrintSettings()


class PrintSettings(models.Model):
    """What staff choose for the printed programme: the session it is prepared for and its contents."""

    session_label = models.CharField(
        _("council session"),
        max_length=200,
        blank=True,
        help_text=_(
            "The session the print is prepared for, for example: the ordinary session of "
            "February 2026. Shown on the cover and in the page header."
        ),
    )
    include_progress = models.BooleanField(
        _("include progress"),
        default=True,
        help_text=_("Print each project's status, progress, completed activities and progress updates."),
    )
    edition_date = models.DateField(
        _("edition date"),
        null=True,
        blank=True,
        help_text=_("Printed on the cover. Leave empty to print the day of the download."),
    )

    objects = PrintSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("print settings")
        verbose_name_plural = _("print settings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.session_label or str(_("print settings"))

    def edition_date_on(self, today: datetime.date) -> datetime.date:
        """Return the edition date printed on the cover: the chosen one, else today."""
        return self.edition_date or today
