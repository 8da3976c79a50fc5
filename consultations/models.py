"""Citizen participation: consultation rounds and their meetings, contributions and comments on projects."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import ContactDetails, Moderated, ModeratedQuerySet
from openmun.text import validate_plain_text
from programme.models import Axis, Programme, Project

CONTRIBUTION_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 1000
# First segments of the consultations URLs that are not rounds.
RESERVED_ROUND_SLUGS = frozenset({"moderation", "projects", "comments", "contributions"})


class RoundQuerySet(models.QuerySet):
    def accepting_contributions_on(self, day: datetime.date) -> RoundQuerySet:
        """Return the rounds whose digital window is open on day."""
        return self.filter(Q(closes_on__isnull=True) | Q(closes_on__gte=day), opens_on__lte=day)


class Round(models.Model):
    """A round of citizen participation in the programme: meetings and a window for digital input."""

    class Kind(models.TextChoices):
        IDEAS = "ideas", _("idea collection")
        DRAFT = "draft", _("consultation on a draft")

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("upcoming")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="consultation_rounds",
        verbose_name=_("programme"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(
        _("digital consultation opens on"),
        null=True,
        blank=True,
        help_text=_(
            "While the digital consultation is open, citizens can submit contributions on this portal. "
            "Leave empty when the date is not known."
        ),
    )
    closes_on = models.DateField(
        _("digital consultation closes on"),
        null=True,
        blank=True,
        help_text=_("Its last day. Leave empty to keep it open until further notice."),
    )
    external_platform = models.CharField(
        _("other platform"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where digital participation was also gathered, for example the platform of the Moroccan "
            "network of open territorial communities."
        ),
    )
    external_participation_count = models.PositiveIntegerField(
        _("digital participations gathered elsewhere"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the number is not known."),
    )
    outcome_summary = models.TextField(_("outcome summary"), blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation round")
        verbose_name_plural = _("consultation rounds")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=False, closes_on__gte=F("opens_on")),
                name="round_closes_after_opens",
                violation_error_message=_("The digital window must open before it closes."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:round-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug in RESERVED_ROUND_SLUGS:
            raise ValidationError(
                {"slug": ValidationError(_("This slug is reserved for another page."), code="reserved")}
            )

    def accepts_contributions_on(self, day: datetime.date) -> bool:
        """Return whether the round's digital window is open on day."""
        return self.opens_on is not None and self.opens_on <= day and (self.closes_on is None or day <= self.closes_on)

    @property
    def accepts_contributions(self) -> bool:
        return self.accepts_contributions_on(timezone.localdate())

    def status_on(self, day: datetime.date) -> Round.Status:
        """Return the round's status on day, from its digital window and its meetings (prefetch them)."""
        if self.accepts_contributions_on(day):
            return self.Status.OPEN
        dates = [meeting.date for meeting in self.meetings.all()]
        dates += [d for d in (self.opens_on, self.closes_on) if d]
        if not dates or day < min(dates):
            return self.Status.UPCOMING
        if day > max(dates):
            return self.Status.CLOSED
        return self.Status.OPEN

    @property
    def status(self) -> Round.Status:
        return self.status_on(timezone.localdate())


