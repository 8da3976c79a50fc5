"""Writes of the budgets: a year's lines imported from a file, proposals, their review, voters and ballots."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgets.imports import ParsedLine
from budgets.models import Ballot, BallotChoice, BudgetLine, BudgetYear, Cycle, Proposal, Voter
from moderation.services import duplicate_refuse, moderation_initial_status
from openmun import antiabuse, cache
from openmun.actions import audit_log, permission_require
from openmun.formatting import group_digits
from openmun.mail import mail_after_commit, mail_context
from openmun.signals import objects_bulk_saved
from openmun.text import normalise
from openmun.tokens import nonce_new, token_make, token_read
from programme.selectors import commune_signature

VOTER_TOKEN_SALT = "budgets.voter.confirm"


# Citizen budget


def budget_year_import(*, budget_year: BudgetYear, lines: Iterable[ParsedLine], acting_user: AbstractBaseUser) -> int:
    """Replace a year's lines with the lines of an imported file, all or none; return how many were saved."""
    permission_require(acting_user, "budgets.change_budgetyear")
    new_lines = []
    for position, parsed in enumerate(lines, start=1):
        line = BudgetLine(
            year=budget_year,
            part=parsed.part,
            direction=parsed.direction,
            code=parsed.code,
            position=position,
            adopted=parsed.adopted,
            executed=parsed.executed,
        )
        for code, _name in settings.LANGUAGES:
            setattr(line, f"label_{code}", normalise(parsed.labels.get(code, ""), multiline=False))
            setattr(line, f"explanation_{code}", normalise(parsed.explanations.get(code, "")))
        # The year's old lines are deleted below: their codes must not count as duplicates.
        line.full_clean(validate_unique=False, validate_constraints=False)
        new_lines.append(line)
    if not new_lines:
        raise ValidationError(_("The file has no budget line."), code="empty")
    with transaction.atomic():
        BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
        budget_year.lines.all().delete()
        # The unique and check constraints hold here too: a violation rolls the whole import back.
        BudgetLine.objects.bulk_create(new_lines)
        # bulk_create sends no post_save: what derives from the lines (the page and PDF caches, the search
        # index) is rebuilt from them once they are committed.
        transaction.on_commit(lambda: objects_bulk_saved.send(sender=BudgetLine, pks=[line.pk for line in new_lines]))
        audit_log(
            acting_user,
            budget_year,
            ngettext("Imported %(count)d budget line.", "Imported %(count)d budget lines.", len(new_lines))
            % {"count": len(new_lines)},
        )
    return len(new_lines)


# Participatory budget: proposals


def proposal_submit(
    *,
    cycle: Cycle,
    title: str,
    description: str,
    neighbourhood: str,
    estimated_cost: Decimal,
    display_name: str = "",
    email: str = "",
) -> Proposal:
    """Record a citizen's proposal while the cycle's proposals phase runs; it then awaits moderation."""
    if not cycle.accepts_proposals:
        raise ValidationError(_("This cycle does not accept proposals at the moment."), code="proposals_closed")
    if estimated_cost > cycle.envelope:
        raise ValidationError(
            {
                "estimated_cost": ValidationError(
                    _("A proposal cannot cost more than the whole envelope (%(envelope)s DH)."),
                    code="over_envelope",
                    params={"envelope": group_digits(cycle.envelope, 2)},
                )
            }
        )
    proposal = Proposal(
        cycle=cycle,
        title=normalise(title, multiline=False),
        description=normalise(description),
        neighbourhood=normalise(neighbourhood, multiline=False),
        estimated_cost=estimated_cost,
        display_name=normalise(display_name, multiline=False),
        email=email.strip(),
        status=moderation_initial_status(),
    )
    proposal.fingerprint = antiabuse.text_fingerprint(proposal.title, proposal.description)
    proposal.full_clean()
    with transaction.atomic():
        duplicate_refuse(cycle.proposals.all(), scope=f"cycle-{cycle.pk}", fingerprint=proposal.fingerprint)
        proposal.save()
    return proposal


