"""Submission of a petition online and its pre-check by staff, before it is published."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moderation.models import Moderated
from moderation.services import item_moderate
from openmun import antiabuse
from openmun.actions import audit_log, permission_require
from openmun.text import normalise
from petitions.models import Petition
from petitions.notices import pre_check_notice
from petitions.selectors import signature_threshold_get
from petitions.services.steps import Action, State, event_add, petition_locked, transition_check


def petition_prepare(
    *,
    kind: str,
    title: str,
    request: str,
    reasons: str,
    domain: str,
    contact_email: str,
    contact_phone: str = "",
    agent_name: str = "",
    association_name: str = "",
    association_founded_on: datetime.date | None = None,
    association_seat: str = "",
    association_representative: str = "",
    language: str | None = None,
) -> Petition:
    """Return a new petition, not saved, with its threshold, checked against the rules of the law."""
    petition = Petition(
        kind=kind,
        title=normalise(title, multiline=False),
        request=normalise(request),
        reasons=normalise(reasons),
        domain=domain,
        language=language or translation.get_language(),
        contact_email=contact_email.strip(),
        contact_phone=normalise(contact_phone, multiline=False),
        status=Moderated.Status.PENDING,
        state=State.SUBMITTED,
    )
    if kind == Petition.Kind.CITIZENS:
        petition.agent_name = normalise(agent_name, multiline=False)
        petition.signature_threshold = signature_threshold_get()
    else:
        petition.association_name = normalise(association_name, multiline=False)
        petition.association_founded_on = association_founded_on
        petition.association_seat = normalise(association_seat, multiline=False)
        petition.association_representative = normalise(association_representative, multiline=False)
    petition.fingerprint = antiabuse.text_fingerprint(petition.title, petition.request)
    petition.full_clean()
    return petition


def petition_file(petition: Petition, *, acting_user: AbstractBaseUser | None, site_url: str = "") -> Petition:
    """Save a prepared petition once, record its submission on its timeline and acknowledge it by e-mail."""
    with transaction.atomic():
        # The database remembers every petition; the cache claim closes the race between two identical posts.
        if Petition.objects.filter(fingerprint=petition.fingerprint).exists() or not antiabuse.submission_claim(
            "petition", petition.fingerprint
        ):
            raise ValidationError(
                _("The same petition has already been submitted. There is no need to send it again."),
                code="duplicate",
            )
        petition.save()
        event_add(petition, Action.SUBMITTED, timezone.localdate(), acting_user=acting_user)
        pre_check_notice(petition, site_url=site_url)
    return petition


def petition_submit(*, site_url: str = "", **fields) -> Petition:
    """Record a petition submitted online; it stays private until staff have pre-checked it.

    Takes the keyword arguments of petition_prepare.
    """
    return petition_file(petition_prepare(**fields), acting_user=None, site_url=site_url)


def petition_record_paper(*, acting_user: AbstractBaseUser, site_url: str = "", **fields) -> Petition:
    """Record a petition filed on paper at the commune; it is checked and pre-checked like one submitted online.

    Takes the keyword arguments of petition_prepare.
    """
    permission_require(acting_user, "petitions.add_petition")
    petition = petition_prepare(**fields)
    petition.channel = Petition.Channel.PAPER
    petition.recorded_by = acting_user
    petition.full_clean()
    with transaction.atomic():
        petition_file(petition, acting_user=acting_user, site_url=site_url)
        audit_log(acting_user, petition, _("Recorded a petition filed on paper."))
    return petition


def petition_publish(
    *, petition: Petition, acting_user: AbstractBaseUser, notes: dict[str, str] | None = None, site_url: str = ""
) -> Petition:
    """Publish a pre-checked petition so that it gathers support; the pre-check is a moderation decision."""
    permission_require(acting_user, "petitions.decide_petition")
    today = timezone.localdate()
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.PUBLISHED)
        petition = item_moderate(item=petition, decision=Moderated.Status.PUBLISHED, acting_user=acting_user)
        petition.state = State.PUBLISHED
        petition.published_on = today
        petition.full_clean()
        petition.save(update_fields=["state", "published_on"])
        event_add(petition, Action.PUBLISHED, today, acting_user=acting_user, notes=notes)
        pre_check_notice(petition, site_url=site_url)
    return petition


def petition_not_admit(
    *, petition: Petition, reason: str, acting_user: AbstractBaseUser, site_url: str = ""
) -> Petition:
    """Refuse to publish a submitted petition, with the reason given to its authors; it stays private."""
    permission_require(acting_user, "petitions.decide_petition")
    today = timezone.localdate()
    with transaction.atomic():
        petition = petition_locked(petition)
        transition_check(petition, State.NOT_ADMITTED)
        petition = item_moderate(
            item=petition, decision=Moderated.Status.HIDDEN, reason=reason, acting_user=acting_user
        )
        petition.state = State.NOT_ADMITTED
        petition.closed_on = today
        petition.save(update_fields=["state", "closed_on"])
        event_add(petition, Action.NOT_ADMITTED, today, acting_user=acting_user)
        pre_check_notice(petition, site_url=site_url)
    return petition
