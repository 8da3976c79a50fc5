"""The session report: what happened between the previous council session and this one, as a PDF.

The data is dated inside and outside the period covered (8 October 2025 to 31 January 2026, between the ordinary
sessions of October 2025 and February 2026): the report shows what falls inside, never what falls outside, and
never who wrote or signed anything.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from budgets.models import Phase
from consultations.models import Contribution
from moderation.models import Moderated
from openmun.cache import model_changed
from petitions.models import AgendaItem, CouncilSession, Petition, PetitionEvent
from petitions.reports import next_ordinary_session_label, session_period, session_report_get
from petitions.services import council_sessions_generate
from programme import pdf as programme_pdf
from programme.models import Activity, Project
from programme.reports import Period, next_session_label, period_sections_render
from tests.budgets.factories import CycleFactory
from tests.consultations.factories import ContributionFactory, MeetingFactory, RoundFactory
from tests.factories import ProjectUpdateFactory, programme_build
from tests.petitions.factories import CouncilSessionFactory, PetitionFactory
from tests.programme.test_pdf import flat, page_count, pages_render, pdf_text

pytestmark = pytest.mark.django_db

START, END = datetime.date(2025, 10, 8), datetime.date(2026, 1, 31)
PERIOD_LINE = {
    "ar": "الفترة المعنية: من 8 أكتوبر 2025 إلى 31 يناير 2026",
    "fr": "Période couverte : du 8 octobre 2025 au 31 janvier 2026",
}
SESSION_TITLE = {"ar": "الدورة العادية لشهر فبراير 2026", "fr": "Session ordinaire de février 2026"}
AGENT = "فاطمة الزهراء العلوي"


def at(day: datetime.date, hour: int = 10):
    """Travel to day, so that what is saved (and its history) is dated then."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return time_machine.travel(moment, tick=False)


def sessions() -> tuple[CouncilSession, CouncilSession]:
    previous = CouncilSessionFactory(
        slug="2025-10-ordinary", period_start=datetime.date(2025, 10, 1), period_end=datetime.date(2025, 10, 7)
    )
    session = CouncilSessionFactory(
        slug="2026-02-ordinary",
        title_ar=SESSION_TITLE["ar"],
        title_fr=SESSION_TITLE["fr"],
        period_start=datetime.date(2026, 2, 1),
        period_end=datetime.date(2026, 2, 7),
    )
    return previous, session


def petition_with(steps: list[tuple[str, datetime.date]], **fields) -> Petition:
    petition = PetitionFactory(**fields)
    for action, day in steps:
        PetitionEvent.objects.create(petition=petition, action=action, date=day)
    return petition


