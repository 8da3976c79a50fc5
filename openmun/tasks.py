"""The portal's background jobs, on django-tasks (the settings' TASKS; docs/operations.md, "Background tasks").

- mail_send: one message to one address, queued by openmun.mail.mail_after_commit once the action has committed.
  While the mail server fails, it is tried again after each of OPENMUN_MAIL_RETRY_DELAYS, unless it refused the
  message for good (a 5xx answer: no such mailbox); each failed attempt stays
  in the admin's list of background jobs as failed, the next one as waiting. Once a message is sent or given up, its
  job keeps only what it was ("the confirmation link of support 12"): the address, the text and its links are
  erased, so the queue holds personal data only for the messages not sent yet.
- printed_render: after a change to what the PDFs print, the documents that the apps declare
  (PortalAppConfig.printed_documents) are rendered into the shared cache in every language, so that the next
  visitor downloads them at once. openmun.cache schedules it through printed_render_soon(): one job per burst of
  changes, a few seconds after the first.
"""

import datetime
import logging
import smtplib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, task
from django_tasks.base import Task

from openmun.apps import PortalAppConfig
from openmun.logs import scrub

logger = logging.getLogger(__name__)

MAIL_QUEUE = "mail"
PRINT_QUEUE = "print"
# Set while a render of the printed documents waits in the queue: the changes made meanwhile need no other.
PRINTED_RENDER_PENDING = "openmun:tasks:printed-render-pending"
# How long that mark outlives the delay, in case the worker is down or late: then another change queues a render.
PRINTED_RENDER_MARGIN = 600


class MailNotSent(Exception):
    """The mail server did not take a message; said without the address, which the job's record must not keep."""


def job_arguments_forget(context: TaskContext, **kept) -> None:
    """Replace the arguments kept in the job's row (the database backend's) with kept: the rest is personal data."""
    db_result = getattr(context.task_result, "db_result", None)
    if db_result is not None:
        type(db_result).objects.filter(pk=db_result.pk).update(args_kwargs={"args": [], "kwargs": kept})


def refused_for_good(error: Exception) -> bool:
    """Return whether the mail server refused a message with a permanent error (5xx: no such mailbox…)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


@task(queue_name=MAIL_QUEUE, priority=10, takes_context=True)
def mail_send(
    context: TaskContext,
    *,
    subject: str,
    body: str,
    to: str,
    what: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> None:
    """Send one message; when the mail server fails, queue the next attempt after the next delay, and fail this one."""
    try:
        message = EmailMultiAlternatives(subject, body, None, [to], headers=headers or None)
        if html:
            message.attach_alternative(html, "text/html")
        message.send()
    except Exception as error:
        # The log's filter removes any address from the message and the traceback.
        logger.exception("Could not send %s.", what)
        delays = settings.OPENMUN_MAIL_RETRY_DELAYS
        if refused_for_good(error):
            logger.error("Gave up sending %s: the mail server refused it for good.", what)
        elif attempt > len(delays):
            logger.error("Gave up sending %s after %d attempts.", what, attempt)
        elif not mail_send.get_backend().supports_defer:
            logger.error("Not sending %s again: the immediate task backend runs no later attempt.", what)
        else:
            retry = mail_send.using(run_after=timezone.now() + datetime.timedelta(seconds=delays[attempt - 1]))
            try:
                retry.enqueue(
                    subject=subject, body=body, to=to, what=what, html=html, headers=headers, attempt=attempt + 1
                )
            except Exception:
                logger.exception("Could not queue the next attempt at %s.", what)
            else:
                logger.warning("Sending %s again in %d s (attempt %d).", what, delays[attempt - 1], attempt + 1)
        # Recorded in the job's row, which staff see: the server's answer without the address it may name.
        raise MailNotSent(f"{type(error).__name__}: {scrub(str(error))[:300]}") from None
    finally:
        job_arguments_forget(context, what=what, attempt=attempt)


def printed_documents() -> list[str]:
    """Return the dotted paths of the functions that render each printed document, as the portal's apps declare."""
    return [
        path
        for config in apps.get_app_configs()
        if isinstance(config, PortalAppConfig)
        for path in config.printed_documents
    ]


@task(queue_name=PRINT_QUEUE, priority=-10)
def printed_render() -> int:
    """Render every printed document in every language at the current version, unless cached; return how many."""
    # From now on, a change schedules another render: this one may read the data before it.
    cache.delete(PRINTED_RENDER_PENDING)
    count = 0
    for path in printed_documents():
        render = import_string(path)
        for code, _name in settings.LANGUAGES:
            render(language=code)
            count += 1
    return count


def once_per_burst(job: Task, *, pending: str, delay: int, margin: int) -> None:
    """Queue job delay seconds from now, unless a job queued this way still waits: the pending mark says so.

    The job deletes the mark when it starts, so that what changes after it queues the next one. The mark outlives
    the delay by margin seconds, in case the worker is down or late: then the next change queues another job.
    """
    if not cache.add(pending, 1, timeout=delay + margin):
        return
    try:
        job.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue()
    except Exception:
        cache.delete(pending)
        raise


def printed_render_soon() -> None:
    """Queue one render of the printed documents a little later, unless one is waiting already (one per burst)."""
    if not settings.OPENMUN_PDF_PRERENDER or not printed_render.get_backend().supports_defer:
        # The immediate backend would render inside the request that made the change: the opposite of the aim.
        return
    once_per_burst(
        printed_render,
        pending=PRINTED_RENDER_PENDING,
        delay=settings.OPENMUN_PDF_PRERENDER_DELAY,
        margin=PRINTED_RENDER_MARGIN,
    )
