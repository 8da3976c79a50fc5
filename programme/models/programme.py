"""The commune and its open programme: objectives, principles, method, calendar and committee."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Commune(models.Model):
    """The commune that runs the portal; one row, edited by staff."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("Also the last line of the official heading of printed documents."),
    )
    # The official heading of printed documents, one line each: the kingdom, the ministry, the region, the
    # province, the commune (GUIDE: Moroccan official papers).
    ministry = models.CharField(
        _("ministry"),
        max_length=200,
        blank=True,
        help_text=_("The ministry line of the official heading, for example: Ministry of the Interior."),
    )
    region = models.CharField(
        _("region"),
        max_length=200,
        blank=True,
        help_text=_("As the official heading writes it, for example: Region of Béni Mellal-Khénifra."),
    )
    province = models.CharField(
        _("province or prefecture"),
        max_length=200,
        blank=True,
        help_text=_("As the official heading writes it, for example: Province of Béni Mellal."),
    )
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
    logo = models.ImageField(
        _("logo"),
        upload_to="commune/",
        blank=True,
        help_text=_("The commune's emblem, printed at the centre of the official heading (PNG or JPEG)."),
    )

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
    committee_chair_title = models.CharField(
        _("title of the committee's chair"),
        max_length=300,
        blank=True,
        help_text=_(
            "Printed in the signature block of the programme and of the session reports, for example: the chair "
            "of the open commune programme committee."
        ),
    )
    committee_chair_name = models.CharField(
        _("name of the committee's chair"),
        max_length=200,
        blank=True,
        help_text=_("Printed under the title. Leave empty to print the title alone, with room for a signature."),
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