@pytest.fixture
def period_data(db):
    """Build a programme a year before the period, then records inside and outside it; return what to look for."""
    with at(datetime.date(2025, 1, 2)):
        programme = programme_build()
    previous, session = sessions()
    project_1, project_2, project_3 = (Project.objects.get(number=n) for n in (1, 2, 3))
    activities = list(Activity.objects.filter(project=project_3, parent__isnull=True, is_done=False).order_by("number"))

    # The projects: updates, a change of status and progress, activities marked done (or not for long).
    ProjectUpdateFactory(
        project=project_1,
        date=datetime.date(2025, 11, 15),
        text_ar="تقدم داخل الفترة",
        text_fr="Avancement dans la période",
        amount_spent=Decimal("12500.00"),
    )
    ProjectUpdateFactory(
        project=project_1,
        date=datetime.date(2025, 9, 1),
        text_ar="تقدم قبل الفترة",
        text_fr="Avancement avant la période",
    )
    with at(datetime.date(2025, 12, 10)):
        project_2.status, project_2.progress = Project.Status.IN_PROGRESS, 30
        project_2.save()
    with at(datetime.date(2025, 9, 10)):
        project_3.end_date = datetime.date(2025, 12, 31)
        project_3.save()
    with at(datetime.date(2025, 11, 20)):
        activities[0].is_done = True
        activities[0].save()
    with at(datetime.date(2025, 12, 1)):
        activities[1].is_done = True
        activities[1].save()
    with at(datetime.date(2025, 12, 15)):
        activities[1].is_done = False
        activities[1].save()
    with at(datetime.date(2026, 3, 1)):
        Activity.objects.filter(pk=activities[1].pk).update(text_fr="Activité faite après la période")
        activities[1].refresh_from_db()
        activities[1].is_done = True
        activities[1].save()
    Activity.objects.filter(pk=activities[0].pk).update(text_fr="Activité faite dans la période", text_ar="نشاط منجز")

    # A consultation round: its window and a meeting in the period, contributions received and answered.
    round_ = RoundFactory(
        programme=programme,
        title_fr="Tour de l'automne",
        title_ar="جولة الخريف",
        opens_on=datetime.date(2025, 11, 1),
        closes_on=datetime.date(2025, 11, 30),
    )
    MeetingFactory(round=round_, date=datetime.date(2025, 11, 10), participant_count=39)
    MeetingFactory(round=round_, date=datetime.date(2025, 9, 10), participant_count=512, title_fr="Réunion d'avant")
    for day in (datetime.date(2025, 11, 3), datetime.date(2025, 11, 4), datetime.date(2025, 11, 5)):
        with at(day):
            ContributionFactory(round=round_, display_name="Karima B.", email="karima@example.ma")
    with at(datetime.date(2025, 11, 6)):
        ContributionFactory(round=round_, status=Moderated.Status.HIDDEN)
    with at(datetime.date(2025, 9, 1)):
        ContributionFactory(round=round_)
    answered = list(Contribution.objects.filter(status=Moderated.Status.PUBLISHED).order_by("pk")[:2])
    with at(datetime.date(2025, 12, 2)):
        Contribution.objects.filter(pk=answered[0].pk).update(
            outcome=Contribution.Outcome.TAKEN, outcome_project=project_1, answered_at=timezone.now()
        )
    with at(datetime.date(2026, 2, 20)):
        Contribution.objects.filter(pk=answered[1].pk).update(
            outcome=Contribution.Outcome.OUT_OF_SCOPE, answer_fr="Hors compétences", answered_at=timezone.now()
        )

    # Petitions: steps inside the period, one before it, one that was not admitted, one never published.
    accepted = petition_with(
        [("deposited", datetime.date(2025, 11, 3)), ("accepted", datetime.date(2025, 12, 20))],
        title="تعميم الإنارة العمومية بحي الأمل",
        state=Petition.State.ACCEPTED,
        deposited_on=datetime.date(2025, 11, 3),
        decided_on=datetime.date(2025, 12, 20),
        session=session,
        committees_ar="لجنة المرافق العمومية",
        committees_fr="Commission des services publics",
        agent_name=AGENT,
    )
    refused = petition_with(
        [("refused", datetime.date(2026, 1, 12))],
        title="Un parking près du marché central",
        language="fr",
        state=Petition.State.REFUSED,
        deposited_on=datetime.date(2025, 9, 3),
        decided_on=datetime.date(2026, 1, 12),
    )
    before = petition_with([("deposited", datetime.date(2025, 9, 20))], title="عريضة مودعة قبل الفترة")
    not_admitted = petition_with(
        [("not_admitted", datetime.date(2025, 11, 9))], title="عريضة غير مقبولة في الفحص الأولي"
    )
    unpublished = petition_with(
        [("submitted", datetime.date(2025, 11, 9))],
        title="عريضة لم تنشر بعد",
        status=Moderated.Status.PENDING,
        published_on=None,
        state=Petition.State.SUBMITTED,
    )
    AgendaItem.objects.create(
        session=session, order=1, title_ar="حصيلة المشروع", title_fr="Bilan du projet", project=project_1
    )

    # The participatory budget: the vote in the period, the results after it.
    cycle = CycleFactory(title_fr="Budget participatif 2025", title_ar="الميزانية التشاركية 2025")
    Phase.objects.create(
        cycle=cycle, kind="vote", starts_on=datetime.date(2025, 12, 1), ends_on=datetime.date(2026, 1, 15)
    )
    Phase.objects.create(
        cycle=cycle, kind="results", starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 31)
    )
    return {
        "session": session,
        "previous": previous,
        "projects": (project_1, project_2, project_3),
        "activities": activities,
        "round": round_,
        "accepted": accepted,
        "refused": refused,
        "outside": [before, not_admitted, unpublished],
    }


@pytest.fixture
def reports(period_data, tmp_path):
    """Render the session's report in both languages; return each one's text, and its pages as PNG artifacts."""
    texts = {}
    for language in ("ar", "fr"):
        content = session_report_get(period_data["session"], language=language).content
        texts[language] = pdf_text(content, tmp_path)
        assert len(pages_render(f"council-report-{language}", content, tmp_path)) == page_count(content, tmp_path)
    return texts


