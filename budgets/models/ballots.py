"""The vote of the participatory budget: voters known by a keyed hash of their address, and their ballots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openmun.tokens import NONCE_LENGTH, nonce_matches, nonce_new

from .participatory import Cycle, Proposal


class Voter(models.Model):
    """A person who votes online in a cycle, known by a keyed hash of a confirmed e-mail address.

    The address itself is never stored (law 09-08: collect only what the purpose needs): it is used once, to
    send the confirmation link, and the hash keeps one ballot per address.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="voters", verbose_name=_("cycle"))
    email_hash = models.CharField(_("e-mail fingerprint"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("registered on"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    # The nonce of the one voting link that may open the ballot: replaced by each new link, cleared once used.
    link_nonce = models.CharField(
        _("confirmation link key"), max_length=NONCE_LENGTH, default=nonce_new, blank=True, editable=False
    )
    # The nonce kept in the session of the browser that used the last link: only that browser opens the ballot.
    session_nonce = models.CharField(_("ballot session key"), max_length=NONCE_LENGTH, blank=True, editable=False)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["cycle", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "email_hash"], name="voter_email_unique_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def link_acts(self, nonce: str) -> bool:
        """Return whether a voting link carrying this nonce may still open the ballot: the latest one, unused."""
        return nonce_matches(self.link_nonce, nonce)

    def session_holds(self, nonce: str) -> bool:
        """Return whether a session holding this nonce is the one that used the voter's latest link."""
        return self.confirmed_at is not None and nonce_matches(self.session_nonce, nonce)


class Ballot(models.Model):
    """A voter's choice of proposals in a cycle, or a paper ballot entered by staff."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("online, on this portal")
        PAPER = "paper", _("paper ballot")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("cycle"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    voter = models.ForeignKey(
        Voter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ballots",
        verbose_name=_("voter"),
    )
    paper_reference = models.CharField(
        _("paper ballot number"),
        max_length=40,
        blank=True,
        help_text=_("The number written on the paper ballot, so that none is entered twice."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("cast on"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed on"), default=timezone.now)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["cycle", "created_at", "pk"]
        constraints = [
            # One ballot per voter and cycle: the database's rule, whatever the number of concurrent requests.
            models.UniqueConstraint(
                fields=["cycle", "voter"],
                condition=Q(voter__isnull=False),
                name="ballot_one_per_voter_and_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "paper_reference"],
                condition=Q(channel="paper"),
                name="ballot_paper_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(channel="online", voter__isnull=False, paper_reference="")
                | Q(channel="paper", voter__isnull=True) & ~Q(paper_reference=""),
                name="ballot_online_has_voter_paper_has_number",
            ),
        ]

    def __str__(self) -> str:
        if self.channel == self.Channel.PAPER:
            return _("paper ballot %(number)s") % {"number": self.paper_reference}
        return _("online ballot #%(number)s") % {"number": self.pk}


class BallotChoice(models.Model):
    """One proposal chosen on a ballot."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices", verbose_name=_("ballot"))
    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="ballot_choices", verbose_name=_("proposal")
    )

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["ballot", "proposal"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="ballotchoice_unique"),
        ]

    def __str__(self) -> str:
        return str(self.proposal_id)
