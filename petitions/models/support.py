"""Online support for a petition: non-binding, counted once confirmed through an e-mailed link."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmun.text import validate_plain_text
from openmun.tokens import NONCE_LENGTH, nonce_matches, nonce_new
from petitions.models.petition import Petition


class SupportQuerySet(models.QuerySet):
    def confirmed(self) -> SupportQuerySet:
        """Return the supports confirmed through the e-mailed link."""
        return self.filter(confirmed_at__isnull=False)


class Support(models.Model):
    """A person's online support for a petition: non-binding, counted once its e-mail is confirmed."""

    class Relation(models.TextChoices):
        RESIDENT = "resident", _("I live in the commune")
        ACTIVITY = "activity", _("I have an economic, commercial or professional activity in the commune")

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("petition"),
    )
    name = models.CharField(_("full name"), max_length=150, validators=[validate_plain_text])
    relation = models.CharField(_("link with the commune"), max_length=20, choices=Relation.choices)
    email = models.EmailField(
        _("e-mail"),
        help_text=_("We send you a link to confirm your support. It is never shown publicly."),
    )
    consent = models.BooleanField(_("consent to the processing of these data"), default=False)
    keep_informed = models.BooleanField(
        _("keep me informed of this petition by e-mail"),
        default=False,
        help_text=_(
            "Once your support is confirmed, you will receive an e-mail when the petition is accepted and put on a "
            "council session's agenda, refused, or answered. Each e-mail has a link to stop."
        ),
    )
    created_at = models.DateTimeField(_("given at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The nonce of the one link that may confirm this support, as submitted: replaced by each new submission for
    # the address, cleared once the link is used (openmun/tokens.py).
    link_nonce = models.CharField(
        _("confirmation link key"), max_length=NONCE_LENGTH, default=nonce_new, blank=True, editable=False
    )

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("online support")
        verbose_name_plural = _("online supports")
        ordering = ["petition", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                F("petition"),
                Lower("email"),
                name="support_one_per_email_per_petition",
                violation_error_message=_("This e-mail address has already supported the petition."),
            ),
            models.CheckConstraint(
                condition=Q(consent=True),
                name="support_consent_given",
                violation_error_message=_("Support is recorded only with the person's consent."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def link_acts(self, nonce: str) -> bool:
        """Return whether a link carrying this nonce may still confirm the support: the latest one, unused."""
        return self.confirmed_at is None and nonce_matches(self.link_nonce, nonce)
