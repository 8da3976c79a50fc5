"""Background jobs: mail queued once the action commits and sent by the worker, once; retried with growing delays while
the mail server fails, the action saved meanwhile; jobs visible to staff without whom they are for; the printed
programme rendered by the worker after a change, once per burst of changes; the pages refreshed for the counts citizens
move (supports, follows) once per burst too.

The rest of the suite runs jobs at once (OPENMUN_TASKS_BACKEND=immediate in pyproject.toml); here the jobs go through
the database backend and its worker, as in production. The worker takes its own transactions, so these tests commit.
"""

import datetime
import json
import logging
import os
import re
import smtplib
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache as django_cache
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from openmun.cache import CONTENT, COUNTS_REFRESH_PENDING, version_get
from openmun.mail import mail_after_commit
from openmun.tasks import mail_send
from petitions.models import Support
from tests.petitions.factories import PetitionFactory, SupportFactory

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail", "print"]}}
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS
    assert not mail_send.get_backend().__class__.__name__.startswith("Immediate")


def worker_run() -> None:
    """Run every job that is due, as `manage.py db_worker --batch --queue-name '*'` does, then return."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


class RefusingBackend(EmailBackend):
    """A mail server that refuses the next `refusals` messages, then takes them (into Django's outbox)."""

    refusals = 0

    def send_messages(self, messages):
        if RefusingBackend.refusals:
            RefusingBackend.refusals -= 1
            raise ConnectionRefusedError("451 mail.example.ma busy, try again later for said@example.ma")
        return super().send_messages(messages)


@pytest.fixture
def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    yield RefusingBackend
    RefusingBackend.refusals = 0


def mail_jobs(**filters):
    """Return the mail jobs, attempt by attempt (the clock stands still: they may share their time)."""
    jobs = DBTaskResult.objects.filter(task_path="openmun.tasks.mail_send", **filters)
    return sorted(jobs, key=lambda job: (job.enqueued_at, job.args_kwargs["kwargs"].get("attempt", 1)))


def support_post(client, petition, email: str = "said@example.ma"):
    with translation.override("fr"):
        address = f"/fr/petitions/{petition.pk}/support/"
    data = {"name": "Saïd", "relation": "resident", "email": email, "consent": "on"}
    return client.post(address, data)


@pytest.mark.django_db(transaction=True)
def test_a_message_waits_for_the_worker_and_is_sent_once(database_tasks):
    with transaction.atomic():
        mail_after_commit(subject="Votre lien", body="Lien : https://x/confirm/t0k3n/", to="said@example.ma", what="m1")
        # Nothing is queued before the action commits.
        assert mail_jobs() == []
    [job] = mail_jobs(status="READY")
    assert job.queue_name == "mail" and mail.outbox == []
    worker_run()
    worker_run()
    assert [(message.subject, message.to) for message in mail.outbox] == [("Votre lien", ["said@example.ma"])]
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    # The job keeps what the message was, not its address, its text or its link.
    assert job.args_kwargs == {"args": [], "kwargs": {"what": "m1", "attempt": 1}}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_queues_nothing(database_tasks):
    petition = PetitionFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        from petitions import services

        services.support_submit(
            petition=petition, name="Saïd", relation="resident", email="said@example.ma", consent=True, site_url=""
        )
        raise RuntimeError("the rest of the action failed")
    assert Support.objects.count() == 0 and DBTaskResult.objects.count() == 0
    worker_run()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_leaves_the_support_saved_and_the_mail_retried_with_back_off(
    client, settings, database_tasks, refusing_mail_server, caplog
):
    settings.OPENMUN_MAIL_RETRY_DELAYS = [60, 300]
    # Retries do not count against the recipient's cap: the message was counted once, when queued.
    settings.OPENMUN_MAIL_PER_RECIPIENT = (1, 3600)
    refusing_mail_server.refusals = 2
    petition = PetitionFactory()
    with time_machine.travel(START, tick=False) as clock, caplog.at_level(logging.INFO):
        response = support_post(client, petition)
        # The visitor's answer came before any attempt at sending.
        assert response.status_code == 302 and Support.objects.filter(petition=petition).count() == 1
        worker_run()
        [first, second] = mail_jobs()
        assert (first.status, second.status) == ("FAILED", "READY")
        assert second.run_after == START + datetime.timedelta(seconds=60)
        # The error is kept for staff without the address the server's answer named.
        assert "ConnectionRefusedError" in first.traceback and "said@" not in first.traceback
        worker_run()  # not due yet
        assert len(mail_jobs()) == 2 and mail.outbox == []
        clock.shift(61)
        worker_run()
        third = mail_jobs()[-1]
        assert [job.status for job in mail_jobs()] == ["FAILED", "FAILED", "READY"]
        assert third.run_after == timezone.now() + datetime.timedelta(seconds=300)
        clock.shift(301)
        worker_run()
    assert [job.status for job in mail_jobs()] == ["FAILED", "FAILED", "SUCCESSFUL"]
    assert len(mail.outbox) == 1 and "/fr/petitions/confirm/" in mail.outbox[0].body
    assert Support.objects.get().confirmed_at is None  # saved, waiting for its link
    # No job keeps the address, and neither does the log.
    assert "said@" not in json.dumps([job.args_kwargs for job in DBTaskResult.objects.all()])
    assert "Sending the confirmation link of support" in caplog.text and "said@" not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_message_is_given_up_after_the_last_delay(settings, database_tasks, refusing_mail_server, caplog):
    settings.OPENMUN_MAIL_RETRY_DELAYS = [60]
    refusing_mail_server.refusals = 10
    with time_machine.travel(START, tick=False) as clock, caplog.at_level(logging.WARNING):
        mail_after_commit(subject="S", body="B", to="said@example.ma", what="the test message")
        worker_run()
        clock.shift(61)
        worker_run()
        clock.shift(3600)
        worker_run()
    assert [(job.status, job.args_kwargs["kwargs"]["attempt"]) for job in mail_jobs()] == [("FAILED", 1), ("FAILED", 2)]
    assert "Gave up sending the test message after 2 attempts." in caplog.text
    assert mail.outbox == []


class NoSuchMailboxBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"said@example.ma": (550, b"5.1.1 No such mailbox said@example.ma")})