def test_the_period_runs_from_the_day_after_the_previous_session_to_the_day_before_this_one(period_data):
    assert session_period(period_data["session"]) == Period(start=START, end=END)
    assert session_period(period_data["previous"]) == Period(start=None, end=datetime.date(2025, 9, 30))
    # A session held on given days: from its opening, and after its closing.
    period_data["previous"].starts_on = datetime.date(2025, 10, 2)
    period_data["previous"].ends_on = datetime.date(2025, 10, 3)
    period_data["previous"].save()
    assert session_period(period_data["session"]).start == datetime.date(2025, 10, 4)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_report_opens_with_the_heading_the_session_and_the_period(reports, language):
    first = flat(reports[language].split("\f")[0])
    assert flat({"ar": "المملكة المغربية", "fr": "Royaume du Maroc"}[language]) in first
    assert flat(SESSION_TITLE[language]) in first
    assert flat(PERIOD_LINE[language]) in first
    assert flat({"ar": "تقرير حول الفترة الفاصلة", "fr": "Rapport sur la période"}[language]) in first


def test_the_projects_section_has_the_updates_changes_and_activities_of_the_period(period_data, reports):
    text = flat(reports["fr"])
    assert flat("Avancement dans la période") in text and flat("12 500,00 DH") in text
    assert flat("Avancement avant la période") not in text
    # Project 2's status and progress changed in the period; project 3's end date before it.
    with translation.override("fr"):
        project_2 = str(period_data["projects"][1].title)
    assert flat(f"2. {project_2}") in text and flat("prévuen cours") in text and flat("30 %") in text
    assert flat("31 décembre 2025") not in text
    assert flat("Activité faite dans la période") in text and flat("20 novembre 2025") in text
    assert flat("Activité faite après la période") not in text
    assert flat("2 points d'avancement") not in text and flat("1 point d'avancement") in text
    assert flat("1 activité marquée comme réalisée") in text
    assert flat("نشاط منجز") in flat(reports["ar"])


def test_the_consultations_section_counts_what_the_period_received_and_answered(reports):
    text = flat(reports["fr"])
    assert flat("Tour de l'automne") in text
    assert (
        flat("Consultation numérique : du 1 novembre 2025 au 30 novembre 2025") in text
        or flat("Consultation numérique : du 1er novembre 2025 au 30 novembre 2025") in text
    )
    assert flat("3 contributions reçues et publiées au cours de la période") in text
    assert flat("1 contribution ayant reçu une réponse au cours de la période") in text
    assert flat("intégrée à un projet : 1") in text
    assert flat("39") in text and "512" not in text and flat("Réunion d'avant") not in text
    assert "Karima" not in text and "karima@example.ma" not in text


def test_the_petitions_section_lists_the_steps_of_the_period_and_nothing_else(period_data, reports):
    for language in ("ar", "fr"):
        text = flat(reports[language])
        assert flat(period_data["accepted"].title) in text
        assert flat(period_data["refused"].title) in text
        for petition in period_data["outside"]:
            assert flat(petition.title) not in text, petition.title
        assert flat(AGENT) not in text
    text = flat(reports["fr"])
    assert flat("acceptée par le bureau : 1") in text and flat("refusée par le bureau : 1") in text
    assert flat("3 novembre 2025") in text and flat("12 janvier 2026") in text


def test_the_report_ends_with_the_sessions_agenda_and_the_signature(period_data, reports):
    text = flat(reports["fr"])
    agenda = text[text.index(flat("À l'ordre du jour de cette session")) :]
    assert flat(period_data["accepted"].title) in agenda
    assert flat("Commission des services publics") in agenda
    assert flat("Bilan du projet") in agenda
    assert flat("Le président du comité du programme") in agenda


def test_the_budget_section_has_the_phases_that_ran_in_the_period(reports):
    text = flat(reports["fr"])
    assert flat("Budget participatif 2025") in text
    assert (
        flat("du 1 décembre 2025 au 15 janvier 2026") in text or flat("du 1er décembre 2025 au 15 janvier 2026") in text
    )
    assert flat("mars 2026") not in text


def test_the_sections_cost_a_fixed_number_of_queries(period_data):
    period = Period(start=START, end=END)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries, translation.override("fr"):
            period_sections_render(period)
        return len(queries)

    period_sections_render(period)  # discovery of the apps' sections, once
    small = count()
    round_ = period_data["round"]
    for day in (datetime.date(2025, 11, 7), datetime.date(2025, 11, 8)):
        with at(day):
            ContributionFactory(round=round_)
        MeetingFactory(round=round_, date=day)
        ProjectUpdateFactory(project=period_data["projects"][2], date=day)
        petition_with([("deposited", day), ("review_started", day)], title=f"عريضة أخرى بتاريخ {day}")
    for activity in period_data["activities"][2:]:
        with at(datetime.date(2025, 12, 3)):
            activity.is_done = True
            activity.save()
    assert count() == small <= 14


