"""News reach the confirmed followers of a target: once each at once, or grouped in the weekly summary."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

import petitions.services
from following import services
from following.models import Follow
from petitions.models import Petition
from tests.factories import ActivityFactory, programme_build
from tests.petitions.factories import CouncilSessionFactory, PetitionFactory

pytestmark = pytest.mark.django_db

State = Petition.State
SITE = "https://openmun.example.ma"


def today() -> datetime.date:
    return timezone.localdate()


def follow_make(target: str, email: str, *, language: str = "ar", confirmed: bool = True, weekly: bool = False):
    return Follow.objects.create(
        target=target,
        email=email,
        language=language,
        frequency=Follow.Frequency.WEEKLY if weekly else Follow.Frequency.IMMEDIATE,
        confirmed_at=timezone.now() - datetime.timedelta(days=1) if confirmed else None,
    )


def followers_mail(mailoutbox, petition: Petition) -> list:
    """The messages of a petition's news: the agent's own notice of each step (petitions/notices.py) aside."""
    return [message for message in mailoutbox if message.to != [petition.contact_email]]


def followers_of(petition: Petition) -> None:
    target = f"petition:{petition.pk}"
    follow_make(target, "amina@example.ma", language="ar")
    follow_make(target, "paul@example.ma", language="fr")
    follow_make(target, "unconfirmed@example.ma", confirmed=False)
    follow_make(target, "weekly@example.ma", weekly=True)
    follow_make(f"petition:{petition.pk + 1000}", "other@example.ma")


def test_accepting_a_petition_tells_each_confirmed_follower_once_in_their_language(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory(state=State.UNDER_REVIEW, deposited_on=today(), paper_signature_count=210)
    followers_of(petition)
    with django_capture_on_commit_callbacks(execute=True):
        petitions.services.petition_accept(
            petition=petition,
            decided_on=today(),
            session=CouncilSessionFactory(),
            committees={"ar": "لجنة"},
            acting_user=admin_user,
        )
    news = {message.to[0]: message for message in followers_mail(mailoutbox, petition)}
    assert sorted(news) == ["amina@example.ma", "paul@example.ma"]
    assert "قُبلت العريضة" in news["amina@example.ma"].body
    assert "a été acceptée" in news["paul@example.ma"].body
    assert "List-Unsubscribe" in news["paul@example.ma"].extra_headers


@pytest.mark.parametrize("decision", ["refuse", "deliberate"])
def test_a_refusal_or_the_council_answer_reaches_the_followers(
    decision, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    if decision == "refuse":
        petition = PetitionFactory(state=State.UNDER_REVIEW, deposited_on=today())
        call = lambda: petitions.services.petition_refuse(  # noqa: E731
            petition=petition, decided_on=today(), reasons={"ar": "خارج الاختصاص"}, acting_user=admin_user
        )
    else:
        petition = PetitionFactory(
            state=State.ACCEPTED,
            deposited_on=today(),
            decided_on=today(),
            paper_signature_count=210,
            session=CouncilSessionFactory(),
            committees_ar="لجنة",
        )
        call = lambda: petitions.services.petition_deliberate(  # noqa: E731
            petition=petition,
            deliberated_on=today(),
            outcome=Petition.Outcome.APPROVED,
            decision_reference="45/2026",
            acting_user=admin_user,
        )
    followers_of(petition)
    with django_capture_on_commit_callbacks(execute=True):
        call()
    assert sorted(message.to[0] for message in followers_mail(mailoutbox, petition)) == [
        "amina@example.ma",
        "paul@example.ma",
    ]


def test_a_refused_decision_mails_nothing(admin_user, mailoutbox, django_capture_on_commit_callbacks):
    # A refused decision (here: the threshold not met) rolls back: nobody hears of it.
    petition = PetitionFactory(state=State.UNDER_REVIEW, deposited_on=today(), paper_signature_count=10)
    followers_of(petition)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        petitions.services.petition_accept(
            petition=petition,
            decided_on=today(),
            session=CouncilSessionFactory(),
            committees={"ar": "لجنة"},
            acting_user=admin_user,
        )
    assert mailoutbox == []


def test_the_weekly_summary_groups_the_week_news_and_is_sent_once(mailoutbox, django_capture_on_commit_callbacks):
    target = "budget:participatory"
    follow_make(target, "weekly@example.ma", language="fr", weekly=True)
    follow_make(target, "unconfirmed@example.ma", confirmed=False, weekly=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.announce(target=target, event="phase_opened", site_url=SITE)
        services.announce(target=target, event="phase_opened", site_url=SITE)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_follow_digests", stdout=io.StringIO())
    assert [message.to[0] for message in mailoutbox] == ["weekly@example.ma"]
    summary = mailoutbox[0]
    assert "semaine" in summary.subject and summary.body.count("Une nouvelle phase") == 2
    assert summary.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Nothing new since: no second summary.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_follow_digests", stdout=io.StringIO())
    assert len(mailoutbox) == 1


def test_a_progress_update_or_an_activity_done_in_the_admin_tells_the_project_followers(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    project = programme_build().projects.order_by("number").first()
    follow_make(f"project:{project.pk}", "amina@example.ma")
    activity = ActivityFactory(project=project, number=90, is_done=False)
    activities = list(project.activities.order_by("pk"))
    data = {
        "programme": project.programme_id,
        "axis": project.axis_id,
        "number": project.number,
        "slug": project.slug,
        "title_ar": project.title_ar,
        "title_fr": project.title_fr,
        "summary_ar": project.summary_ar or "",
        "summary_fr": project.summary_fr or "",
        "estimated_cost": project.estimated_cost,
        "start_date": project.start_date or "",
        "end_date": project.end_date or "",
        "status": project.status,
        "progress": project.progress if project.progress is not None else "",
        "activities-TOTAL_FORMS": len(activities),
        "activities-INITIAL_FORMS": len(activities),
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    for index, row in enumerate(activities):
        data |= {
            f"activities-{index}-id": row.pk,
            f"activities-{index}-project": project.pk,
            f"activities-{index}-number": row.number,
            f"activities-{index}-parent": row.parent_id or "",
            f"activities-{index}-text_ar": row.text_ar or "",
            f"activities-{index}-text_fr": row.text_fr or "",
        }
        if row.is_done or row.pk == activity.pk:
            data[f"activities-{index}-is_done"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/fr/admin/programme/project/{project.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "/change/" not in response["Location"], response["Location"]
    assert [message.to[0] for message in mailoutbox] == ["amina@example.ma"]
    assert "أُنجز نشاط" in mailoutbox[0].body


def test_a_supporter_who_asked_to_be_kept_informed_hears_of_the_decision(
    client, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from django.urls import reverse
    from django.utils import translation

    petition = PetitionFactory()
    with translation.override("fr"):
        action = reverse("petitions:support-create", kwargs={"pk": petition.pk})
    for email, keep in (("kept@example.ma", True), ("quiet@example.ma", False)):
        data = {"name": "Salma Idrissi", "relation": "resident", "email": email, "consent": "on"}
        if keep:
            data["keep_informed"] = "on"
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(action, data).status_code == 302
        link = re.search(r"http://testserver(/\w\w/petitions/confirm/\S+/)", mailoutbox[-1].body).group(1)
        client.post(link)
    # Confirmed by the support's own link: no second confirmation, and only the one who asked.
    assert list(Follow.objects.confirmed().values_list("email", "language", "target")) == [
        ("kept@example.ma", "fr", f"petition:{petition.pk}")
    ]
    Petition.objects.filter(pk=petition.pk).update(
        state=State.UNDER_REVIEW, deposited_on=today(), receipt_number="7/2026", paper_signature_count=210
    )
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        petitions.services.petition_accept(
            petition=Petition.objects.get(pk=petition.pk),
            decided_on=today(),
            session=CouncilSessionFactory(),
            committees={"ar": "لجنة"},
            acting_user=admin_user,
        )
    [news] = followers_mail(mailoutbox, petition)
    assert news.to == ["kept@example.ma"] and "a été acceptée" in news.body


def test_a_round_or_a_budget_phase_that_opens_is_announced_once(mailoutbox, django_capture_on_commit_callbacks):
    from tests.budgets.factories import cycle_build
    from tests.consultations.factories import open_round

    opened = open_round(programme_build())
    cycle_build()
    follow_make(f"round:{opened.pk}", "amina@example.ma", language="ar")
    follow_make("budget:participatory", "paul@example.ma", language="fr")
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("announce_openings", stdout=io.StringIO())
    by_address = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 2 and sorted(by_address) == ["amina@example.ma", "paul@example.ma"]
    assert "مفتوح" in by_address["amina@example.ma"].body
    assert "Une nouvelle phase du budget participatif" in by_address["paul@example.ma"].body