@pytest.mark.django_db(transaction=True)
def test_a_message_refused_for_good_is_not_tried_again(settings, database_tasks, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.NoSuchMailboxBackend"
    mail_after_commit(subject="S", body="B", to="said@example.ma", what="the test message")
    worker_run()
    [job] = mail_jobs()
    assert job.status == "FAILED" and "SMTPRecipientsRefused" in job.traceback and "said@" not in job.traceback
    assert "Gave up sending the test message: the mail server refused it for good." in caplog.text


@pytest.mark.django_db
def test_the_immediate_backend_sends_within_the_commit_and_tries_no_later_attempt(
    refusing_mail_server, django_capture_on_commit_callbacks, caplog
):
    refusing_mail_server.refusals = 1
    with django_capture_on_commit_callbacks(execute=True):
        mail_after_commit(subject="S", body="B", to="said@example.ma", what="the first message")
        mail_after_commit(subject="T", body="B", to="said@example.ma", what="the second message")
    assert [message.subject for message in mail.outbox] == ["T"]
    assert "Not sending the first message again" in caplog.text
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_message_carries_its_html_and_headers(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_after_commit(
            subject="Nouvelles",
            body="Texte",
            html="<p>Texte</p>",
            headers={"List-Unsubscribe": "<https://x/u/abc/>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
            to="said@example.ma",
            what="news",
        )
    [message] = mail.outbox
    assert message.alternatives[0][0] == "<p>Texte</p>" and message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe: <https://x/u/abc/>" in message.message().as_string()


@pytest.mark.django_db(transaction=True)
def test_staff_see_failed_and_waiting_jobs_but_never_whom_they_are_for(
    admin_client, settings, database_tasks, refusing_mail_server
):
    settings.OPENMUN_MAIL_RETRY_DELAYS = [60]
    refusing_mail_server.refusals = 1
    mail_after_commit(subject="S", body="https://x/confirm/s3cr3t/", to="said@example.ma", what="the link of support 7")
    worker_run()
    failed, waiting = mail_jobs()
    listing = admin_client.get("/fr/admin/openmun/backgroundjob/?status=FAILED").content.decode()
    assert "the link of support 7" in listing and "Échec" in listing
    assert "said@" not in listing and "s3cr3t" not in listing
    listing = admin_client.get("/ar/admin/openmun/backgroundjob/?status=READY").content.decode()
    assert "the link of support 7" in listing and "في الانتظار" in listing
    detail = admin_client.get(f"/fr/admin/openmun/backgroundjob/{failed.pk}/change/").content.decode()
    assert "ConnectionRefusedError" in detail and "said@" not in detail and "s3cr3t" not in detail
    # The waiting job still holds the message, which only the worker reads: its page shows none of it.
    detail = admin_client.get(f"/fr/admin/openmun/backgroundjob/{waiting.pk}/change/").content.decode()
    assert "said@" not in detail and "s3cr3t" not in detail
    # The library's own page, which shows the arguments, is not there.
    assert admin_client.get("/fr/admin/django_tasks_database/dbtaskresult/").status_code == 404
    assert admin_client.post(f"/fr/admin/openmun/backgroundjob/{failed.pk}/delete/").status_code == 403


PRUNE = ["--queue-name", "*", "--min-age-days", "14", "--failed-min-age-days", "90"]


@pytest.mark.django_db(transaction=True)
def test_the_daily_pruning_keeps_failed_jobs_longer(settings, database_tasks, refusing_mail_server):
    settings.OPENMUN_MAIL_RETRY_DELAYS = []
    with time_machine.travel(START, tick=False) as clock:
        refusing_mail_server.refusals = 1
        mail_after_commit(subject="S", body="B", to="a@example.ma", what="failed")
        mail_after_commit(subject="S", body="B", to="b@example.ma", what="sent")
        worker_run()
        clock.shift(datetime.timedelta(days=15))
        # As docs/operations.md schedules it.
        call_command("prune_db_task_results", *PRUNE)
        assert [(job.status, job.args_kwargs["kwargs"]["what"]) for job in mail_jobs()] == [("FAILED", "failed")]
        clock.shift(datetime.timedelta(days=80))
        call_command("prune_db_task_results", *PRUNE)
        assert mail_jobs() == []


@pytest.fixture
def fake_pdf(monkeypatch):
    """Count the renders of the programme's PDF, without WeasyPrint's seconds."""
    renders = []

    def render(html: str, *, title: str, **options) -> bytes:
        renders.append(title)
        return b"%PDF-1.7 fake"

    monkeypatch.setattr("programme.pdf.html_to_pdf", render)
    return renders


def project_retitle(suffix: str) -> None:
    from programme.models import Project

    project = Project.objects.order_by("pk").first()
    project.title_fr = re.sub(r" \(\w+\)$", "", project.title_fr) + f" ({suffix})"
    project.save()


def render_jobs():
    return list(DBTaskResult.objects.filter(task_path="openmun.tasks.printed_render"))


@pytest.mark.django_db(transaction=True)
def test_a_change_to_the_programme_is_rendered_by_the_worker_once_per_burst(settings, commune_data, fake_pdf):
    from programme.pdf import programme_pdf_get

    settings.TASKS = DATABASE_TASKS
    settings.OPENMUN_PDF_PRERENDER, settings.OPENMUN_PDF_PRERENDER_DELAY = True, 30
    DBTaskResult.objects.all().delete()
    with time_machine.travel(START, tick=False) as clock:
        # An editing session: several changes, in several transactions, and one job.
        with transaction.atomic():
            project_retitle("a")
            project_retitle("b")
        project_retitle("c")
        [job] = render_jobs()
        assert job.queue_name == "print" and job.run_after == START + datetime.timedelta(seconds=30)
        # A petition support changes nothing printed: no render.
        PetitionFactory()
        assert len(render_jobs()) == 1 and fake_pdf == []
        clock.shift(31)
        worker_run()
        assert sorted(fake_pdf) == ["the programme (ar)", "the programme (fr)"]
        # The visitors find both ready.
        for language in ("ar", "fr"):
            assert programme_pdf_get(language=language).content == b"%PDF-1.7 fake"
        assert len(fake_pdf) == 2
        # The next change is rendered again.
        project_retitle("d")
        assert [job.status for job in render_jobs()].count("READY") == 1


@pytest.mark.django_db
def test_nothing_is_rendered_in_the_request_without_a_worker(
    settings, commune_data, fake_pdf, django_capture_on_commit_callbacks
):
    # The immediate backend would render inside the request that made the change: no render then.
    settings.OPENMUN_PDF_PRERENDER = True
    with django_capture_on_commit_callbacks(execute=True):
        project_retitle("e")
    assert fake_pdf == []


def refresh_jobs():
    return list(DBTaskResult.objects.filter(task_path="openmun.cache.counts_refresh"))


def support_confirm_new(petition) -> None:
    from petitions import services

    support = SupportFactory(petition=petition, confirmed_at=None, link_nonce="n0nce")
    assert services.support_confirm(support=support, nonce="n0nce")


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_confirmed_supports_refreshes_the_pages_once(settings, redis_caches, admin_client):
    settings.TASKS = DATABASE_TASKS
    settings.OPENMUN_COUNTS_REFRESH_SECONDS = 10
    petition = PetitionFactory()
    DBTaskResult.objects.all().delete()
    django_cache.delete(COUNTS_REFRESH_PENDING)
    with time_machine.travel(START, tick=False) as clock:
        before = version_get(CONTENT)
        for _ in range(3):
            support_confirm_new(petition)
        # Counted at once, each of them; the cached pages (and what is kept per version) stay until the refresh.
        petition.refresh_from_db()
        assert petition.support_count == 3
        assert version_get(CONTENT) == before
        [job] = refresh_jobs()
        assert job.run_after == START + datetime.timedelta(seconds=10)
        # Staff see it among the background jobs, by what it does.
        for language, kind in (("fr", "Pages actualisées avec les nouveaux décomptes"), ("ar", "تحديث الصفحات")):
            assert kind in admin_client.get(f"/{language}/admin/openmun/backgroundjob/").content.decode()
        clock.shift(11)
        worker_run()
        refreshed = version_get(CONTENT)
        assert refreshed != before
        # The next support queues the next refresh.
        support_confirm_new(petition)
        assert sorted(job.status for job in refresh_jobs()) == ["READY", "SUCCESSFUL"]
        assert version_get(CONTENT) == refreshed


@pytest.mark.django_db
def test_without_a_worker_a_confirmed_support_refreshes_the_pages_at_once(django_capture_on_commit_callbacks):
    # The immediate backend (the tests, a single process): nothing would run the refresh later.
    petition = PetitionFactory()
    before = version_get(CONTENT)
    with django_capture_on_commit_callbacks(execute=True):
        support_confirm_new(petition)
    assert version_get(CONTENT) != before


@pytest.mark.django_db(transaction=True)
def test_without_a_shared_cache_a_confirmed_support_refreshes_the_pages_at_once(settings):
    # The embedded default: a worker, but each process has its own cache, where the worker's move would stay.
    settings.TASKS = DATABASE_TASKS
    petition = PetitionFactory()
    DBTaskResult.objects.all().delete()
    before = version_get(CONTENT)
    support_confirm_new(petition)
    assert version_get(CONTENT) != before
    assert refresh_jobs() == []


@pytest.mark.django_db
def test_the_supporter_sees_the_count_with_their_support_in_it(client):
    petition = PetitionFactory()
    with translation.override("fr"):
        address = f"/fr/petitions/{petition.pk}/support/counted/"
    response = client.get(address)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def manage_check(**environment: str):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-with-enough-length-and-variety-0123456789",
        "DJANGO_ALLOWED_HOSTS": "openmun.example.ma",
        **environment,
    }
    code = "from django.conf import settings as s; print(s.TASKS['default']['BACKEND'], s.OPENMUN_MAIL_RETRY_DELAYS)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_database_backend_and_its_worker_are_the_default():
    result = manage_check()
    assert result.stdout.split()[-6:] == ["django_tasks_db.DatabaseBackend", "[60,", "300,", "1800,", "7200,", "21600]"]


@pytest.mark.parametrize(
    ("variable", "value"), [("OPENMUN_TASKS_BACKEND", "celery"), ("OPENMUN_MAIL_RETRY_DELAYS", "60,soon")]
)
def test_a_wrong_task_setting_stops_the_portal_at_start_up(variable, value):
    result = manage_check(**{variable: value})
    assert result.returncode != 0 and variable in result.stderr
