"""E-mail from the portal: sent once the data it speaks of is committed, never failing the action itself."""

import logging

from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)


def mail_after_commit(*, subject: str, body: str, to: str, what: str) -> None:
    """Send a plain-text message to one address once the current transaction commits.

    what describes the message in the log if sending fails ("the confirmation link of support 12"): never the
    address, which is personal data, and logs travel further than the database.
    """

    def send() -> None:
        try:
            send_mail(subject, body, None, [to])
        except Exception:
            logger.exception("Could not send %s.", what)

    transaction.on_commit(send)