def proposal_review_check(*, proposal: Proposal, cycle: Cycle, eligibility: str, revised_cost: Decimal | None) -> None:
    """Raise ValidationError unless the review may record this decision now (the admin's form asks it too)."""
    # Once the vote has started, ballots count on the eligible proposals and their costs.
    if not cycle.review_open_on(timezone.localdate()):
        raise ValidationError(
            _("The vote has started: the review of the proposals can no longer change."), code="review_closed"
        )
    if eligibility == Proposal.Eligibility.ELIGIBLE and proposal.status != Proposal.Status.PUBLISHED:
        raise ValidationError(
            {
                "eligibility": ValidationError(
                    _("Only a published proposal can be eligible: moderate it first."), code="not_published"
                )
            }
        )
    if revised_cost is not None and revised_cost > cycle.envelope:
        raise ValidationError(
            {
                "revised_cost": ValidationError(
                    _("A proposal cannot cost more than the whole envelope (%(envelope)s DH)."),
                    code="over_envelope",
                    params={"envelope": group_digits(cycle.envelope, 2)},
                )
            }
        )


def proposal_review(
    *,
    proposal: Proposal,
    eligibility: str,
    reasons: dict[str, str] | None = None,
    revised_cost: Decimal | None = None,
    acting_user: AbstractBaseUser,
) -> Proposal:
    """Record the technical review of a proposal: eligible or not, with the reason, and the revised cost."""
    permission_require(acting_user, "budgets.review_proposal")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        cycle = Cycle.objects.prefetch_related("phases").get(pk=proposal.cycle_id)
        proposal_review_check(proposal=proposal, cycle=cycle, eligibility=eligibility, revised_cost=revised_cost)
        proposal.eligibility = eligibility
        proposal.revised_cost = revised_cost
        for code, _name in settings.LANGUAGES:
            setattr(proposal, f"eligibility_reason_{code}", normalise((reasons or {}).get(code, "")))
        reviewed = eligibility != Proposal.Eligibility.PENDING
        proposal.reviewed_at = timezone.now() if reviewed else None
        proposal.reviewed_by = acting_user if reviewed else None
        proposal.full_clean()
        proposal.save()
        audit_log(
            acting_user,
            proposal,
            _("Technical review: %(eligibility)s.") % {"eligibility": proposal.get_eligibility_display()},
        )
    return proposal


# Participatory budget: voters


def email_fingerprint(email: str) -> str:
    """Return a keyed hash of an e-mail address: the same address gives the same hash, never the address."""
    key = f"{settings.SECRET_KEY}:budgets.voter".encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def voter_token_make(voter: Voter) -> str:
    """Return the signed, time-limited token of the one link that lets a voter open the ballot."""
    return token_make(salt=VOTER_TOKEN_SALT, pk=voter.pk, nonce=voter.link_nonce)


def voter_token_read(token: str) -> tuple[int, str]:
    """Return the voter id and the link's nonce a token names; raise signing.SignatureExpired or BadSignature."""
    return token_read(salt=VOTER_TOKEN_SALT, token=token, max_age_hours=settings.OPENMUN_VOTE_CONFIRMATION_HOURS)


def voter_register(*, cycle: Cycle, email: str, site_url: str) -> Voter:
    """Register an e-mail address to vote in a cycle and send it the link that opens the ballot.

    The address is used here to send the link and is then forgotten: only its keyed hash is stored. The
    answer is the same for a new address and a known one, so nobody can find out who took part. Each link
    works once, and a new link retires the ones sent before it. The voter returned holds its id and its new link.
    """
    if not cycle.accepts_votes:
        raise ValidationError(_("The vote is not open at the moment."), code="vote_closed")
    email = email.strip()
    if not email:
        raise ValidationError({"email": ValidationError(_("Give your e-mail address."), code="required")})
    # One statement for a new address and a known one, so that both cost the same work, and two requests for the same
    # address at once make one voter: a known address gets a new link nonce, and the links sent before it no longer
    # open the ballot. Private: no page shows voters, so the caches need not know.
    (voter,) = Voter.objects.bulk_create(
        [Voter(cycle=cycle, email_hash=email_fingerprint(email), link_nonce=nonce_new())],
        update_conflicts=True,
        unique_fields=["cycle", "email_hash"],
        update_fields=["link_nonce"],
    )
    _voter_link_send(voter, cycle=cycle, email=email, site_url=site_url)
    return voter


