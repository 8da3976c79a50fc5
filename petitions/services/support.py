"""Non-binding online support: submitted, confirmed by a link sent by e-mail, counted exactly; and its purge."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from following.registry import target_key
from following.services import follow_confirmed_create
from moderation.models import Moderated
from openmun import cache
from openmun.mail import mail_after_commit, mail_context
from openmun.text import normalise
from openmun.tokens import nonce_new, token_make, token_read
from petitions.models import Petition, PetitionReport, Support
from petitions.services.steps import State
from programme.selectors import commune_signature

SUPPORT_TOKEN_SALT = "petitions.support.confirm"


def support_token_make(support: Support) -> str:
    """Return the signed, time-limited token of the one link that confirms a support as it was submitted."""
    return token_make(salt=SUPPORT_TOKEN_SALT, pk=support.pk, nonce=support.link_nonce)


def support_token_read(token: str) -> tuple[int, str]:
    """Return the support id and the link's nonce a token names; raise signing.SignatureExpired or BadSignature."""
    return token_read(salt=SUPPORT_TOKEN_SALT, token=token, max_age_hours=settings.OPENMUN_PETITION_CONFIRMATION_HOURS)


def support_submit(
    *,
    petition: Petition,
    name: str,
    relation: str,
    email: str,
    consent: bool,
    site_url: str,
    keep_informed: bool = False,
) -> Support:
    """Record a person's online support and e-mail the link that confirms it.

    The answer is the same whether or not the address already supports the petition, in what the visitor sees
    and in the work done (one e-mail to the address either way: a link to confirm, or a note that the address
    already supports it), so that nobody can find out who supports a petition, not even by timing the answer.
    An unconfirmed support takes what was typed this time, with a new link: the earlier links then confirm
    nothing, so that a link only ever confirms the name and relation submitted with it.
    """
    if petition.is_filed_on_paper:
        raise ValidationError(
            _("This petition was filed on paper: its signatures are on paper, not on this portal."),
            code="filed_on_paper",
        )
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
        keep_informed=keep_informed,
    )
    # The one-support-per-address rule is the database's: checked below, race included. The petition is the one
    # given: no query to check that it exists.
    support.full_clean(exclude=["petition"], validate_unique=False, validate_constraints=False)
    existing = petition.supports.filter(email__iexact=support.email).order_by().first()
    if existing is None:
        try:
            with transaction.atomic():
                support.save()
        except IntegrityError:
            # The same address, sent twice at the same moment: the other request recorded it.
            existing = petition.supports.get(email__iexact=support.email)
    if existing is not None:
        # Not confirmed yet: the person gives their support anew, with what they typed this time and a new link.
        # One conditional UPDATE, so that a confirmation at the same moment keeps what its own link named.
        nonce, now = nonce_new(), timezone.now()
        if Support.objects.filter(pk=existing.pk, confirmed_at__isnull=True).update(
            name=support.name,
            relation=support.relation,
            keep_informed=keep_informed,
            created_at=now,
            link_nonce=nonce,
        ):
            existing.name, existing.relation, existing.created_at = support.name, support.relation, now
            existing.keep_informed = keep_informed
            existing.link_nonce = nonce
        else:
            _support_known_send(existing, site_url=site_url)
            return existing
        support = existing
    _support_link_send(support, site_url=site_url)
    return support


def _support_mail_send(support: Support, *, template: str, subject: str, what: str, site_url: str, **extra) -> None:
    # The petition by its number and its page on the portal: never the name typed in the form nor the petition's
    # title, which a stranger may have written, since the address has not been confirmed yet. Signed by the commune
    # from the names the form's check has just read (commune_signature): no query of its own.
    context = {
        **mail_context(subject=subject, signature=commune_signature() or _("The commune")),
        "petition": support.petition,
        "petition_url": site_url + support.petition.get_absolute_url(),
        **extra,
    }
    mail_after_commit(
        subject=subject,
        body=render_to_string(f"petitions/email/{template}.txt", context),
        html=render_to_string(f"petitions/email/{template}.html", context),
        to=support.email,
        what=what,
    )


