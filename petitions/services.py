"""Writes of the petition procedure, of online support and of council sessions: the only code that changes them.

The procedure follows Organic Law 113-14, articles 121 to 125, and decree 2.16.403. Each step checks that
the procedure allows it from the petition's current state (TRANSITIONS), locks the petition row so that two
staff members cannot record conflicting steps at once, and records the step on the public timeline.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.models import Moderated
from consultations.services import item_moderate
from openmun import antiabuse
from openmun.text import normalise
from petitions.models import CouncilSession, Petition, PetitionEvent, Support
from petitions.selectors import signature_threshold_get

logger = logging.getLogger(__name__)

State = Petition.State
Action = PetitionEvent.Action

# The steps the procedure allows from each state; the other states are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.SUBMITTED: (State.PUBLISHED, State.NOT_ADMITTED, State.WITHDRAWN),
    State.PUBLISHED: (State.DEPOSITED, State.WITHDRAWN),
    State.DEPOSITED: (State.UNDER_REVIEW, State.WITHDRAWN),
    State.UNDER_REVIEW: (State.ACCEPTED, State.REFUSED, State.WITHDRAWN),
    State.ACCEPTED: (State.DELIBERATED, State.WITHDRAWN),
}
SUPPORT_TOKEN_SALT = "petitions.support.confirm"
ORDINARY_SESSION_MONTHS = (2, 5, 10)


def allowed_next_states(petition: Petition) -> tuple[str, ...]:
    """Return the states the procedure allows the petition to move to now."""
    return TRANSITIONS.get(petition.state, ())


def _transition_check(petition: Petition, target: str) -> None:
    allowed = allowed_next_states(petition)
    if target in allowed:
        return
    if not allowed:
        raise ValidationError(
            _("The procedure of this petition has ended (“%(state)s”): no further step can be recorded."),
            code="procedure_ended",
            params={"state": petition.get_state_display()},
        )
    # Translators: separates the items of a list, as in “deposited, withdrawn”.
    separator = pgettext("list separator", ", ")
    raise ValidationError(
        _(
            "The procedure does not allow this step: the petition is “%(state)s”; the next step can only be: "
            "%(allowed)s."
        ),
        code="transition_forbidden",
        params={
            "state": petition.get_state_display(),
            "allowed": separator.join(str(State(state).label) for state in allowed),
        },
    )


def _require(user: AbstractBaseUser, codename: str) -> None:
    if not user.has_perm(f"petitions.{codename}"):
        raise PermissionDenied(codename)


def _locked(petition: Petition) -> Petition:
    # Inside transaction.atomic: later steps on the same petition wait for this one to commit.
    return Petition.objects.select_for_update().get(pk=petition.pk)


def _date_check(
    field: str, day: datetime.date, *, not_before: datetime.date | None = None, not_before_label: str = ""
) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: ValidationError(_("This date is in the future."), code="future_date")})
    if not_before and day < not_before:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This date cannot be before %(step)s (%(date)s)."),
                    code="date_order",
                    params={"step": not_before_label, "date": date_format(not_before)},
                )
            }
        )


def _event_add(
    petition: Petition,
    action: str,
    day: datetime.date,
    *,
    acting_user: AbstractBaseUser | None,
    notes: dict[str, str] | None = None,
    document: File | None = None,
) -> PetitionEvent:
    event = PetitionEvent(petition=petition, action=action, date=day, acting_user=acting_user)
    for code, _name in settings.LANGUAGES:
        setattr(event, f"note_{code}", normalise((notes or {}).get(code, "")))
    if document:
        event.document = document
    event.full_clean()
    event.save()
    return event


def _translations_set(obj, field: str, values: dict[str, str] | None) -> None:
    for code, _name in settings.LANGUAGES:
        setattr(obj, f"{field}_{code}", normalise((values or {}).get(code, "")))


def _mail_after_commit(*, subject: str, body: str, to: str, what: str) -> None:
    def send() -> None:
        try:
            send_mail(subject, body, None, [to])
        except Exception:
            # Never the address: it is personal data, and logs travel further than the database.
            logger.exception("Could not send %s.", what)

    transaction.on_commit(send)


# Submission and pre-check


def petition_submit(
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
    site_url: str = "",
) -> Petition:
    """Record a petition submitted online; it stays private until staff have pre-checked it."""
    today = timezone.localdate()
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
        _event_add(petition, Action.SUBMITTED, today, acting_user=None)
        if petition.contact_email:
            body = render_to_string(
                "petitions/email/petition_submitted.txt", {"petition": petition, "site_url": site_url}
            )
            _mail_after_commit(
                subject=_("Your petition has been received"),
                body=body,
                to=petition.contact_email,
                what=f"the acknowledgement of petition {petition.pk}",
            )
    return petition


def petition_publish(
    *, petition: Petition, acting_user: AbstractBaseUser, notes: dict[str, str] | None = None, site_url: str = ""
) -> Petition:
    """Publish a pre-checked petition so that it gathers support; the pre-check is a moderation decision."""
    _require(acting_user, "decide_petition")
    today = timezone.localdate()
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.PUBLISHED)
        petition = item_moderate(item=petition, decision=Moderated.Status.PUBLISHED, acting_user=acting_user)
        petition.state = State.PUBLISHED
        petition.published_on = today
        petition.full_clean()
        petition.save(update_fields=["state", "published_on"])
        _event_add(petition, Action.PUBLISHED, today, acting_user=acting_user, notes=notes)
        if petition.contact_email:
            with translation.override(petition.language):
                body = render_to_string(
                    "petitions/email/petition_published.txt", {"petition": petition, "site_url": site_url}
                )
                subject = _("Your petition is published")
            _mail_after_commit(
                subject=subject,
                body=body,
                to=petition.contact_email,
                what=f"the publication notice of petition {petition.pk}",
            )
    return petition


def petition_not_admit(
    *, petition: Petition, reason: str, acting_user: AbstractBaseUser, site_url: str = ""
) -> Petition:
    """Refuse to publish a submitted petition, with the reason given to its authors; it stays private."""
    _require(acting_user, "decide_petition")
    today = timezone.localdate()
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.NOT_ADMITTED)
        petition = item_moderate(
            item=petition, decision=Moderated.Status.HIDDEN, reason=reason, acting_user=acting_user
        )
        petition.state = State.NOT_ADMITTED
        petition.closed_on = today
        petition.save(update_fields=["state", "closed_on"])
        _event_add(petition, Action.NOT_ADMITTED, today, acting_user=acting_user)
        if petition.contact_email:
            with translation.override(petition.language):
                body = render_to_string(
                    "petitions/email/petition_not_admitted.txt",
                    {"petition": petition, "reason": petition.moderation_reason, "site_url": site_url},
                )
                subject = _("Your petition has not been published")
            _mail_after_commit(
                subject=subject,
                body=body,
                to=petition.contact_email,
                what=f"the pre-check answer of petition {petition.pk}",
            )
    return petition


# The statutory procedure


def petition_deposit(
    *,
    petition: Petition,
    receipt_number: str,
    deposited_on: datetime.date,
    paper_signature_count: int | None = None,
    document: File | None = None,
    acting_user: AbstractBaseUser,
) -> Petition:
    """Record the deposit of the paper petition with the council president, against its receipt."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.DEPOSITED)
        _date_check(
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
        _event_add(petition, Action.DEPOSITED, deposited_on, acting_user=acting_user, document=document)
    return petition


def petition_review_start(*, petition: Petition, started_on: datetime.date, acting_user: AbstractBaseUser) -> Petition:
    """Record that the council's bureau has started checking the petition's conditions."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.UNDER_REVIEW)
        _date_check("started_on", started_on, not_before=petition.deposited_on, not_before_label=_("the deposit"))
        petition.state = State.UNDER_REVIEW
        petition.review_started_on = started_on
        petition.full_clean()
        petition.save()
        _event_add(petition, Action.REVIEW_STARTED, started_on, acting_user=acting_user)
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
) -> Petition:
    """Record the bureau's acceptance: the petition goes on an ordinary session's agenda and to committees."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.ACCEPTED)
        _date_check(
            "decided_on",
            decided_on,
            not_before=petition.review_started_on or petition.deposited_on,
            not_before_label=_("the deposit"),
        )
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
        _translations_set(petition, "committees", committees)
        petition.full_clean()
        petition.save()
        _event_add(petition, Action.ACCEPTED, decided_on, acting_user=acting_user, notes=notes, document=document)
    return petition


def petition_refuse(
    *,
    petition: Petition,
    decided_on: datetime.date,
    reasons: dict[str, str],
    notified_on: datetime.date | None = None,
    document: File | None = None,
    acting_user: AbstractBaseUser,
) -> Petition:
    """Record the bureau's reasoned refusal and, when known, the day it was notified to the agent."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.REFUSED)
        _date_check(
            "decided_on",
            decided_on,
            not_before=petition.review_started_on or petition.deposited_on,
            not_before_label=_("the deposit"),
        )
        if not any((reasons or {}).values()):
            raise ValidationError(
                {"refusal_reasons": ValidationError(_("A refusal states its reasons."), code="reasons_required")}
            )
        petition.state = State.REFUSED
        petition.decided_on = decided_on
        petition.closed_on = decided_on
        _translations_set(petition, "refusal_reasons", reasons)
        petition.full_clean()
        petition.save()
        _event_add(petition, Action.REFUSED, decided_on, acting_user=acting_user, document=document)
    if notified_on:
        petition = petition_refusal_notify(petition=petition, notified_on=notified_on, acting_user=acting_user)
    return petition


def petition_refusal_notify(
    *, petition: Petition, notified_on: datetime.date, document: File | None = None, acting_user: AbstractBaseUser
) -> Petition:
    """Record the day the president notified the refusal to the agent (due within three months of deposit)."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        if petition.state != State.REFUSED or petition.refusal_notified_on:
            raise ValidationError(_("Only a refusal not yet notified can be notified."), code="not_refused")
        _date_check("notified_on", notified_on, not_before=petition.decided_on, not_before_label=_("the decision"))
        petition.refusal_notified_on = notified_on
        petition.full_clean()
        petition.save(update_fields=["refusal_notified_on"])
        _event_add(petition, Action.REFUSAL_NOTIFIED, notified_on, acting_user=acting_user, document=document)
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
) -> Petition:
    """Record the council's deliberation on an accepted petition: its outcome and its decision."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.DELIBERATED)
        _date_check(
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
        _translations_set(petition, "decision_summary", summaries)
        petition.full_clean()
        petition.save()
        _event_add(petition, Action.DELIBERATED, deliberated_on, acting_user=acting_user, document=document)
    return petition


def petition_withdraw(
    *,
    petition: Petition,
    withdrawn_on: datetime.date,
    notes: dict[str, str] | None = None,
    acting_user: AbstractBaseUser,
) -> Petition:
    """Record that the agent or the association withdrew the petition."""
    _require(acting_user, "decide_petition")
    with transaction.atomic():
        petition = _locked(petition)
        _transition_check(petition, State.WITHDRAWN)
        _date_check(
            "withdrawn_on",
            withdrawn_on,
            not_before=timezone.localdate(petition.created_at),
            not_before_label=_("the submission"),
        )
        petition.state = State.WITHDRAWN
        petition.closed_on = withdrawn_on
        petition.full_clean()
        petition.save(update_fields=["state", "closed_on"])
        _event_add(petition, Action.WITHDRAWN, withdrawn_on, acting_user=acting_user, notes=notes)
    return petition


# Online support


def support_token_make(support: Support) -> str:
    """Return the signed, time-limited token of the link that confirms a support."""
    return signing.TimestampSigner(salt=SUPPORT_TOKEN_SALT).sign(str(support.pk))


def support_token_read(token: str) -> int:
    """Return the support id a token names; raise signing.SignatureExpired or signing.BadSignature."""
    max_age = settings.OPENMUN_PETITION_CONFIRMATION_HOURS * 3600
    return int(signing.TimestampSigner(salt=SUPPORT_TOKEN_SALT).unsign(token, max_age=max_age))


def support_submit(
    *,
    petition: Petition,
    name: str,
    relation: str,
    email: str,
    consent: bool,
    site_url: str,
) -> Support:
    """Record a person's online support and e-mail the link that confirms it.

    The answer is the same whether or not the address has supported before, so that nobody can find out
    who supports a petition: an unconfirmed support gets a new link, a confirmed one nothing.
    """
    if not petition.is_gathering_support:
        raise ValidationError(_("This petition no longer gathers support."), code="not_gathering_support")
    if not consent:
        raise ValidationError(
            {"consent": ValidationError(_("Support is recorded only with your consent."), code="consent_required")}
        )
    support = Support(
        petition=petition,
        name=normalise(name, multiline=False),
        relation=relation,
        email=email.strip().lower(),
        consent=True,
    )
    # The one-support-per-address rule is the database's: checked below, race included.
    support.full_clean(validate_unique=False, validate_constraints=False)
    existing = petition.supports.filter(email__iexact=support.email).first()
    if existing is None:
        try:
            with transaction.atomic():
                support.save()
        except IntegrityError:
            # The same address, sent twice at the same moment: the other request recorded it.
            existing = petition.supports.get(email__iexact=support.email)
    if existing is not None:
        if existing.confirmed_at is not None:
            return existing
        # Not confirmed yet: the person gives their support anew, with what they typed this time.
        existing.name, existing.relation, existing.created_at = support.name, support.relation, timezone.now()
        existing.save(update_fields=["name", "relation", "created_at"])
        support = existing
    _support_link_send(support, site_url=site_url)
    return support


def _support_link_send(support: Support, *, site_url: str) -> None:
    path = reverse("petitions:support-confirm", kwargs={"token": support_token_make(support)})
    context = {
        "support": support,
        "petition": support.petition,
        "confirm_url": site_url + path,
        "hours": settings.OPENMUN_PETITION_CONFIRMATION_HOURS,
    }
    body = render_to_string("petitions/email/support_confirm.txt", context)
    subject = _("Confirm your support for the petition “%(title)s”") % {"title": support.petition.title[:80]}
    _mail_after_commit(
        subject=subject, body=body, to=support.email, what=f"the confirmation link of support {support.pk}"
    )


def support_confirm(*, support: Support) -> bool:
    """Count a support once, when its link is confirmed; return False when it had already been counted.

    Hundreds of people may confirm at the same moment: the count is kept exact by database updates that
    each take the row's lock (a conditional UPDATE of the support, then an F() increment of the petition),
    never by reading a value in Python and writing it back.
    """
    now = timezone.now()
    with transaction.atomic():
        if not Support.objects.filter(pk=support.pk, confirmed_at__isnull=True).update(confirmed_at=now):
            return False
        counted = Petition.objects.filter(
            pk=support.petition_id,
            state=State.PUBLISHED,
            status=Moderated.Status.PUBLISHED,
        ).update(support_count=F("support_count") + 1)
        if not counted:
            # Undo the confirmation: the petition stopped gathering support since the link was sent.
            transaction.set_rollback(True)
            raise ValidationError(_("This petition no longer gathers support."), code="not_gathering_support")
    support.confirmed_at = now
    return True


def petition_data_purge(*, today: datetime.date | None = None) -> dict[str, int]:
    """Erase supporters and the agent's contact once a petition has been closed for the retention period.

    Unconfirmed supports whose link has expired are erased at once: they were never counted. The counts
    shown on the petition stay, since they are kept on the petition itself.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.OPENMUN_SUPPORTER_RETENTION_DAYS)
    expired = timezone.now() - datetime.timedelta(hours=settings.OPENMUN_PETITION_CONFIRMATION_HOURS)
    with transaction.atomic():
        closed = Petition.objects.closed_before(cutoff)
        supports, _detail = Support.objects.filter(petition__in=closed).delete()
        unconfirmed, _detail = Support.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
        contacts = closed.exclude(contact_email="", contact_phone="").update(contact_email="", contact_phone="")
    return {"supports": supports, "unconfirmed": unconfirmed, "contacts": contacts}


# Council sessions


def council_sessions_generate(*, year: int) -> list[CouncilSession]:
    """Create the year's three ordinary sessions (first week of February, May and October) that are missing."""
    titles = {
        # Translators: the title of a council session; the month is part of the text for French elision.
        2: lambda: _("Ordinary session of February %(year)s") % {"year": year},
        5: lambda: _("Ordinary session of May %(year)s") % {"year": year},
        10: lambda: _("Ordinary session of October %(year)s") % {"year": year},
    }
    created = []
    with transaction.atomic():
        for month in ORDINARY_SESSION_MONTHS:
            period_start = datetime.date(year, month, 1)
            if CouncilSession.objects.filter(kind=CouncilSession.Kind.ORDINARY, period_start=period_start).exists():
                continue
            session = CouncilSession(
                kind=CouncilSession.Kind.ORDINARY,
                slug=f"{year}-{month:02d}-ordinary",
                period_start=period_start,
                period_end=datetime.date(year, month, 7),
            )
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    setattr(session, f"title_{code}", titles[month]())
            session.full_clean()
            session.save()
            created.append(session)
    return created
