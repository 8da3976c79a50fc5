"""E-mail from the portal: queued once the data it speaks of is committed, sent by the worker, never failing the action.

A service calls mail_after_commit(); when its transaction commits, the message becomes a job of the background
queue (openmun/tasks.py, mail_send), and the worker hands it to the mail server. The request never waits for SMTP,
a rolled-back action queues nothing, and a mail server that is down or refuses is tried again later
(OPENMUN_MAIL_RETRY_DELAYS) while the action stands.

Anyone can type any address into a public form, so every message goes through a cap per recipient:
OPENMUN_MAIL_PER_RECIPIENT (count/seconds) messages per address, whatever the form, the client or its address,
so that the portal cannot be used to flood someone's mailbox. The count is kept in the default cache (Redis in
production, shared by every worker) under a keyed hash of the address, never the address, and taken when the
message is queued: a message past the cap is never queued, and its retries count once. Past the cap the message is
dropped and logged without the address; the action itself, and what the visitor is told, are the same, so that the
answer reveals nothing about the address.
"""

import dataclasses
import hashlib
import hmac
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from openmun.antiabuse import window_count
from openmun.formatting import french_typography, french_typography_html
from openmun.tasks import mail_send

logger = logging.getLogger(__name__)


def recipient_key(address: str) -> str:
    """Return a keyed hash of an e-mail address, for counting what it receives: never the address."""
    key = f"{settings.SECRET_KEY}:openmun.mail".encode()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def recipient_allowance_take(address: str) -> bool:
    """Count one message to address; return whether it is within OPENMUN_MAIL_PER_RECIPIENT for this window."""
    limit, window = settings.OPENMUN_MAIL_PER_RECIPIENT
    now = int(time.time())
    # Atomic: concurrent requests cannot slip past the cap.
    return window_count(f"openmun:mail:{recipient_key(address)}:{now - now % window}", window) <= limit


def mail_after_commit(
    *,
    subject: str,
    body: str,
    to: str,
    what: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    language: str = "",
) -> None:
    """Queue a message to one address once the current transaction commits, within the recipient's cap.

    body is the plain text; html, when given, the same message as HTML; headers are added to the message
    (List-Unsubscribe…). what describes the message in the log and in the admin's list of background jobs ("the
    confirmation link of support 12"): never the address, which is personal data, nor a link, and logs travel
    further than the database. language is the message's, by default the active one: a French message gets its
    typography (no-break spaces, 1er) as French pages do.
    """
    if (language or translation.get_language() or "").startswith("fr"):
        subject, body = french_typography(subject), french_typography(body)
        html = french_typography_html(html) if html else html

    def queue() -> None:
        # Counted when queued, not when asked: a rolled-back action uses none of the recipient's allowance.
        try:
            allowed = recipient_allowance_take(to)
        except Exception:
            logger.exception("Could not count the e-mail to one recipient: %s not sent.", what)
            return
        if not allowed:
            logger.warning("E-mail limit per recipient reached: %s not sent.", what)
            return
        try:
            mail_send.enqueue(subject=subject, body=body, to=to, what=what, html=html, headers=headers or {})
        except Exception:
            # The action is committed: it stands, and the visitor sees the usual answer.
            logger.exception("Could not queue %s.", what)

    transaction.on_commit(queue)


def mail_context(*, subject: str, signature: str) -> dict[str, str]:
    """Return what templates/mail/base.html needs, in the active language: its lang, its direction, subject, signature.

    Every HTML message of the portal extends that one layout: the root carries the message's language and direction
    (rtl in Arabic), and the message ends with the commune's signature, as its plain text does.
    """
    return {
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "direction": "rtl" if translation.get_language_bidi() else "ltr",
        "subject": subject,
        "signature": signature,
    }


@dataclasses.dataclass(frozen=True)
class Notice:
    """A message telling a citizen of a step that concerns what they wrote, the same in plain text and in HTML.

    Mail to an address nobody confirmed carries no text a visitor typed: paragraphs and quoted are the commune's own
    words (a moderator's reason, an official reply, an answer); quoted_language is the language quoted was written in
    when it is not the message's ("" when unknown: the HTML lets the reader's program find its direction).
    """

    subject: str
    paragraphs: list[str]
    link: str
    link_label: str
    signature: str
    quoted_label: str = ""
    quoted: str = ""
    quoted_language: str = ""


def notice_after_commit(*, to: str, language: str, what: str, compose: Callable[[], Notice]) -> None:
    """Queue a notice to one address once the transaction commits, composed and rendered in the recipient's language.

    compose() is called with language active, so that its translated texts and its links follow it; the notice is
    rendered by templates/mail/notice.txt and notice.html (which extends templates/mail/base.html).
    """
    if not to:
        return
    with translation.override(language):
        notice = compose()
        if not notice.link.startswith(("https://", "http://")):
            # Neither OPENMUN_SITE_URL nor the caller gave the portal's address: a bare path would lead nowhere.
            notice = dataclasses.replace(notice, link="")
        context = {
            **mail_context(subject=notice.subject, signature=notice.signature),
            "notice": notice,
            "quoted_direction": (
                ("rtl" if translation.get_language_info(notice.quoted_language)["bidi"] else "ltr")
                if notice.quoted_language
                else "auto"
            ),
        }
        body = render_to_string("mail/notice.txt", context)
        html = render_to_string("mail/notice.html", context)
    mail_after_commit(subject=notice.subject, body=body, to=to, what=what, html=html, language=language)
