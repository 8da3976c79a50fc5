"""The one moderation pipeline that every piece of citizen input goes through, whichever app keeps it.

Contributions, comments, petitions and budget proposals inherit Moderated (a status, the decision's reason,
author and date, visitors' reports) and, when they keep a citizen's name and address, ContactDetails. An app that
asks visitors why they report an item keeps their reasons in a concrete VisitorReport of its own.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmun.text import validate_plain_text


class ModeratedQuerySet(models.QuerySet):
    def published(self) -> ModeratedQuerySet:
        """Return the items the public may see."""
        return self.filter(status=Moderated.Status.PUBLISHED)

    def for_review(self) -> ModeratedQuerySet:
        """Return the items awaiting a moderator: new ones and published ones reported since their review."""
        return self.filter(
            Q(status=Moderated.Status.PENDING) | Q(status=Moderated.Status.PUBLISHED, report_count__gt=0)
        )


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    PUBLISHED = "published", _("published")
    HIDDEN = "hidden", _("hidden")


class Moderated(models.Model):
    """What every piece of citizen input shares: one moderation pipeline, the same for all apps."""

    # Module-level so that Meta's constraint can name the values too.
    Status = ModerationStatus

    status = models.CharField(
        _("moderation status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    moderation_reason = models.TextField(
        _("reason for the decision"),
        blank=True,
        validators=[MaxLengthValidator(500)],
        help_text=_(
            "Required to hide an item. Never published; e-mailed to the author of a contribution, a comment or a "
            "petition who left an address."
        ),
    )
    moderated_at = models.DateTimeField(_("moderated on"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    report_count = models.PositiveIntegerField(
        _("reports since the last review"),
        default=0,
        help_text=_("Reports from visitors; a moderation decision sets it back to zero."),
    )
    created_at = models.DateTimeField(_("submitted on"), default=timezone.now, db_index=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ModerationStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
        ]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def submitted_on(self) -> datetime.date:
        return timezone.localdate(self.created_at)


class ContactDetails(models.Model):
    """The personal data a citizen may leave: a public name and a private e-mail address (law 09-08)."""

    display_name = models.CharField(
        _("name to display"),
        max_length=80,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("Shown with your text. Leave empty to appear as “a citizen”."),
    )
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Never published. The commune uses it only to contact you about what you wrote."),
    )

    class Meta:
        abstract = True


class ReportReason(models.TextChoices):
    SPAM = "spam", _("advertising or spam")
    ABUSIVE = "abusive", _("insulting, hateful or threatening")
    PERSONAL_DATA = "personal_data", _("it reveals someone's personal data")
    OUT_OF_BOUNDS = "out_of_bounds", _("it touches what may not be asked (the constants of the Constitution)")
    OTHER = "other", _("another reason")


REPORT_NOTE_MAX_LENGTH = 300


class VisitorReport(models.Model):
    """Why a visitor reported a published item: a reason and a short note, seen by staff only; no name, no address.

    The concrete model names the item with a ForeignKey; the count that brings the item back for review is the
    item's own report_count (moderation.services.item_report).
    """

    # Module-level so that Meta's constraint can name the values too.
    Reason = ReportReason

    reason = models.CharField(_("reason for the report"), max_length=20, choices=Reason.choices)
    note = models.TextField(
        _("details"),
        blank=True,
        max_length=REPORT_NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(REPORT_NOTE_MAX_LENGTH), validate_plain_text],
        help_text=_("Seen by the moderators only. Please write no name, address or telephone number."),
    )
    created_at = models.DateTimeField(_("reported on"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values),
                name="%(app_label)s_%(class)s_reason_valid",
            ),
        ]
