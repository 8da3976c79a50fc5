"""The statutory procedure after publication: deposit, review, the bureau's decision, the council's deliberation."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from following.registry import target_key
from following.services import announce
from openmun.actions import permission_require
from openmun.text import normalise
from petitions.models import CouncilSession, Petition
from petitions.notices import agent_notice
from petitions.services.steps import (
    Action,
    State,
    date_check,
    event_add,
    petition_locked,
    transition_check,
    translations_set,
)


def _decision_date_check(petition: Petition, decided_on: datetime.date) -> None:
    """Refuse a bureau's decision dated in the future or before the review started (or the deposit)."""
    date_check(
        "decided_on",
        decided_on,
        not_before=petition.review_started_on or petition.deposited_on,
        not_before_label=_("the deposit"),
    )


def petition_deposit(
    *,
    petition: Petition,
    receipt_number: str,
    deposited_on: datetime.date,
    paper_signature_count: int | None = None,
    document: File | None = None,
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> Petition:
    """Record the deposit of the paper petition with the council president, against its receipt."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.DEPOSITED)
        date_check(
            "deposited_on", deposited_on, not_before=petition.published_on, not_before_label=_("the publication")
        )
        if petition.kind == Petition.Kind.CITIZENS and paper_signature_count is None:
            raise ValidationError(
                {
                    "paper_signature_count": ValidationError(
                        _("Give the number of valid signatures on the paper sheets."), code="signatures_required"
                    )
                }
            )
        petition.state = State.DEPOSITED
        petition.receipt_number = normalise(receipt_number, multiline=False)
        petition.deposited_on = deposited_on
        petition.paper_signature_count = paper_signature_count
        petition.full_clean()
        petition.save()
        event_add(petition, Action.DEPOSITED, deposited_on, acting_user=acting_user, document=document)
        agent_notice(petition, Action.DEPOSITED, site_url=site_url)
    return petition


def petition_review_start(
    *, petition: Petition, started_on: datetime.date, acting_user: AbstractBaseUser, site_url: str = ""
) -> Petition:
    """Record that the council's bureau has started checking the petition's conditions."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.UNDER_REVIEW)
        date_check("started_on", started_on, not_before=petition.deposited_on, not_before_label=_("the deposit"))
        petition.state = State.UNDER_REVIEW
        petition.review_started_on = started_on
        petition.full_clean()
        petition.save()
        event_add(petition, Action.REVIEW_STARTED, started_on, acting_user=acting_user)
        agent_notice(petition, Action.REVIEW_STARTED, site_url=site_url)
    return petition


def petition_accept(
    *,
    petition: Petition,
    decided_on: datetime.date,
    session: CouncilSession,
    committees: dict[str, str],
    notes: dict[str, str] | None = None,
    document: File | None = None,
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> Petition:
    """Record the bureau's acceptance: the petition goes on an ordinary session's agenda and to committees."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.ACCEPTED)
        _decision_date_check(petition, decided_on)
        if petition.kind == Petition.Kind.CITIZENS and (petition.paper_signature_count or 0) < (
            petition.signature_threshold or 0
        ):
            raise ValidationError(
                _(
                    "The procedure does not allow accepting this petition: it has %(count)s valid signatures and "
                    "needs %(threshold)s."
                ),
                code="threshold_not_met",
                params={"count": petition.paper_signature_count or 0, "threshold": petition.signature_threshold},
            )
        if session.kind != CouncilSession.Kind.ORDINARY or session.last_day < decided_on:
            raise ValidationError(
                {
                    "session": ValidationError(
                        _("An accepted petition goes on the agenda of an ordinary session still to come."),
                        code="session_not_upcoming_ordinary",
                    )
                }
            )
        if not any((committees or {}).values()):
            raise ValidationError(
                {
                    "committees": ValidationError(
                        _("Name the standing committee or committees the petition is referred to."),
                        code="committees_required",
                    )
                }
            )
        petition.state = State.ACCEPTED
        petition.decided_on = decided_on
        petition.session = session
        translations_set(petition, "committees", committees)
        petition.full_clean()
        petition.save()
        event_add(petition, Action.ACCEPTED, decided_on, acting_user=acting_user, notes=notes, document=document)
        agent_notice(petition, Action.ACCEPTED, site_url=site_url)
        # Its followers (and the supporters who asked to be kept informed) hear of it once this commits.
        announce(target=target_key("petition", petition.pk), event="accepted")
    return petition


def petition_refuse(
    *,
    petition: Petition,
    decided_on: datetime.date,
    reasons: dict[str, str],
    notified_on: datetime.date | None = None,
    document: File | None = None,
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> Petition:
    """Record the bureau's reasoned refusal and, when known, the day it was notified to the agent."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.REFUSED)
        _decision_date_check(petition, decided_on)
        if not any((reasons or {}).values()):
            raise ValidationError(
                {"refusal_reasons": ValidationError(_("A refusal states its reasons."), code="reasons_required")}
            )
        petition.state = State.REFUSED
        petition.decided_on = decided_on
        petition.closed_on = decided_on
        translations_set(petition, "refusal_reasons", reasons)
        petition.full_clean()
        petition.save()
        event_add(petition, Action.REFUSED, decided_on, acting_user=acting_user, document=document)
        agent_notice(petition, Action.REFUSED, site_url=site_url)
        # Its followers (and the supporters who asked to be kept informed) hear of it once this commits.
        announce(target=target_key("petition", petition.pk), event="refused")
    if notified_on:
        petition = petition_refusal_notify(petition=petition, notified_on=notified_on, acting_user=acting_user)
    return petition


def petition_refusal_notify(
    *, petition: Petition, notified_on: datetime.date, document: File | None = None, acting_user: AbstractBaseUser
) -> Petition:
    """Record the day the president notified the refusal to the agent (due within three months of deposit)."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        if petition.state != State.REFUSED or petition.refusal_notified_on:
            raise ValidationError(_("Only a refusal not yet notified can be notified."), code="not_refused")
        date_check("notified_on", notified_on, not_before=petition.decided_on, not_before_label=_("the decision"))
        petition.refusal_notified_on = notified_on
        petition.full_clean()
        petition.save(update_fields=["refusal_notified_on"])
        event_add(petition, Action.REFUSAL_NOTIFIED, notified_on, acting_user=acting_user, document=document)
    return petition


def petition_deliberate(
    *,
    petition: Petition,
    deliberated_on: datetime.date,
    outcome: str,
    decision_reference: str,
    summaries: dict[str, str] | None = None,
    document: File | None = None,
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> Petition:
    """Record the council's deliberation on an accepted petition: its outcome and its decision."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.DELIBERATED)
        date_check(
            "deliberated_on",
            deliberated_on,
            not_before=petition.decided_on,
            not_before_label=_("the bureau's decision"),
        )
        if not decision_reference.strip():
            raise ValidationError(
                {
                    "decision_reference": ValidationError(
                        _("Give the reference of the council's decision."), code="reference_required"
                    )
                }
            )
        petition.state = State.DELIBERATED
        petition.deliberated_on = deliberated_on
        petition.outcome = outcome
        petition.decision_reference = normalise(decision_reference, multiline=False)
        petition.closed_on = deliberated_on
        translations_set(petition, "decision_summary", summaries)
        petition.full_clean()
        petition.save()
        event_add(petition, Action.DELIBERATED, deliberated_on, acting_user=acting_user, document=document)
        agent_notice(petition, Action.DELIBERATED, site_url=site_url)
        # Its followers (and the supporters who asked to be kept informed) hear of it once this commits.
        announce(target=target_key("petition", petition.pk), event="deliberated")
    return petition


def petition_withdraw(
    *,
    petition: Petition,
    withdrawn_on: datetime.date,
    notes: dict[str, str] | None = None,
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> Petition:
    """Record that the agent or the association withdrew the petition."""
    permission_require(acting_user, "petitions.decide_petition")
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.WITHDRAWN)
        date_check(
            "withdrawn_on",
            withdrawn_on,
            not_before=timezone.localdate(petition.created_at),
            not_before_label=_("the submission"),
        )
        petition.state = State.WITHDRAWN
        petition.closed_on = withdrawn_on
        petition.full_clean()
        petition.save(update_fields=["state", "closed_on"])
        event_add(petition, Action.WITHDRAWN, withdrawn_on, acting_user=acting_user, notes=notes)
        agent_notice(petition, Action.WITHDRAWN, site_url=site_url)
        # A petition withdrawn after its publication had followers: they hear that nothing more will come.
        if petition.published_on:
            announce(target=target_key("petition", petition.pk), event="withdrawn")
    return petition
