import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from consultations.models import Comment, Contribution, Round
from tests.consultations.factories import CommentFactory, ContributionFactory, MeetingFactory, RoundFactory
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def window_round(programme, **kwargs):
    return RoundFactory(
        programme=programme, opens_on=datetime.date(2026, 3, 1), closes_on=datetime.date(2026, 3, 31), **kwargs
    )


@pytest.mark.parametrize(
    ("day", "status", "accepts"),
    [
        (datetime.date(2026, 2, 28), Round.Status.UPCOMING, False),
        (datetime.date(2026, 3, 1), Round.Status.OPEN, True),
        (datetime.date(2026, 3, 31), Round.Status.OPEN, True),
        (datetime.date(2026, 4, 1), Round.Status.CLOSED, False),
    ],
)
def test_round_status_follows_the_digital_window(programme, day, status, accepts):
    consultation_round = window_round(programme)
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC)):
        assert consultation_round.status == status
        assert consultation_round.accepts_contributions is accepts
        assert Round.objects.accepting_contributions_on(day).exists() is accepts


def test_the_window_closes_at_midnight_in_casablanca(programme):
    consultation_round = window_round(programme)
    # 23:30 UTC on 31 March is 00:30 on 1 April in Casablanca (UTC+1).
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)):
        assert not consultation_round.accepts_contributions


def test_a_round_without_a_window_takes_its_status_from_its_meetings(programme):
    consultation_round = RoundFactory(programme=programme)
    assert consultation_round.status_on(datetime.date(2023, 1, 1)) == Round.Status.UPCOMING
    MeetingFactory(round=consultation_round, date=datetime.date(2023, 3, 14))
    assert consultation_round.status_on(datetime.date(2023, 3, 1)) == Round.Status.UPCOMING
    assert consultation_round.status_on(datetime.date(2023, 3, 14)) == Round.Status.OPEN
    assert consultation_round.status_on(datetime.date(2023, 3, 15)) == Round.Status.CLOSED
    assert not consultation_round.accepts_contributions_on(datetime.date(2023, 3, 14))


def test_a_window_without_an_end_stays_open(programme):
    consultation_round = RoundFactory(programme=programme, opens_on=datetime.date(2026, 3, 1))
    assert consultation_round.status_on(datetime.date(2030, 1, 1)) == Round.Status.OPEN


def test_the_window_cannot_close_before_it_opens(programme):
    consultation_round = RoundFactory.build(
        programme=programme, opens_on=datetime.date(2026, 3, 31), closes_on=datetime.date(2026, 3, 1)
    )
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            consultation_round.full_clean()
        assert "La consultation numérique doit s'ouvrir avant de se clore." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        consultation_round.save()


def test_round_slugs_do_not_shadow_other_pages(programme):
    with pytest.raises(ValidationError) as error:
        RoundFactory.build(programme=programme, slug="moderation").full_clean()
    assert error.value.error_dict["slug"][0].code == "reserved"


def test_meeting_counts_cannot_exceed_the_participants(programme):
    consultation_round = RoundFactory(programme=programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(round=consultation_round, participant_count=10, women_count=6, men_count=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(round=consultation_round, participant_count=10, youth_count=11)
    # Unknown counts stay empty, never zero.
    meeting = MeetingFactory(round=consultation_round, participant_count=None, women_count=3)
    assert meeting.participant_count is None


def test_an_outcome_names_what_it_refers_to(programme):
    contribution = ContributionFactory(round=RoundFactory(programme=programme))
    for outcome in (Contribution.Outcome.TAKEN, Contribution.Outcome.MERGED):
        contribution.outcome = outcome
        with pytest.raises(IntegrityError), transaction.atomic():
            contribution.save()
    contribution.outcome = Contribution.Outcome.MERGED
    contribution.merged_into = contribution
    with pytest.raises(IntegrityError), transaction.atomic():
        contribution.save()


def test_not_retained_needs_the_reason_in_one_language(programme):
    contribution = ContributionFactory(
        round=RoundFactory(programme=programme), outcome=Contribution.Outcome.NOT_RETAINED
    )
    with translation.override("ar"):
        with pytest.raises(ValidationError) as error:
            contribution.full_clean()
        assert error.value.messages == ["بينوا سبب عدم اعتماد المساهمة."]
    contribution.answer_fr = "Déjà prévu par le budget de la commune."
    contribution.full_clean()


def test_a_project_must_belong_to_the_chosen_axis(programme):
    project = ProjectFactory(axis=programme.axes.get(number=1), programme=programme, number=99, slug="p-99")
    contribution = ContributionFactory.build(
        round=RoundFactory(programme=programme), project=project, axis=programme.axes.get(number=2)
    )
    with pytest.raises(ValidationError) as error:
        contribution.full_clean()
    assert error.value.error_dict["project"][0].code == "project_axis"


def test_only_official_replies_have_a_parent(programme):
    project = programme.projects.first()
    comment = CommentFactory(project=project)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(project=project, parent=comment, is_official=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(project=project, is_official=True)


def test_the_status_is_one_of_the_choices(programme):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(project=programme.projects.first(), status="approved")


def test_str_never_shows_contact_details(programme):
    contribution = ContributionFactory(
        round=RoundFactory(programme=programme), title="حدائق", display_name="Fatima Z.", email="fatima@example.ma"
    )
    comment = CommentFactory(project=programme.projects.first(), display_name="Youssef", email="y@example.ma")
    for obj in (contribution, comment):
        assert "example.ma" not in str(obj)
        assert obj.display_name not in str(obj)
    assert str(contribution) == f"#{contribution.pk} حدائق"


def test_published_and_for_review(programme):
    project = programme.projects.first()
    published = CommentFactory(project=project)
    pending = CommentFactory(project=project, status=Comment.Status.PENDING)
    reported = CommentFactory(project=project, report_count=1)
    hidden = CommentFactory(project=project, status=Comment.Status.HIDDEN, report_count=2)
    assert set(Comment.objects.published()) == {published, reported}
    assert set(Comment.objects.for_review()) == {pending, reported}
    assert hidden not in Comment.objects.for_review()
