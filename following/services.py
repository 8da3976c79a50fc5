"""Follow a page without an account: asked, confirmed by e-mail, told the news, stopped in one click.

Nobody learns from the portal who follows what: the answer to a request is the same whatever the address, and one
e-mail goes to the address either way (a link to confirm, or a note that it already follows the page). Every message
carries one-click unsubscribe (RFC 8058) and a link that stops every follow of the address.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from following.models import Follow, News
from following.registry import OPENING_SOURCES, Followed, event_sentence, target_resolve
from openmun.cache import counts_changed
from openmun.mail import mail_after_commit, mail_context
from openmun.tokens import nonce_new, token_make, token_read
from transparency.registry import registry as transparency_registry

FOLLOW_TOKEN_SALT = "following.follow.confirm"


def follow_token_make(follow: Follow) -> str:
    """Return the signed, time-limited token of the one link that confirms a follow."""
    return token_make(salt=FOLLOW_TOKEN_SALT, pk=follow.pk, nonce=follow.link_nonce)


def follow_token_read(token: str) -> tuple[int, str]:
    """Return the follow id and the link's nonce a token names; raise signing.SignatureExpired or BadSignature."""
    return token_read(salt=FOLLOW_TOKEN_SALT, token=token, max_age_hours=settings.OPENMUN_FOLLOW_CONFIRMATION_HOURS)


def _site_url(site_url: str | None) -> str:
    return (site_url or settings.OPENMUN_SITE_URL).rstrip("/")


def _translated(follow: Follow, function, *args, **kwargs):
    with translation.override(follow.language):
        return function(*args, **kwargs)


def follow_request(
    *, target: str, email: str, frequency: str, language: str, consent: bool, site_url: str | None = None
) -> None:
    """Record a request to follow a target and e-mail the link that confirms it; the same answer for any address."""
    if target_resolve(target) is None:
        raise ValidationError(_("This page cannot be followed."), code="unknown_target")
    if not consent:
        raise ValidationError(
            {"consent": ValidationError(_("We can send you news only with your consent."), code="consent_required")}
        )
    follow = Follow(target=target, email=email.strip().lower(), frequency=frequency, language=language)
    follow.full_clean(validate_unique=False, validate_constraints=False)
    existing = Follow.objects.filter(target=target, email__iexact=follow.email).first()
    if existing is None:
        try:
            with transaction.atomic():
                follow.save()
        except IntegrityError:
            # The same address, sent twice at the same moment: the other request recorded it.
            existing = Follow.objects.get(target=target, email__iexact=follow.email)
    if existing is not None:
        # Not confirmed yet: asked anew, with this time's choices and a new link that retires the older ones.
        nonce, now = nonce_new(), timezone.now()
        if Follow.objects.filter(pk=existing.pk, confirmed_at__isnull=True).update(
            frequency=frequency, language=language, created_at=now, link_nonce=nonce
        ):
            existing.frequency, existing.language, existing.created_at, existing.link_nonce = (
                frequency,
                language,
                now,
                nonce,
            )
        else:
            # Confirmed already: a note, not a change, since whoever typed the address may not own it.
            _translated(existing, _mail, existing, "known", site_url=_site_url(site_url))
            return
        follow = existing
    _translated(follow, _mail, follow, "confirm", site_url=_site_url(site_url))


def _followers_changed() -> None:
    # Pages show how many confirmed addresses follow them: the cached pages are rendered anew (once per burst).
    # following is not a portal app (openmun/apps.py), so that a request that anyone may send moves no version; a
    # confirmation does.
    counts_changed()


def follow_confirm(*, follow: Follow, nonce: str) -> bool:
    """Confirm a follow through its link, once; return False when that link no longer acts."""
    if not nonce:
        return False
    now = timezone.now()
    if not Follow.objects.filter(pk=follow.pk, confirmed_at__isnull=True, link_nonce=nonce).update(
        confirmed_at=now, link_nonce=""
    ):
        return False
    follow.confirmed_at, follow.link_nonce = now, ""
    _followers_changed()
    return True


def follow_confirmed_create(*, target: str, email: str, language: str) -> Follow:
    """Make an address already confirmed elsewhere (a supporter who asked to be kept informed) follow a target."""
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        follow = Follow.objects.filter(target=target, email__iexact=email).first()
        if follow is None:
            follow = Follow(target=target, email=email, language=language, confirmed_at=now, link_nonce="")
            follow.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    follow.save()
            except IntegrityError:
                follow = Follow.objects.get(target=target, email__iexact=email)
            else:
                _followers_changed()
        if follow.confirmed_at is None:
            Follow.objects.filter(pk=follow.pk).update(confirmed_at=now, link_nonce="")
            follow.confirmed_at, follow.link_nonce = now, ""
            _followers_changed()
    return follow


def follow_unsubscribe(*, key: str) -> bool:
    """Stop one follow, named by the key of its links; return whether there was one."""
    if not key:
        return False
    deleted, _detail = Follow.objects.filter(key=key).delete()
    if deleted:
        _followers_changed()
    return bool(deleted)