def _support_link_send(support: Support, *, site_url: str) -> None:
    path = reverse("petitions:support-confirm", kwargs={"token": support_token_make(support)})
    _support_mail_send(
        support,
        template="support_confirm",
        subject=_("Confirm your support for petition no. %(number)s") % {"number": support.petition_id},
        what=f"the confirmation link of support {support.pk}",
        site_url=site_url,
        confirm_url=site_url + path,
        hours=settings.OPENMUN_PETITION_CONFIRMATION_HOURS,
    )


def _support_known_send(support: Support, *, site_url: str) -> None:
    _support_mail_send(
        support,
        template="support_known",
        subject=_("Your support for petition no. %(number)s") % {"number": support.petition_id},
        what=f"the already-counted notice of support {support.pk}",
        site_url=site_url,
    )


def support_confirm(*, support: Support, nonce: str, language: str | None = None) -> bool:
    """Count a support once, through the link submitted with it; return False when that link no longer acts.

    A supporter who asked to be kept informed then follows the petition (following), in language: the address has
    just been confirmed by the same link, so the follow needs no second confirmation.

    The link acts once: the UPDATE that confirms the support also clears its nonce, and a later submission for
    the address has replaced it, so that a second use of a link, or a link older than the last submission,
    counts nothing and changes nothing. Hundreds of people may confirm at the same moment: the count is kept
    exact by database updates that each take the row's lock (a conditional UPDATE of the support, then an F()
    increment of the petition), never by reading a value in Python and writing it back.
    """
    if not nonce:
        return False
    now = timezone.now()
    with transaction.atomic():
        if not Support.objects.filter(pk=support.pk, confirmed_at__isnull=True, link_nonce=nonce).update(
            confirmed_at=now, link_nonce=""
        ):
            return False
        counted = Petition.objects.filter(
            pk=support.petition_id,
            state=State.PUBLISHED,
            status=Moderated.Status.PUBLISHED,
            channel=Petition.Channel.ONLINE,
        ).update(support_count=F("support_count") + 1)
        if not counted:
            # Undo the confirmation: the petition stopped gathering support since the link was sent.
            transaction.set_rollback(True)
            raise ValidationError(_("This petition no longer gathers support."), code="not_gathering_support")
        # update() sends no signal: the pages that show the count are rendered again, once per burst of supports.
        cache.counts_changed()
        if support.keep_informed:
            follow_confirmed_create(
                target=target_key("petition", support.petition_id),
                email=support.email,
                language=language or settings.LANGUAGE_CODE,
            )
    support.confirmed_at, support.link_nonce = now, ""
    return True


def petition_data_purge(*, today: datetime.date | None = None) -> dict[str, int]:
    """Erase supporters, the agent's contact and visitors' reports once a petition has been closed for the retention
    period.

    Unconfirmed supports whose link has expired are erased at once: they were never counted. The counts
    shown on the petition stay, since they are kept on the petition itself. Reports carry no name, but their note is
    free text a visitor may have filled with personal details: they go with the rest.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.OPENMUN_SUPPORTER_RETENTION_DAYS)
    expired = timezone.now() - datetime.timedelta(hours=settings.OPENMUN_PETITION_CONFIRMATION_HOURS)
    with transaction.atomic():
        closed = Petition.objects.closed_before(cutoff)
        supports, _detail = Support.objects.filter(petition__in=closed).delete()
        unconfirmed, _detail = Support.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
        contacts = closed.exclude(contact_email="", contact_phone="").update(contact_email="", contact_phone="")
        reports, _detail = PetitionReport.objects.filter(petition__in=closed).delete()
    return {"supports": supports, "unconfirmed": unconfirmed, "contacts": contacts, "reports": reports}
