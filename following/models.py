"""A follow: an e-mail address that asked, and confirmed, to hear the news of one page; and the news announced."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmun.tokens import NONCE_LENGTH, nonce_matches, nonce_new


def key_new() -> str:
    """Return a new unguessable key for the unsubscribe links of a follow."""
    return secrets.token_urlsafe(32)


class FollowQuerySet(models.QuerySet):
    def confirmed(self) -> FollowQuerySet:
        """Return the follows whose address was confirmed through the e-mailed link."""
        return self.filter(confirmed_at__isnull=False)


class Follow(models.Model):
    """An address that follows one target (a project, a round, a petition, the participatory budget)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("One e-mail for each piece of news")
        WEEKLY = "weekly", _("One summary a week")

    email = models.EmailField(_("e-mail"), help_text=_("Never shown publicly."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    target = models.CharField(_("followed page"), max_length=100, db_index=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    digest_sent_at = models.DateTimeField(_("last summary sent at"), null=True, blank=True)
    # The nonce of the one link that may confirm this follow (openmun/tokens.py): cleared once used.
    link_nonce = models.CharField(
        _("confirmation link key"), max_length=NONCE_LENGTH, default=nonce_new, blank=True, editable=False
    )
    # The secret of the unsubscribe links in every message: a random value, never derived from the address.
    key = models.CharField(_("unsubscribe key"), max_length=64, unique=True, default=key_new, editable=False)

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        ordering = ["target", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), F("target"), name="follow_one_per_email_per_target"),
        ]

    def __str__(self) -> str:
        # Never the address: the admin's history and messages show this.
        return f"{self.target} #{self.pk}"

    def link_acts(self, nonce: str) -> bool:
        """Return whether a confirmation link still acts: not used yet and not replaced by a newer one."""
        return self.confirmed_at is None and nonce_matches(self.link_nonce, nonce)


class News(models.Model):
    """Something that happened to a target, kept for the weekly summaries."""

    target = models.CharField(_("followed page"), max_length=100, db_index=True)
    event = models.CharField(_("event"), max_length=50)
    # What the news is about when it may be announced twice (a round that opens, seen by each daily run): once only.
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("announced at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("news")
        verbose_name_plural = _("news")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "event", "reference"],
                condition=~models.Q(reference=""),
                name="news_announced_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.event}"
