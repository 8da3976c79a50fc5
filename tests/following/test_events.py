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
    # The same news twice in the week: said once.
    assert "semaine" in summary.subject and summary.body.count("Une nouvelle phase") == 1
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


def round_followers(consultation_round) -> None:
    target = f"round:{consultation_round.pk}"
    follow_make(target, "amina@example.ma", language="ar")
    follow_make(target, "paul@example.ma", language="fr")
    follow_make(target, "unconfirmed@example.ma", confirmed=False)
    follow_make(target, "weekly@example.ma", weekly=True)
    follow_make(f"round:{consultation_round.pk + 1000}", "other@example.ma")


FOLLOWERS = {"amina@example.ma", "paul@example.ma", "unconfirmed@example.ma", "weekly@example.ma", "other@example.ma"}


def news_to_followers(mailoutbox) -> list:
    """The followers' messages, the authors' own notices (consultations/notices.py) aside."""
    return [message for message in mailoutbox if message.to[0] in FOLLOWERS]


def test_answering_a_round_s_contributions_tells_its_followers_once_a_day(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    import time_machine

    from consultations import services as consultation_services
    from consultations.models import Contribution
    from tests.consultations.factories import ContributionFactory, open_round

    programme = programme_build()
    consultation_round = open_round(programme)
    round_followers(consultation_round)
    contributions = ContributionFactory.create_batch(4, round=consultation_round)
    project = programme.projects.first()

    def answer(contribution):
        with django_capture_on_commit_callbacks(execute=True):
            consultation_services.contribution_answer(
                contribution=contribution,
                outcome=Contribution.Outcome.TAKEN,
                outcome_project=project,
                acting_user=admin_user,
            )

    # Three outcomes given in one afternoon: one message to each follower, in their language.
    for contribution in contributions[:3]:
        answer(contribution)
    news = {message.to[0]: message for message in news_to_followers(mailoutbox)}
    assert len(news_to_followers(mailoutbox)) == 2 and sorted(news) == ["amina@example.ma", "paul@example.ma"]
    assert "نشرت الجماعة ما قامت به بالمساهمات" in news["amina@example.ma"].body
    assert "La commune a publié ce qu’elle a fait des contributions" in news["paul@example.ma"].body
    assert consultation_round.title_fr in news["paul@example.ma"].subject
    # The next day, another outcome is news again.
    mailoutbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        answer(contributions[3])
    assert sorted(message.to[0] for message in news_to_followers(mailoutbox)) == [
        "amina@example.ma",
        "paul@example.ma",
    ]


def test_an_outcome_nobody_can_see_yet_is_not_announced(admin_user, mailoutbox, django_capture_on_commit_callbacks):
    from consultations import services as consultation_services
    from consultations.models import Contribution
    from moderation.models import Moderated
    from tests.consultations.factories import ContributionFactory, open_round

    programme = programme_build()
    consultation_round = open_round(programme)
    round_followers(consultation_round)
    pending = ContributionFactory(round=consultation_round, status=Moderated.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_services.contribution_answer(
            contribution=pending,
            outcome=Contribution.Outcome.OUT_OF_SCOPE,
            answers={"ar": "خارج اختصاصات الجماعة"},
            acting_user=admin_user,
        )
    assert news_to_followers(mailoutbox) == []


def round_change_data(consultation_round, **changes) -> dict:
    data = {
        "programme": consultation_round.programme_id,
        "number": consultation_round.number,
        "slug": consultation_round.slug,
        "title_ar": consultation_round.title_ar,
        "title_fr": consultation_round.title_fr,
        "kind": consultation_round.kind,
        "description_ar": consultation_round.description_ar or "",
        "description_fr": consultation_round.description_fr or "",
        "opens_on": consultation_round.opens_on or "",
        "closes_on": consultation_round.closes_on or "",
        "external_platform_ar": "",
        "external_platform_fr": "",
        "external_participation_count": "",
        "outcome_summary_ar": "",
        "outcome_summary_fr": "",
        "meetings-TOTAL_FORMS": 0,
        "meetings-INITIAL_FORMS": 0,
    }
    return data | changes


def test_the_round_s_outcome_summary_is_announced_when_first_published(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.consultations.factories import open_round

    consultation_round = open_round(programme_build())
    round_followers(consultation_round)
    change = f"/fr/admin/consultations/round/{consultation_round.pk}/change/"

    def post(**changes):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(change, round_change_data(consultation_round, **changes))
        assert response.status_code == 302, response.content.decode()[:3000]

    # A change that publishes no summary is not news.
    post(description_fr="Recueil des idées des habitants")
    assert mailoutbox == []
    post(outcome_summary_ar="أُدرجت 12 فكرة في المشاريع.")
    assert sorted(message.to[0] for message in mailoutbox) == ["amina@example.ma", "paul@example.ma"]
    # The French version added later, or a correction, is not news again.
    post(outcome_summary_ar="أُدرجت 13 فكرة في المشاريع.", outcome_summary_fr="13 idées ont été reprises.")
    assert len(mailoutbox) == 2


def test_the_commune_s_replies_on_a_project_reach_its_followers_once_a_day(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    from consultations import services as consultation_services
    from tests.consultations.factories import CommentFactory

    project = programme_build().projects.order_by("number").first()
    follow_make(f"project:{project.pk}", "amina@example.ma", language="ar")
    follow_make(f"project:{project.pk}", "paul@example.ma", language="fr")
    comments = CommentFactory.create_batch(3, project=project, email="")
    for comment in comments:
        with django_capture_on_commit_callbacks(execute=True):
            consultation_services.comment_reply(
                comment=comment, texts={"ar": "شكرا على ملاحظتكم."}, acting_user=admin_user
            )
    by_address = {message.to[0]: message for message in mailoutbox}
    assert len(mailoutbox) == 2 and sorted(by_address) == ["amina@example.ma", "paul@example.ma"]
    assert "ردت الجماعة على تعليقات" in by_address["amina@example.ma"].body
    assert "La commune a répondu aux commentaires" in by_address["paul@example.ma"].body


def test_a_project_put_on_a_session_s_agenda_is_announced_once_per_session(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    project = programme_build().projects.order_by("number").first()
    follow_make(f"project:{project.pk}", "paul@example.ma", language="fr")
    follow_make(f"project:{project.pk}", "amina@example.ma", language="ar", confirmed=False)
    session = CouncilSessionFactory(
        period_start=today() + datetime.timedelta(days=20), period_end=today() + datetime.timedelta(days=27)
    )
    change = f"/fr/admin/petitions/councilsession/{session.pk}/change/"

    def post(items):
        data = {
            "kind": session.kind,
            "title_ar": session.title_ar,
            "title_fr": session.title_fr or "",
            "slug": session.slug,
            "notes_ar": "",
            "notes_fr": "",
            "period_start": session.period_start,
            "period_end": session.period_end,
            "starts_on": "",
            "ends_on": "",
            "agenda_items-TOTAL_FORMS": len(items),
            "agenda_items-INITIAL_FORMS": session.agenda_items.count(),
        }
        for index, (pk, order, project_id) in enumerate(items):
            data |= {
                f"agenda_items-{index}-id": pk or "",
                f"agenda_items-{index}-session": session.pk,
                f"agenda_items-{index}-order": order,
                f"agenda_items-{index}-title_ar": "مشروع",
                f"agenda_items-{index}-title_fr": "Projet",
                f"agenda_items-{index}-description_ar": "",
                f"agenda_items-{index}-description_fr": "",
                f"agenda_items-{index}-project": project_id or "",
            }
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(change, data)
        assert response.status_code == 302, response.content.decode()[:3000]

    post([(None, 1, project.pk), (None, 2, None)])
    [news] = mailoutbox
    assert news.to == ["paul@example.ma"] and "a été inscrit à l’ordre du jour" in news.body
    # Saving the session again, or moving the item, tells nobody a second time.
    item = session.agenda_items.get(order=1)
    other = session.agenda_items.get(order=2)
    post([(item.pk, 3, project.pk), (other.pk, 2, None)])
    assert len(mailoutbox) == 1


def test_a_withdrawn_petition_is_announced_to_its_followers(admin_user, mailoutbox, django_capture_on_commit_callbacks):
    petition = PetitionFactory(state=State.DEPOSITED, deposited_on=today())
    followers_of(petition)
    with django_capture_on_commit_callbacks(execute=True):
        petitions.services.petition_withdraw(petition=petition, withdrawn_on=today(), acting_user=admin_user)
    news = {message.to[0]: message for message in followers_mail(mailoutbox, petition)}
    assert sorted(news) == ["amina@example.ma", "paul@example.ma"]
    assert "سُحبت العريضة" in news["amina@example.ma"].body
    assert "a été retirée" in news["paul@example.ma"].body


def test_each_petition_step_is_announced_once_and_acceptance_says_the_agenda(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    from following.models import News

    # Acceptance is the step that puts the petition on a session's agenda: one message says both.
    petition = PetitionFactory(state=State.UNDER_REVIEW, deposited_on=today(), paper_signature_count=210)
    follow_make(f"petition:{petition.pk}", "paul@example.ma", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        petitions.services.petition_accept(
            petition=petition,
            decided_on=today(),
            session=CouncilSessionFactory(),
            committees={"ar": "لجنة"},
            acting_user=admin_user,
        )
        petitions.services.petition_deliberate(
            petition=Petition.objects.get(pk=petition.pk),
            deliberated_on=today(),
            outcome=Petition.Outcome.APPROVED,
            decision_reference="45/2026",
            acting_user=admin_user,
        )
    news = followers_mail(mailoutbox, petition)
    assert [message.to[0] for message in news] == ["paul@example.ma", "paul@example.ma"]
    assert "inscrite à l’ordre du jour" in news[0].body and "a délibéré" in news[1].body
    assert list(News.objects.filter(target=f"petition:{petition.pk}").values_list("event", flat=True)) == [
        "accepted",
        "deliberated",
    ]