class Meeting(models.Model):
    """An in-person meeting of a consultation round."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("consultation round")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    participant_count = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the number is not known."),
    )
    attendees = models.TextField(_("who attended"), blank=True)
    women_count = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men_count = models.PositiveIntegerField(_("men"), null=True, blank=True)
    youth_count = models.PositiveIntegerField(_("young people"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["round", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participant_count__isnull=True)
                | Q(women_count__isnull=True)
                | Q(men_count__isnull=True)
                | Q(participant_count__gte=F("women_count") + F("men_count")),
                name="meeting_women_and_men_within_participants",
                violation_error_message=_("Women and men cannot outnumber the participants."),
            ),
            models.CheckConstraint(
                condition=Q(participant_count__isnull=True)
                | Q(youth_count__isnull=True)
                | Q(participant_count__gte=F("youth_count")),
                name="meeting_youth_within_participants",
                violation_error_message=_("Young people cannot outnumber the participants."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.date)


class ContributionOutcome(models.TextChoices):
    TAKEN = "taken", _("taken into a project")
    MERGED = "merged", _("merged with another contribution")
    NOT_RETAINED = "not_retained", _("not retained")
    OUT_OF_SCOPE = "out_of_scope", _("outside the commune's competences")


class Contribution(ContactDetails, Moderated):
    """An idea or a proposal submitted in a consultation round, and the answer the commune gives it."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("online, on this portal")
        PAPER = "paper", _("paper form")
        MEETING = "meeting", _("in-person meeting")
        OTHER = "other", _("other channel")

    # Module-level so that Meta's constraints can name its values too.
    Outcome = ContributionOutcome

    round = models.ForeignKey(
        Round,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("consultation round"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    # The language of the page the citizen wrote from: the commune writes to them in it (empty before it was kept).
    language = models.CharField(
        _("language of the author"), max_length=10, choices=settings.LANGUAGES, blank=True, editable=False
    )
    text = models.TextField(
        _("your idea or proposal"),
        max_length=CONTRIBUTION_MAX_LENGTH,
        validators=[MinLengthValidator(10), MaxLengthValidator(CONTRIBUTION_MAX_LENGTH), validate_plain_text],
    )
    title = models.CharField(_("title"), max_length=150, blank=True, validators=[validate_plain_text])
    axis = models.ForeignKey(
        Axis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("axis"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("project concerned"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The staff member who typed in a paper or in-person contribution."),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shaping_contributions",
        verbose_name=_("taken into the project"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_contributions",
        verbose_name=_("merged with"),
    )
    answer = models.TextField(
        _("the commune's answer"),
        blank=True,
        help_text=_("Published with the outcome. Required when the contribution is not retained."),
    )
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    objects = ModeratedQuerySet.as_manager()

    class Meta(Moderated.Meta):
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["round", "created_at", "pk"]
        permissions = [("moderate_contribution", _("Can moderate contributions"))]
        constraints = [
            *Moderated.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(outcome=ContributionOutcome.TAKEN) | Q(outcome_project__isnull=False),
                name="contribution_taken_names_a_project",
                violation_error_message=_("Name the project the contribution was taken into."),
            ),
            models.CheckConstraint(
                condition=~Q(outcome=ContributionOutcome.MERGED) | Q(merged_into__isnull=False),
                name="contribution_merged_names_a_contribution",
                violation_error_message=_("Name the contribution it was merged with."),
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="contribution_not_merged_with_itself",
                violation_error_message=_("A contribution cannot be merged with itself."),
            ),
        ]

    def __str__(self) -> str:
        # No personal data here: __str__ ends up in logs, the admin's history and exports.
        return f"#{self.pk} {self.title or self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:round-results", kwargs={"slug": self.round.slug}) + f"#contribution-{self.pk}"

    def clean(self) -> None:
        errors = {}
        if self.project_id and self.axis_id and self.project.axis_id != self.axis_id:
            errors["project"] = ValidationError(_("This project belongs to another axis."), code="project_axis")
        if self.project_id and self.round_id and self.project.programme_id != self.round.programme_id:
            errors["project"] = ValidationError(
                _("This project belongs to another programme."), code="project_programme"
            )
        if self.outcome == self.Outcome.TAKEN and not self.outcome_project_id:
            errors["outcome_project"] = ValidationError(
                _("Name the project the contribution was taken into."), code="outcome_project_required"
            )
        if self.outcome == self.Outcome.MERGED and not self.merged_into_id:
            errors["merged_into"] = ValidationError(
                _("Name the contribution it was merged with."), code="merged_into_required"
            )
        if self.merged_into_id and self.merged_into_id == self.pk:
            errors["merged_into"] = ValidationError(
                _("A contribution cannot be merged with itself."), code="merged_into_itself"
            )
        # The answer is translated (answer_ar, answer_fr): one language is enough.
        answers = [getattr(self, f"answer_{code}", "") for code, _name in settings.LANGUAGES]
        if self.outcome == self.Outcome.NOT_RETAINED and not any(answers):
            errors["__all__"] = ValidationError(
                _("Give the reason why the contribution is not retained."), code="reason_required"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def author_language(self) -> str:
        """Return the language to write to the author in: the one they used, else the portal's first."""
        return self.language or settings.LANGUAGE_CODE


class CommentQuerySet(ModeratedQuerySet):
    def public_thread(self, project: Project) -> CommentQuerySet:
        """Return a project's published comments and official replies, oldest first, without contact details."""
        return self.published().filter(project=project).order_by("created_at", "pk")


class Comment(ContactDetails, Moderated):
    """A citizen's comment on a project of the programme, or the commune's official reply to one."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("project"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    text = models.TextField(
        _("comment"),
        max_length=COMMENT_MAX_LENGTH,
        validators=[MinLengthValidator(2), MaxLengthValidator(COMMENT_MAX_LENGTH), validate_plain_text],
    )
    # The language of the page the citizen wrote from: the commune writes to them in it (empty before it was kept).
    language = models.CharField(
        _("language of the author"), max_length=10, choices=settings.LANGUAGES, blank=True, editable=False
    )
    is_official = models.BooleanField(_("official reply"), default=False)
    # Translated (official_text_ar, official_text_fr): the commune answers in both languages, while a citizen's
    # comment stays in the language it was written in (text).
    official_text = models.TextField(
        _("the commune's reply"),
        blank=True,
        validators=[MaxLengthValidator(COMMENT_MAX_LENGTH), validate_plain_text],
        help_text=_("Give it in Arabic and in French; one language is enough, and the page then says which it is."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff author"),
    )

    objects = CommentQuerySet.as_manager()

    class Meta(Moderated.Meta):
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["project", "created_at", "pk"]
        permissions = [
            ("moderate_comment", _("Can moderate comments")),
            ("reply_comment", _("Can reply to comments on behalf of the commune")),
        ]
        constraints = [
            *Moderated.Meta.constraints,
            # Citizens comment on the project; only the commune replies, officially.
            models.CheckConstraint(
                condition=Q(is_official=True, parent__isnull=False) | Q(is_official=False, parent__isnull=True),
                name="comment_replies_are_official",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url() + f"#comment-{self.pk}"

    def clean(self) -> None:
        if self.parent_id and (self.parent.parent_id or self.parent.project_id != self.project_id):
            raise ValidationError(
                {"parent": ValidationError(_("Reply to a comment of the same project."), code="parent")}
            )
        if self.is_official and not any(self.official_texts().values()):
            raise ValidationError(
                ValidationError(_("Write the reply in Arabic, in French, or in both."), code="reply_required")
            )

    def official_texts(self) -> dict[str, str]:
        """Return the official reply in each language it was given in (empty strings for the others)."""
        return {code: getattr(self, f"official_text_{code}", "") or "" for code, _name in settings.LANGUAGES}

    @property
    def author_language(self) -> str:
        """Return the language to write to the author in: the one they used, else the portal's first."""
        return self.language or settings.LANGUAGE_CODE
