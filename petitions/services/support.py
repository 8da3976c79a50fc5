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

from moderation.models import Moderated
from openmun import cache
from openmun.mail import mail_after_commit
from openmun.text import normalise
from openmun.tokens import token_make, token_read
from petitions.models import Petition, Support
from petitions.services.steps import State

SUPPORT_TOKEN_SALT = "petitions.support.confirm"


def support_token_make(support: Support) -> str:
    """Return the signed, time-limited token of the link that confirms a support."""
    return token_make(salt=SUPPORT_TOKEN_SALT, pk=support.pk)


def support_token_read(token: str) -> int:
    """Return the support id a token names; raise signing.SignatureExpired or signing.BadSignature."""
    return token_read(salt=SUPPORT_TOKEN_SALT, token=token, max_age_hours=settings.OPENMUN_PETITION_CONFIRMATION_HOURS)


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
    mail_after_commit(
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
        # update() sends no signal: the pages that show the count must be rendered again.
        cache.model_changed(Petition)
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
