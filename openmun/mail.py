"""E-mail from the portal: sent once the data it speaks of is committed, never failing the action itself.

Anyone can type any address into a public form, so every message goes through a cap per recipient:
OPENMUN_MAIL_PER_RECIPIENT (count/seconds) messages per address, whatever the form, the client or its address,
so that the portal cannot be used to flood someone's mailbox. The count is kept in the default cache (Redis in
production, shared by every worker) under a keyed hash of the address, never the address. Past the cap the
message is dropped and logged without the address; the action itself, and what the visitor is told, are the same,
so that the answer reveals nothing about the address.
"""

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def recipient_key(address: str) -> str:
    """Return a keyed hash of an e-mail address, for counting what it receives: never the address."""
    key = f"{settings.SECRET_KEY}:openmun.mail".encode()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def recipient_allowance_take(address: str) -> bool:
    """Count one message to address; return whether it is within OPENMUN_MAIL_PER_RECIPIENT for this window."""
    limit, window = settings.OPENMUN_MAIL_PER_RECIPIENT
    now = int(time.time())
    key = f"openmun:mail:{recipient_key(address)}:{now - now % window}"
    # add then incr is atomic on Redis and in memory: concurrent requests cannot slip past the cap.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window ended between add and incr: this message opens the next one.
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def mail_after_commit(*, subject: str, body: str, to: str, what: str) -> None:
    """Send a plain-text message to one address once the current transaction commits, within the recipient's cap.

    what describes the message in the log if sending fails or the cap drops it ("the confirmation link of support
    12"): never the address, which is personal data, nor a link, and logs travel further than the database.
    """

    def send() -> None:
        # Counted when sending, not when asked: a rolled-back action uses none of the recipient's allowance.
        try:
            allowed = recipient_allowance_take(to)
        except Exception:
            logger.exception("Could not count the e-mail to one recipient: %s not sent.", what)
            return
        if not allowed:
            logger.warning("E-mail limit per recipient reached: %s not sent.", what)
            return
        try:
            send_mail(subject, body, None, [to])
        except Exception:
            logger.exception("Could not send %s.", what)

    transaction.on_commit(send)
