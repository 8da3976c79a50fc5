"""Petitions to the commune council (Organic Law 113-14, articles 121 to 125) and the steps of their procedure.

A petition's state changes only through petitions.services, which record each step on its timeline.
Citizen-written text (title, request, reasons) is stored once, in the language it was written in; only
the text staff write for the public (decisions, notes) is translated.
"""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from moderation.models import Moderated, ModeratedQuerySet, VisitorReport
from openmun.formatting import date_text
from openmun.text import validate_plain_text
from petitions.models.council import CouncilSession

REQUEST_MAX_LENGTH = 2000
# An association must have been constituted in Morocco for more than three years.
ASSOCIATION_MIN_AGE_MONTHS = 36
REASONS_MAX_LENGTH = 6000


def months_add(day: datetime.date, months: int) -> datetime.date:
    """Return day moved by months; the last day of the month when that day does not exist there."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


class PetitionQuerySet(ModeratedQuerySet):
    def public(self) -> PetitionQuerySet:
        """Return the petitions published after their pre-check and not hidden since, whatever their state."""
        return self.published().filter(published_on__isnull=False)

    def awaiting_notice(self) -> PetitionQuerySet:
        """Return deposited petitions whose refusal, if any, has not yet been notified to the agent."""
        return self.filter(
            Q(state__in=[Petition.State.DEPOSITED, Petition.State.UNDER_REVIEW])
            | Q(state=Petition.State.REFUSED, refusal_notified_on__isnull=True)
        )

    def closed_before(self, day: datetime.date) -> PetitionQuerySet:
        """Return the petitions whose procedure ended before day."""
        return self.filter(closed_on__lt=day)


class PetitionKind(models.TextChoices):
    CITIZENS = "citizens", _("citizens' petition")
    ASSOCIATION = "association", _("association's petition")


class PetitionChannel(models.TextChoices):
    ONLINE = "online", _("online, on this portal")
    PAPER = "paper", _("on paper, at the commune")


class PetitionState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted for pre-check")
    NOT_ADMITTED = "not_admitted", _("not admitted at pre-check")
    PUBLISHED = "published", _("gathering support")
    DEPOSITED = "deposited", _("deposited")
    UNDER_REVIEW = "under_review", _("under review by the bureau")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    DELIBERATED = "deliberated", _("deliberated")
    WITHDRAWN = "withdrawn", _("withdrawn")


# The states in which the petition has been deposited, and those in which it is on a session's agenda.
DEPOSITED_STATES = [
    PetitionState.DEPOSITED,
    PetitionState.UNDER_REVIEW,
    PetitionState.ACCEPTED,
    PetitionState.REFUSED,
    PetitionState.DELIBERATED,
]
SCHEDULED_STATES = [PetitionState.ACCEPTED, PetitionState.DELIBERATED]


class Petition(Moderated):
    """A petition asking the council to put a matter within the commune's competences on its agenda.

    Its pre-check is the portal's one moderation pipeline (moderation.models.Moderated: `status`,
    awaiting review, published or hidden); its place in the statutory procedure is `state`.
    """

    # Module-level so that Meta's constraints can name their values too.
    Kind = PetitionKind
    State = PetitionState
    Channel = PetitionChannel

    class Domain(models.TextChoices):
        # The commune's own competences (Organic Law 113-14, articles 83 and following).
        WATER_SANITATION = "water_sanitation", _("drinking water, electricity and sanitation")
        CLEANLINESS = "cleanliness", _("cleanliness, collection and treatment of household waste")
        LIGHTING = "lighting", _("public lighting")
        ROADS = "roads", _("communal roads, traffic, signs and parking")
        TRANSPORT = "transport", _("urban public transport")
        MARKETS = "markets", _("markets, slaughterhouses and commercial facilities")
        PLANNING = "planning", _("urban planning and land use")
        GREEN_SPACES = "green_spaces", _("green spaces, parks and the environment")
        FACILITIES = "facilities", _("cultural, sports and social facilities")
        HYGIENE = "hygiene", _("public hygiene and health")
        OTHER = "other", _("another matter (the bureau checks that it is within the commune's competences)")

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("the council approved the request")
        PARTLY_APPROVED = "partly_approved", _("the council approved part of the request")
        REJECTED = "rejected", _("the council rejected the request")

    # The petition as written by its authors, stored once in its language.
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITIZENS)
    title = models.CharField(_("title"), max_length=200, validators=[MinLengthValidator(10), validate_plain_text])
    request = models.TextField(
        _("the request"),
        max_length=REQUEST_MAX_LENGTH,
        validators=[MinLengthValidator(20), MaxLengthValidator(REQUEST_MAX_LENGTH), validate_plain_text],
        help_text=_("The point the council is asked to put on its agenda, in one or two sentences."),
    )
    reasons = models.TextField(
        _("reasons and objectives"),
        max_length=REASONS_MAX_LENGTH,
        validators=[MinLengthValidator(20), MaxLengthValidator(REASONS_MAX_LENGTH), validate_plain_text],
        help_text=_("Why the council should deal with it, and what the petition aims to achieve."),
    )
    domain = models.CharField(_("competence of the commune concerned"), max_length=30, choices=Domain.choices)
    language = models.CharField(_("language of the text"), max_length=10, choices=settings.LANGUAGES)
    agent_name = models.CharField(
        _("name of the petition's agent"),
        max_length=150,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("The agent follows the procedure on behalf of the signatories. This name is public."),
    )
    association_name = models.CharField(
        _("name of the association"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    association_founded_on = models.DateField(_("date of constitution of the association"), null=True, blank=True)
    association_seat = models.CharField(
        _("seat or branch of the association in the commune"),
        max_length=300,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Its address in the commune."),
    )
    association_representative = models.CharField(
        _("legal representative"), max_length=150, blank=True, validators=[validate_plain_text]
    )
    channel = models.CharField(
        _("how it was submitted"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The staff member who typed in a petition filed on paper."),
    )
    # Private: never rendered on a public page.
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Never published. The commune uses it only to reach you about the petition."),
    )
    contact_phone = models.CharField(
        _("contact telephone"),
        max_length=40,
        blank=True,
        help_text=_("Never published."),
    )

    # The procedure.
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.SUBMITTED, db_index=True)
    signature_threshold = models.PositiveIntegerField(
        _("signatures required"),
        null=True,
        blank=True,
        help_text=_("Set from the commune's population when a citizens' petition is submitted."),
    )
    support_count = models.PositiveIntegerField(_("confirmed online supports"), default=0)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=60, blank=True)
    deposited_on = models.DateField(_("deposited on"), null=True, blank=True)
    paper_signature_count = models.PositiveIntegerField(_("valid paper signatures"), null=True, blank=True)
    review_started_on = models.DateField(_("review started on"), null=True, blank=True)
    decided_on = models.DateField(_("decided by the bureau on"), null=True, blank=True)
    session = models.ForeignKey(
        CouncilSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("council session"),
    )
    committees = models.CharField(_("referred to the committees"), max_length=300, blank=True)
    refusal_reasons = models.TextField(_("reasons for the refusal"), blank=True)
    refusal_notified_on = models.DateField(_("refusal notified on"), null=True, blank=True)
    deliberated_on = models.DateField(_("deliberated on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decision_reference = models.CharField(_("reference of the council's decision"), max_length=100, blank=True)
    decision_summary = models.TextField(_("summary of the council's decision"), blank=True)
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("The day the procedure ended; supporters' data is erased after the retention period."),
    )

    objects = PetitionQuerySet.as_manager()

    class Meta(Moderated.Meta):
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at", "-pk"]
        permissions = [
            ("moderate_petition", _("Can pre-check petitions")),
            ("decide_petition", _("Can record the steps of the petition procedure")),
            ("export_supporters", _("Can export the supporters of a petition")),
        ]
        constraints = [
            *Moderated.Meta.constraints,
            # Staff type in only what was filed on paper; online filings are the citizens' own.
            models.CheckConstraint(
                condition=Q(channel=PetitionChannel.PAPER) | Q(recorded_by__isnull=True),
                name="petition_only_paper_is_recorded_by_staff",
            ),
            models.CheckConstraint(
                condition=Q(kind=PetitionKind.ASSOCIATION) | (~Q(agent_name="") & Q(signature_threshold__isnull=False)),
                name="petition_citizens_have_agent_and_threshold",
                violation_error_message=_("A citizens' petition names its agent and has a signature threshold."),
            ),
            models.CheckConstraint(
                condition=Q(kind=PetitionKind.CITIZENS)
                | (
                    ~Q(association_name="")
                    & Q(association_founded_on__isnull=False)
                    & ~Q(association_seat="")
                    & ~Q(association_representative="")
                ),
                name="petition_association_identity",
                violation_error_message=_(
                    "An association's petition names the association, its date of "
                    "constitution, its seat and its legal representative."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=DEPOSITED_STATES) | (Q(deposited_on__isnull=False) & ~Q(receipt_number="")),
                name="petition_deposit_recorded",
                violation_error_message=_("A deposited petition has a receipt number and a deposit date."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=SCHEDULED_STATES) | Q(session__isnull=False),
                name="petition_accepted_has_session",
                violation_error_message=_("An accepted petition is scheduled to a council session."),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("deposited_on")),
                name="petition_decided_after_deposit",
                violation_error_message=_("The bureau's decision cannot be before the deposit."),
            ),
            models.CheckConstraint(
                condition=Q(refusal_notified_on__isnull=True) | Q(refusal_notified_on__gte=F("decided_on")),
                name="petition_notified_after_decision",
                violation_error_message=_("The refusal cannot be notified before it was decided."),
            ),
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="petition_receipt_number_unique",
                violation_error_message=_("Another petition has this receipt number."),
            ),
        ]

    def __str__(self) -> str:
        # No personal data here: __str__ ends up in logs, the admin's history and exports.
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:petition-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.CITIZENS and not self.agent_name:
            errors["agent_name"] = ValidationError(_("Name the petition's agent."), code="agent_required")
        if self.kind == self.Kind.ASSOCIATION:
            for field in (
                "association_name",
                "association_founded_on",
                "association_seat",
                "association_representative",
            ):
                if not getattr(self, field):
                    errors[field] = ValidationError(
                        _("An association's petition needs this information."), code="association_required"
                    )
            submitted = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
            founded = self.association_founded_on
            if founded and months_add(founded, ASSOCIATION_MIN_AGE_MONTHS) >= submitted:
                errors["association_founded_on"] = ValidationError(
                    _(
                        "An association may petition the council only when it was constituted more than three "
                        "years ago, that is before %(date)s."
                    ),
                    code="association_too_recent",
                    params={"date": date_text(months_add(submitted, -ASSOCIATION_MIN_AGE_MONTHS))},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.published_on is not None and self.status == self.Status.PUBLISHED

    @property
    def text_direction(self) -> str:
        """Return the direction of the language the authors wrote in."""
        return "rtl" if translation.get_language_info(self.language)["bidi"] else "ltr"

    @property
    def is_filed_on_paper(self) -> bool:
        return self.channel == self.Channel.PAPER

    @property
    def is_gathering_support(self) -> bool:
        """Return whether the petition takes online support: published, not yet deposited, submitted online.

        A petition filed on paper came with its signatures on paper, which the deposit counts: it takes no online
        support and has no signature sheets to print.
        """
        return (
            self.channel == self.Channel.ONLINE
            and self.state == self.State.PUBLISHED
            and self.status == self.Status.PUBLISHED
        )

    @property
    def support_percent(self) -> int:
        """Return the online supports as a share of the signature threshold, at most 100."""
        if not self.signature_threshold:
            return 0
        return min(100, 100 * self.support_count // self.signature_threshold)

    @property
    def notice_deadline(self) -> datetime.date | None:
        """Return the last day for notifying a refusal: three months after the deposit."""
        return months_add(self.deposited_on, 3) if self.deposited_on else None

    def notice_state_on(self, day: datetime.date) -> str:
        """Return where the refusal notice stands on day: "", "open", "near", "past", "met" or "late"."""
        deadline = self.notice_deadline
        if deadline is None:
            return ""
        if self.state == self.State.REFUSED and self.refusal_notified_on:
            return "met" if self.refusal_notified_on <= deadline else "late"
        if self.state not in (self.State.DEPOSITED, self.State.UNDER_REVIEW, self.State.REFUSED):
            return ""
        if day > deadline:
            return "past"
        if (deadline - day).days <= settings.OPENMUN_PETITION_DEADLINE_WARNING_DAYS:
            return "near"
        return "open"

    @property
    def notice_state(self) -> str:
        return self.notice_state_on(timezone.localdate())

    def days_to_deadline_on(self, day: datetime.date) -> int | None:
        """Return the days from day to the notice deadline, negative once it has passed."""
        return (self.notice_deadline - day).days if self.notice_deadline else None


class PetitionEvent(models.Model):
    """A step of a petition's procedure, shown on its public timeline."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted for pre-check")
        NOT_ADMITTED = "not_admitted", _("not admitted at pre-check")
        PUBLISHED = "published", _("published to gather support")
        DEPOSITED = "deposited", _("deposited with the council president")
        REVIEW_STARTED = "review_started", _("review by the bureau started")
        ACCEPTED = "accepted", _("accepted by the bureau")
        REFUSED = "refused", _("refused by the bureau")
        REFUSAL_NOTIFIED = "refusal_notified", _("refusal notified to the agent")
        DELIBERATED = "deliberated", _("deliberated by the council")
        WITHDRAWN = "withdrawn", _("withdrawn")

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("petition"),
    )
    action = models.CharField(_("step"), max_length=20, choices=Action.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("public note"), blank=True)
    document = models.FileField(
        _("document"),
        upload_to="petitions/documents/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
        help_text=_(
            "A PDF published with this step. Remove personal data (addresses, ID numbers, signatures) before uploading."
        ),
    )
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("step of a petition")
        verbose_name_plural = _("steps of petitions")
        ordering = ["petition", "date", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.date}"


class PetitionReport(VisitorReport):
    """A visitor's report of a public petition, with its reason; seen by staff only."""

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("petition"),
    )

    class Meta(VisitorReport.Meta):
        verbose_name = _("report of a petition")
        verbose_name_plural = _("reports of petitions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # The reason only: the note may hold what a visitor should not have written.
        return str(self.get_reason_display())

    @property
    def is_settled(self) -> bool:
        """Return whether a moderation decision on the petition came after the report."""
        moderated_at = self.petition.moderated_at
        return moderated_at is not None and moderated_at >= self.created_at
