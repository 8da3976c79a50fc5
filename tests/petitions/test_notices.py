"""The petition's agent hears of every step of the procedure, by e-mail, in the petition's language."""

import datetime

import pytest

from petitions import services
from petitions.models import CouncilSession, Petition
from tests.petitions.test_services import SITE, at, published, submit
from tests.test_tasks import RefusingBackend

pytestmark = pytest.mark.django_db


def notice(mailoutbox, *, contains: list[str], never: list[str]):
    """Check that exactly one message went since the outbox was emptied, to the agent, in text and HTML."""
    assert [message.to for message in mailoutbox] == [["agent@example.ma"]]
    [message] = mailoutbox
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    for part in contains:
        assert part in message.body and part in html, part
    for part in never:
        assert part not in message.body and part not in html and part not in message.subject, part
    mailoutbox.clear()
    return message


def deposit(petition, officer, day=datetime.date(2026, 2, 20)):
    return services.petition_deposit(
        petition=petition,
        receipt_number="123/2026",
        deposited_on=day,
        paper_signature_count=215,
        acting_user=officer,
        site_url=SITE,
    )


def test_the_agent_hears_of_each_step_in_arabic(commune, officer, mailoutbox, django_capture_on_commit_callbacks):
    services.council_sessions_generate(year=2026)
    may = CouncilSession.objects.get(slug="2026-05-ordinary")
    with at(datetime.date(2026, 1, 6)), django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_publish(petition=submit(), acting_user=officer, site_url=SITE)
    page = f"{SITE}/ar/petitions/{petition.pk}/"
    # The acknowledgement and the publication notice: text and HTML too, signed by the commune.
    assert [message.subject for message in mailoutbox] == ["تم استلام عريضتكم", "تم نشر عريضتكم"]
    assert all("جماعة بني ملال" in m.body and "جماعة بني ملال" in m.alternatives[0][0] for m in mailoutbox)
    assert f"{SITE}/ar/petitions/guide/" in mailoutbox[0].body and page in mailoutbox[1].alternatives[0][0]
    mailoutbox.clear()
    # Nobody confirmed the agent's address: no title, no name, no request in what is sent to it.
    never = [petition.title, petition.agent_name, petition.request]

    with at(datetime.date(2026, 2, 20)), django_capture_on_commit_callbacks(execute=True):
        petition = deposit(petition, officer)
    message = notice(
        mailoutbox,
        contains=["نحيطكم علما", "123/2026", "20 فبراير 2026", "20 ماي 2026", page, "جماعة بني ملال"],
        never=never,
    )
    assert message.subject == "تم تسجيل إيداع عريضتكم"

    with at(datetime.date(2026, 2, 25)), django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_review_start(
            petition=petition, started_on=datetime.date(2026, 2, 24), acting_user=officer, site_url=SITE
        )
    notice(mailoutbox, contains=["24 فبراير 2026", page], never=never)

    with at(datetime.date(2026, 3, 10)), django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_accept(
            petition=petition,
            decided_on=datetime.date(2026, 3, 10),
            session=may,
            committees={"ar": "لجنة المرافق العمومية", "fr": "Commission des services publics"},
            acting_user=officer,
            site_url=SITE,
        )
    notice(mailoutbox, contains=[may.title_ar, "لجنة المرافق العمومية", page], never=never)

    with at(datetime.date(2026, 5, 6)), django_capture_on_commit_callbacks(execute=True):
        services.petition_deliberate(
            petition=petition,
            deliberated_on=datetime.date(2026, 5, 5),
            outcome=Petition.Outcome.APPROVED,
            decision_reference="45/2026",
            summaries={"ar": "وافق المجلس على تعميم الإنارة", "fr": "Le conseil approuve"},
            acting_user=officer,
            site_url=SITE,
        )
    message = notice(mailoutbox, contains=["45/2026", "وافق المجلس على تعميم الإنارة", page], never=never)
    assert message.subject == "تداول المجلس في عريضتكم"


def test_a_refusal_is_sent_in_french_with_its_reasons_and_its_notification_sends_nothing_more(
    commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with at(datetime.date(2026, 1, 6)):
        petition = published(officer, language="fr", title="Éclairage public du quartier Al Amal")
    with at(datetime.date(2026, 2, 25)):
        petition = deposit(petition, officer)
        petition = services.petition_review_start(
            petition=petition, started_on=datetime.date(2026, 2, 24), acting_user=officer
        )
    mailoutbox.clear()
    with at(datetime.date(2026, 3, 10)), django_capture_on_commit_callbacks(execute=True):
        petition = services.petition_refuse(
            petition=petition,
            decided_on=datetime.date(2026, 3, 10),
            reasons={"ar": "الموضوع خارج اختصاصات الجماعة", "fr": "La demande relève de la province."},
            notified_on=datetime.date(2026, 3, 10),
            acting_user=officer,
            site_url=SITE,
        )
    message = notice(
        mailoutbox,
        contains=["Nous vous informons", "La demande relève de la province.", f"{SITE}/fr/petitions/{petition.pk}/"],
        never=["الموضوع خارج", "Éclairage public"],
    )
    assert message.subject == "Votre pétition est refusée"
    assert '<blockquote lang="fr" dir="ltr"' in message.alternatives[0][0]


def test_a_withdrawal_before_publication_links_to_the_guide(
    commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with at(datetime.date(2026, 1, 6)):
        petition = submit()
    mailoutbox.clear()
    with at(datetime.date(2026, 1, 8)), django_capture_on_commit_callbacks(execute=True):
        services.petition_withdraw(
            petition=petition, withdrawn_on=datetime.date(2026, 1, 8), acting_user=officer, site_url=SITE
        )
    notice(mailoutbox, contains=["8 يناير 2026", f"{SITE}/ar/petitions/guide/"], never=[f"/petitions/{petition.pk}/"])


def test_a_petition_without_a_contact_address_sends_nothing(
    commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with at(datetime.date(2026, 1, 6)):
        petition = published(officer, contact_email="")
    with at(datetime.date(2026, 2, 20)), django_capture_on_commit_callbacks(execute=True):
        deposit(petition, officer)
    assert mailoutbox == []


def test_a_failing_mail_server_leaves_the_step_recorded(
    settings, commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with at(datetime.date(2026, 1, 6)):
        petition = published(officer)
    settings.EMAIL_BACKEND = "tests.test_tasks.RefusingBackend"
    RefusingBackend.refusals = 1
    mailoutbox.clear()
    try:
        with at(datetime.date(2026, 2, 20)), django_capture_on_commit_callbacks(execute=True):
            deposit(petition, officer)
    finally:
        RefusingBackend.refusals = 0
    petition.refresh_from_db()
    assert petition.state == Petition.State.DEPOSITED and mailoutbox == []


def test_the_admins_step_form_passes_the_portals_address(
    admin_client, settings, commune, officer, mailoutbox, django_capture_on_commit_callbacks
):
    settings.OPENMUN_SITE_URL = SITE
    with at(datetime.date(2026, 1, 6)):
        petition = published(officer)
    mailoutbox.clear()
    with at(datetime.date(2026, 2, 20)):
        deposit(petition, officer)
    with at(datetime.date(2026, 2, 25)), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/fr/admin/petitions/petition/{petition.pk}/step/review/", {"started_on": "2026-02-24"}
        )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["agent@example.ma"]]
    assert f"{SITE}/ar/petitions/{petition.pk}/" in mailoutbox[0].body