def url(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_report_is_served_at_its_address_and_linked_from_the_session_page(client, period_data, language):
    session = period_data["session"]
    address = url("council:session-report", language, slug=session.slug)
    assert address == f"/{language}/council/{session.slug}/report.pdf"
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="council-{session.slug}-report-{language}.pdf"'
    assert response.content.startswith(b"%PDF-")
    assert f'href="{address}"' in client.get(url("council:session-detail", language, slug=session.slug)).text
    assert client.get(url("council:session-report", language, slug="no-such-session")).status_code == 404
    assert client.post(address).status_code == 405


def test_the_sessions_admin_page_links_to_its_report_in_each_language(admin_client, period_data):
    session = period_data["session"]
    html = admin_client.get(url("admin:petitions_councilsession_change", "fr", object_id=session.pk)).text
    for language in ("ar", "fr"):
        assert f'href="{url("council:session-report", language, slug=session.slug)}"' in html


class RenderCounter:
    def __init__(self):
        self.calls = 0

    def __call__(self, html, **kwargs) -> bytes:
        self.calls += 1
        return b"%PDF-1.7 fake"


def test_the_report_is_rendered_once_per_printed_text(client, period_data, monkeypatch, django_assert_max_num_queries):
    counter = RenderCounter()
    monkeypatch.setattr(programme_pdf, "html_to_pdf", counter)
    session, accepted = period_data["session"], period_data["accepted"]
    address = url("council:session-report", "fr", slug=session.slug)
    first = client.get(address)
    # While nothing changed, a download reads the session and its period, not the report's data again.
    with django_assert_max_num_queries(2):
        assert client.get(address)["ETag"] == first["ETag"]
    assert counter.calls == 1
    # A support counted on a petition changes nothing the report prints.
    Petition.objects.filter(pk=accepted.pk).update(support_count=F("support_count") + 1)
    model_changed(Petition)
    client.get(address)
    assert counter.calls == 1
    # A new step of a petition in the period does: the next download renders again.
    PetitionEvent.objects.create(
        petition=period_data["refused"], action="refusal_notified", date=datetime.date(2026, 1, 20)
    )
    assert client.get(address)["ETag"] != first["ETag"]
    assert counter.calls == 2


def test_a_report_before_its_session_says_what_it_covers_so_far(tmp_path):
    programme_build()
    today = timezone.localdate()
    CouncilSessionFactory(
        slug="last", period_start=today - datetime.timedelta(days=40), period_end=today - datetime.timedelta(days=34)
    )
    upcoming = CouncilSessionFactory(
        slug="next", period_start=today + datetime.timedelta(days=30), period_end=today + datetime.timedelta(days=36)
    )
    later = CouncilSessionFactory(
        slug="later", period_start=today + datetime.timedelta(days=90), period_end=today + datetime.timedelta(days=96)
    )
    with translation.override("fr"):
        html = programme_pdf.period_report_document(
            period=session_period(upcoming), language="fr", session_label="Prochaine session"
        ).html
        assert "La période n&#x27;est pas terminée" in html or "La période n'est pas terminée" in html
        html = programme_pdf.period_report_document(
            period=session_period(later), language="fr", session_label="Session suivante"
        ).html
        assert "n&#x27;a pas commencé" in html or "n'a pas commencé" in html
        assert 'id="report-programme"' not in html


def test_the_next_ordinary_session_is_what_the_programme_is_printed_for_by_default(db):
    today = timezone.localdate()
    assert next_session_label(today) == ""
    CouncilSessionFactory(
        kind=CouncilSession.Kind.EXTRAORDINARY,
        slug="extra",
        period_start=today + datetime.timedelta(days=3),
        period_end=today + datetime.timedelta(days=4),
    )
    assert next_session_label(today) == ""
    council_sessions_generate(year=today.year)
    council_sessions_generate(year=today.year + 1)
    session = CouncilSession.objects.ordinary().upcoming(today).first()
    for language in ("ar", "fr"):
        with translation.override(language):
            assert next_session_label(today) == getattr(session, f"title_{language}")
            assert next_ordinary_session_label(today) == next_session_label(today)
    # On a day of the session itself, it is still that session.
    assert next_ordinary_session_label(session.period_start) == str(session.title)