def _voter_link_send(voter: Voter, *, cycle: Cycle, email: str, site_url: str) -> None:
    path = reverse("budgets:voter-confirm", kwargs={"slug": cycle.slug, "token": voter_token_make(voter)})
    subject = _("Your link to vote: %(title)s") % {"title": cycle.title}
    context = {
        **mail_context(subject=subject, signature=commune_signature() or _("The commune")),
        "cycle": cycle,
        # The HTML names the cycle by a link to its page; its title is the commune's, escaped.
        "cycle_link": format_html('<a href="{}">{}</a>', site_url + cycle.get_absolute_url(), cycle.title),
        "confirm_url": site_url + path,
        "hours": settings.OPENMUN_VOTE_CONFIRMATION_HOURS,
    }
    mail_after_commit(
        subject=subject,
        body=render_to_string("budgets/email/voter_confirm.txt", context),
        html=render_to_string("budgets/email/voter_confirm.html", context),
        to=email,
        what=f"the voting link of voter {voter.pk}",
    )


def voter_link_check(*, cycle: Cycle, token: str) -> tuple[Voter, str]:
    """Return the voter a link names and the link's nonce, or raise ValidationError: a bad, old or used link."""
    try:
        voter_id, nonce = voter_token_read(token)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired."), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(_("This link is incomplete or wrong."), code="invalid") from None
    voter = Voter.objects.filter(pk=voter_id, cycle=cycle).first()
    if voter is None:
        raise ValidationError(_("This link is incomplete or wrong."), code="invalid")
    if not cycle.accepts_votes:
        raise ValidationError(_("The vote is not open at the moment."), code="vote_closed")
    if not voter.link_acts(nonce):
        raise ValidationError(_("This link has already been used, or a newer link has been sent since."), code="used")
    return voter, nonce


def voter_confirm(*, cycle: Cycle, token: str) -> Voter:
    """Use a voting link, once: return its voter, confirmed, holding a new session key; raise for a bad link.

    The link is spent by one conditional UPDATE, which also gives the voter a new session key (session_nonce)
    that only the browser that used the link keeps: of two browsers holding the same link, the second gets
    "used", sees nothing of the ballot and changes nothing, and a browser that used an earlier link loses the
    ballot once a newer link is used.
    """
    voter, nonce = voter_link_check(cycle=cycle, token=token)
    now, session_nonce = timezone.now(), nonce_new()
    # Private: no page shows who confirmed, so the caches need not know (openmun/cache.py).
    used = Voter.objects.filter(pk=voter.pk, link_nonce=nonce).update(
        link_nonce="",
        session_nonce=session_nonce,
        confirmed_at=Coalesce("confirmed_at", Value(now, output_field=DateTimeField())),
    )
    if not used:
        # Another request used the link a moment ago.
        raise ValidationError(_("This link has already been used, or a newer link has been sent since."), code="used")
    # The row still held the nonce read with it, so nothing changed it in between (each change replaces the nonce):
    # the values it holds now are known without reading it again.
    voter.link_nonce, voter.session_nonce = "", session_nonce
    voter.confirmed_at = voter.confirmed_at or now
    return voter


# Participatory budget: ballots


def _choices_check(cycle: Cycle, proposals: list[Proposal]) -> list[Proposal]:
    """Return the chosen proposals read afresh, or raise: eligible proposals of the cycle, within the envelope."""
    ids = {proposal.pk for proposal in proposals}
    if not ids:
        raise ValidationError(_("Choose at least one proposal."), code="empty_ballot")
    chosen = list(Proposal.objects.eligible().filter(cycle=cycle, pk__in=ids))
    if len(chosen) != len(ids):
        raise ValidationError(_("Only the eligible proposals of this cycle can be chosen."), code="not_eligible")
    total = sum((proposal.cost for proposal in chosen), Decimal("0"))
    if total > cycle.envelope:
        raise ValidationError(
            _(
                "Your choice costs %(total)s DH, more than the envelope of %(envelope)s DH. Remove a proposal so that "
                "the total stays within the envelope."
            ),
            code="over_envelope",
            params={"total": group_digits(total, 2), "envelope": group_digits(cycle.envelope, 2)},
        )
    return chosen