def follow_stop_all(*, key: str) -> int:
    """Stop every follow of the address whose follow the key names; return how many were stopped."""
    follow = Follow.objects.filter(key=key).only("email").first() if key else None
    if follow is None:
        return 0
    deleted, _detail = Follow.objects.filter(email__iexact=follow.email).delete()
    if deleted:
        _followers_changed()
    return deleted


def announce(*, target: str, event: str, reference: str = "", site_url: str | None = None) -> bool:
    """Tell the confirmed followers of a target about an event: one e-mail each now, or in the weekly summary.

    Called by a feature app's service inside its transaction: the messages are queued only once it commits. With a
    reference, the event is announced once only, however often it is seen; return whether it was announced.
    """
    event_sentence(target, event)  # An unregistered event is a programming error: fail in the tests.
    try:
        with transaction.atomic():
            News.objects.create(target=target, event=event, reference=reference)
    except IntegrityError:
        return False
    site = _site_url(site_url)
    followers = Follow.objects.confirmed().filter(target=target, frequency=Follow.Frequency.IMMEDIATE)
    for follow in followers.only("pk", "email", "language", "target", "key"):
        _translated(follow, _mail, follow, "news", site_url=site, events=[event])
    return True


def openings_announce(*, day: datetime.date | None = None, site_url: str | None = None) -> int:
    """Announce, once each, what the registered sources say opens on day (or opened in the week before it)."""
    day = day or timezone.localdate()
    announced = 0
    with transaction.atomic():
        for source in OPENING_SOURCES:
            for target, event, reference in source(day):
                announced += announce(target=target, event=event, reference=reference, site_url=site_url)
    return announced


def follow_digests_send(*, now: datetime.datetime | None = None, site_url: str | None = None) -> int:
    """Send each weekly follower one summary of the news of its target since the last one; return how many."""
    now = now or timezone.now()
    site = _site_url(site_url)
    follows = list(Follow.objects.confirmed().filter(frequency=Follow.Frequency.WEEKLY).order_by("pk"))
    news = defaultdict(list)
    since = min((follow.digest_sent_at or follow.confirmed_at for follow in follows), default=now)
    for item in News.objects.filter(target__in={f.target for f in follows}, created_at__gt=since, created_at__lte=now):
        news[item.target].append(item)
    sent = 0
    with transaction.atomic():
        for follow in follows:
            start = follow.digest_sent_at or follow.confirmed_at
            events = [item.event for item in news[follow.target] if item.created_at > start]
            if not events:
                continue
            _translated(follow, _mail, follow, "digest", site_url=site, events=events)
            Follow.objects.filter(pk=follow.pk).update(digest_sent_at=now)
            sent += 1
    return sent


def follow_data_purge(*, before: datetime.datetime | None = None) -> dict[str, int]:
    """Erase the follows never confirmed once their link has expired, and news older than a summary can need."""
    expired = timezone.now() - datetime.timedelta(hours=settings.OPENMUN_FOLLOW_CONFIRMATION_HOURS)
    with transaction.atomic():
        unconfirmed, _detail = Follow.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
        old = timezone.now() - datetime.timedelta(days=30)
        news, _detail = News.objects.filter(created_at__lt=old).delete()
    return {"unconfirmed follow": unconfirmed, "news": news}


def _mail(follow: Follow, kind: str, *, site_url: str, events: list[str] | None = None) -> None:
    """Queue one message to a follower, in the follower's language (the caller activates it)."""
    followed = target_resolve(follow.target) or Followed(title="", path="/")
    context = {
        "commune": transparency_registry.site_name(),
        "title": followed.title,
        "page_url": site_url + followed.path,
        # A sentence once, however many times its event happened since the last message (two progress updates in a
        # week): the page it links to tells the rest.
        "events": list(
            dict.fromkeys(event_sentence(follow.target, event) % {"title": followed.title} for event in events or [])
        ),
        "unsubscribe_url": site_url + reverse("following:unsubscribe", kwargs={"key": follow.key}),
        "stop_url": site_url + reverse("following:stop", kwargs={"key": follow.key}),
        "hours": settings.OPENMUN_FOLLOW_CONFIRMATION_HOURS,
    }
    headers = {}
    if kind == "confirm":
        context["confirm_url"] = site_url + reverse("following:confirm", kwargs={"token": follow_token_make(follow)})
        subject = _("Confirm that you want to follow this page")
    elif kind == "known":
        subject = _("You already follow this page")
    else:
        subject = (_("News: %(title)s") if kind == "news" else _("This week's news: %(title)s")) % {
            "title": followed.title
        }
        # RFC 8058: the mail client offers its own unsubscribe button, which POSTs to this address.
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    context["kind"] = kind
    context.update(mail_context(subject=subject, signature=context["commune"] or _("The commune")))
    mail_after_commit(
        subject=subject,
        body=render_to_string("following/email/message.txt", context),
        html=render_to_string("following/email/message.html", context),
        to=follow.email,
        what=f"the {kind} message of follow {follow.pk}",
        headers=headers,
    )
