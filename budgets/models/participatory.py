"""The participatory budget (الميزانية التشاركية): cycles, their phases, citizens' proposals; ballots.py votes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from moderation.models import ContactDetails, Moderated, ModeratedQuerySet
from openmun.text import validate_plain_text
from programme.models import DatedUpdate

from .citizen import AMOUNT_DIGITS, FIRST_YEAR, LAST_YEAR

PROPOSAL_MAX_LENGTH = 2000


class CycleQuerySet(models.QuerySet):
    def published(self) -> CycleQuerySet:
        """Return the cycles the public may see."""
        return self.filter(is_published=True)


class Cycle(models.Model):
    """A yearly cycle of the participatory budget: an envelope, a rulebook and six dated phases."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        ONGOING = "ongoing", _("ongoing")
        CLOSED = "closed", _("closed")

    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    envelope = models.DecimalField(
        _("envelope (dirhams)"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The amount citizens decide on: a ballot's proposals together cannot cost more."),
    )
    rulebook = models.TextField(
        _("rulebook"), blank=True, help_text=_("Who may propose and vote, what is eligible, how winners are chosen.")
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_demonstration = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_("Tick when the cycle is invented for a demonstration: its pages then say so."),
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("participatory budget cycle")
        verbose_name_plural = _("participatory budget cycles")
        ordering = ["-year", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(envelope__gt=0), name="cycle_envelope_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("budgets:cycle-detail", kwargs={"slug": self.slug})

    # The phases are read from self.phases.all(): prefetch them (the selectors do).

    def phase_get(self, kind: str) -> Phase | None:
        """Return the cycle's phase of that kind, if it has one."""
        return next((phase for phase in self.phases.all() if phase.kind == kind), None)

    def phase_on(self, day: datetime.date) -> Phase | None:
        """Return the phase running on day: the latest-starting one whose dates include it."""
        running = [phase for phase in self.phases.all() if phase.starts_on <= day <= phase.ends_on]
        return max(running, key=lambda phase: phase.starts_on, default=None)

    @property
    def current_phase(self) -> Phase | None:
        return self.phase_on(timezone.localdate())

    def next_phase_on(self, day: datetime.date) -> Phase | None:
        """Return the first phase that starts after day."""
        return min((p for p in self.phases.all() if p.starts_on > day), key=lambda p: p.starts_on, default=None)

    @property
    def starts_on(self) -> datetime.date | None:
        return min((phase.starts_on for phase in self.phases.all()), default=None)

    @property
    def ends_on(self) -> datetime.date | None:
        return max((phase.ends_on for phase in self.phases.all()), default=None)

    def status_on(self, day: datetime.date) -> Cycle.Status:
        """Return whether the cycle has not started, is running or is over on day."""
        if self.starts_on is None or day < self.starts_on:
            return self.Status.UPCOMING
        if day > self.ends_on:
            return self.Status.CLOSED
        return self.Status.ONGOING

    def is_in_phase_on(self, kind: str, day: datetime.date) -> bool:
        """Return whether the phase of that kind runs on day."""
        phase = self.phase_get(kind)
        return phase is not None and phase.starts_on <= day <= phase.ends_on

    def accepts_proposals_on(self, day: datetime.date) -> bool:
        return self.is_in_phase_on(Phase.Kind.PROPOSALS, day)

    def accepts_votes_on(self, day: datetime.date) -> bool:
        """Return whether citizens may cast or change a ballot on day: the vote phase runs."""
        return self.is_in_phase_on(Phase.Kind.VOTE, day)

    def results_visible_on(self, day: datetime.date) -> bool:
        """Return whether the results are public: from the results phase, or once the vote is over."""
        results, vote = self.phase_get(Phase.Kind.RESULTS), self.phase_get(Phase.Kind.VOTE)
        if results is not None:
            return day >= results.starts_on
        return vote is not None and day > vote.ends_on

    def accepts_paper_ballots_on(self, day: datetime.date) -> bool:
        """Return whether staff may enter paper ballots: from the vote's start until the results are public."""
        vote = self.phase_get(Phase.Kind.VOTE)
        return vote is not None and day >= vote.starts_on and not self.results_visible_on(day)

    def review_open_on(self, day: datetime.date) -> bool:
        """Return whether staff may still review proposals: until the vote starts, eligibility can change."""
        vote = self.phase_get(Phase.Kind.VOTE)
        return vote is None or day < vote.starts_on

    @property
    def accepts_proposals(self) -> bool:
        return self.accepts_proposals_on(timezone.localdate())

    @property
    def accepts_votes(self) -> bool:
        return self.accepts_votes_on(timezone.localdate())

    @property
    def results_visible(self) -> bool:
        return self.results_visible_on(timezone.localdate())

    @property
    def status(self) -> Cycle.Status:
        return self.status_on(timezone.localdate())


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("information")
    # Translators: the phase in which citizens submit proposals, not the proposals themselves (the model's plural).
    PROPOSALS = "proposals", pgettext_lazy("participatory budget phase", "proposals")
    REVIEW = "review", _("technical review")
    VOTE = "vote", _("vote")
    RESULTS = "results", _("results")
    IMPLEMENTATION = "implementation", _("implementation")


class Phase(models.Model):
    """A dated phase of a cycle; what visitors can do on the cycle's page depends on the running one."""

    # Module-level so that Meta's constraints can name its values too.
    Kind = PhaseKind

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="phases", verbose_name=_("cycle"))
    kind = models.CharField(_("phase"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("Its last day."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["cycle", "starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="phase_kind_unique_per_cycle"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="phase_ends_after_start",
                violation_error_message=_("A phase cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PhaseKind.values),
                name="phase_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def is_past_on(self, day: datetime.date) -> bool:
        return self.ends_on < day

    def is_running_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ProposalQuerySet(ModeratedQuerySet):
    def eligible(self) -> ProposalQuerySet:
        """Return the published proposals that the technical review found eligible: the ones on the ballot."""
        return self.published().filter(eligibility=Proposal.Eligibility.ELIGIBLE)

    def with_votes(self) -> ProposalQuerySet:
        """Return the proposals with vote_count: the number of ballots that chose each."""
        return self.annotate(vote_count=Count("ballot_choices", distinct=True))


class Proposal(ContactDetails, Moderated):
    """A citizen's idea for the participatory budget, moderated like every citizen input, then reviewed."""

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("awaiting the technical review")
        ELIGIBLE = "eligible", _("eligible")
        INELIGIBLE = "ineligible", _("not eligible")

    class Progress(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("cycle"))
    title = models.CharField(_("title"), max_length=150, validators=[MinLengthValidator(5), validate_plain_text])
    description = models.TextField(
        _("description"),
        max_length=PROPOSAL_MAX_LENGTH,
        validators=[MinLengthValidator(20), MaxLengthValidator(PROPOSAL_MAX_LENGTH), validate_plain_text],
        help_text=_("What should be done, where, and for whom."),
    )
    neighbourhood = models.CharField(
        _("neighbourhood"),
        max_length=120,
        validators=[validate_plain_text],
        help_text=_("The neighbourhood or the place it concerns."),
    )
    estimated_cost = models.DecimalField(
        _("estimated cost (dirhams)"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_("Your best estimate; the commune's services check it during the technical review."),
    )
    eligibility = models.CharField(
        _("eligibility"),
        max_length=20,
        choices=Eligibility.choices,
        default=Eligibility.PENDING,
    )
    eligibility_reason = models.TextField(
        _("reason"),
        blank=True,
        help_text=_("Published with the decision. Required when the proposal is not eligible."),
    )
    revised_cost = models.DecimalField(
        _("revised cost (dirhams)"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The services' estimate; counted instead of the citizen's on the ballot. Leave empty to keep it."),
    )
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    progress_status = models.CharField(
        _("implementation status"),
        max_length=20,
        choices=Progress.choices,
        default=Progress.PLANNED,
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("For a winning proposal, during its implementation."),
    )

    objects = ProposalQuerySet.as_manager()

    class Meta(Moderated.Meta):
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["cycle", "created_at", "pk"]
        permissions = [
            ("moderate_proposal", _("Can moderate proposals")),
            ("review_proposal", _("Can review the eligibility and cost of proposals")),
        ]
        constraints = [
            *Moderated.Meta.constraints,
            models.CheckConstraint(condition=Q(estimated_cost__gte=0), name="proposal_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(revised_cost__isnull=True) | Q(revised_cost__gte=0),
                name="proposal_revised_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(eligibility__in=["pending", "eligible", "ineligible"]),
                name="proposal_eligibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="proposal_progress_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        # No personal data here: __str__ ends up in logs, the admin's history and exports.
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("budgets:proposal-detail", kwargs={"slug": self.cycle.slug, "pk": self.pk})

    def clean(self) -> None:
        # The reason is translated (eligibility_reason_ar, _fr): one language is enough, so the error is the
        # form's, not a field's.
        reasons = [getattr(self, f"eligibility_reason_{code}", "") for code, _name in settings.LANGUAGES]
        if self.eligibility == self.Eligibility.INELIGIBLE and not any(reasons):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _("Give the reason why the proposal is not eligible."), code="reason_required"
                    )
                }
            )

    @property
    def cost(self) -> Decimal:
        """Return what the proposal counts for on a ballot: the revised cost, else the citizen's estimate."""
        return self.revised_cost if self.revised_cost is not None else self.estimated_cost

    @property
    def progress_percent(self) -> int:
        if self.progress_status == self.Progress.DONE:
            return 100
        return self.progress or 0


class ProposalUpdate(DatedUpdate):
    """A dated account of a winning proposal's implementation, published on its page."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="updates", verbose_name=_("proposal"))

    class Meta(DatedUpdate.Meta):
        verbose_name = _("implementation update")
        verbose_name_plural = _("implementation updates")
        ordering = ["proposal", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.proposal} – {self.date}"