def _choices_replace(ballot: Ballot, proposals: list[Proposal], *, created: bool) -> None:
    if not created:
        ballot.choices.all().delete()
    BallotChoice.objects.bulk_create([BallotChoice(ballot=ballot, proposal=proposal) for proposal in proposals])


def _ballots_changed(cycle: Cycle) -> None:
    # Ballots are private models (BudgetsConfig): no page shows them until the results are public, and a vote must
    # not throw away every cached page. Once the results are public, their counts change: the version moves, inside
    # the transaction as for any change. A ballot accepted on the vote's last day may commit after midnight, when
    # the results have become public: the version then moves once it has committed.
    if cycle.results_visible_on(timezone.localdate()):
        cache.versions_move(cache.CONTENT)
        return

    def results_public_by_now() -> None:
        if cycle.results_visible_on(timezone.localdate()):
            cache.versions_bump(cache.CONTENT)

    transaction.on_commit(results_public_by_now, robust=True)


def ballot_cast(*, voter: Voter, proposals: list[Proposal]) -> Ballot:
    """Record a confirmed voter's ballot, or replace it with the new choice while the vote is open.

    Many people vote at once, and one person may send the form twice: the voter's row is locked for the
    transaction, so that one person's submissions follow each other, and the database keeps one ballot per
    voter and cycle (a unique constraint). Counts are never stored: they are counted from the choices.
    """
    with transaction.atomic():
        # The voter's row alone is locked; its cycle comes with it, read afresh.
        voter = (
            Voter.objects.select_for_update(of=("self",))
            .select_related("cycle")
            .prefetch_related("cycle__phases")
            .get(pk=voter.pk)
        )
        cycle = voter.cycle
        if voter.confirmed_at is None:
            raise ValidationError(_("Confirm your e-mail address before voting."), code="not_confirmed")
        if not cycle.accepts_votes:
            raise ValidationError(
                _("The vote is closed: ballots can no longer be cast or changed."), code="vote_closed"
            )
        chosen = _choices_check(cycle, proposals)
        now = timezone.now()
        ballot, created = Ballot.objects.get_or_create(
            cycle=cycle,
            voter=voter,
            defaults={"channel": Ballot.Channel.ONLINE, "created_at": now, "updated_at": now},
        )
        if not created:
            ballot.updated_at = now
            ballot.save(update_fields=["updated_at"])
        _choices_replace(ballot, chosen, created=created)
        _ballots_changed(cycle)
    return ballot


def ballot_record_paper(
    *, cycle: Cycle, reference: str, proposals: list[Proposal], acting_user: AbstractBaseUser
) -> Ballot:
    """Enter a paper ballot on the voter's behalf, from the vote's start until the results are published."""
    permission_require(acting_user, "budgets.add_ballot")
    reference = normalise(reference, multiline=False)
    if not reference:
        raise ValidationError(
            {"reference": ValidationError(_("Give the number of the paper ballot."), code="required")}
        )
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().prefetch_related("phases").get(pk=cycle.pk)
        if not cycle.accepts_paper_ballots_on(timezone.localdate()):
            raise ValidationError(
                _("Paper ballots are entered from the start of the vote until the results are published."),
                code="paper_closed",
            )
        chosen = _choices_check(cycle, proposals)
        if cycle.ballots.filter(channel=Ballot.Channel.PAPER, paper_reference=reference).exists():
            raise ValidationError(
                {
                    "reference": ValidationError(
                        _("The paper ballot %(number)s has already been entered."),
                        code="duplicate",
                        params={"number": reference},
                    )
                }
            )
        now = timezone.now()
        ballot = Ballot(
            cycle=cycle,
            channel=Ballot.Channel.PAPER,
            paper_reference=reference,
            recorded_by=acting_user,
            created_at=now,
            updated_at=now,
        )
        ballot.full_clean()
        ballot.save()
        _choices_replace(ballot, chosen, created=True)
        _ballots_changed(cycle)
        audit_log(acting_user, ballot, _("Paper ballot entered."))
    return ballot
