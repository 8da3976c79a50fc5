"""The moderation panel of the staff dashboard: every moderated model, its queue and the screen that empties it."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission, User
from django.utils import translation
from django.utils.html import escape

from budgets.models import Proposal
from consultations.models import Comment, Contribution
from moderation import dashboard as moderation_dashboard
from moderation.models import Moderated
from moderation.selectors import QueueSummary, queue_summary
from openmun.dashboard import Today
from tests.budgets.factories import ProposalFactory
from tests.consultations.factories import CommentFactory, ContributionFactory, RoundFactory
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

CASABLANCA = zoneinfo.ZoneInfo("Africa/Casablanca")
NOW = datetime.datetime(2026, 6, 15, 11, 0, tzinfo=CASABLANCA)
PENDING, PUBLISHED, HIDDEN = Moderated.Status.PENDING, Moderated.Status.PUBLISHED, Moderated.Status.HIDDEN


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 6, day, hour, tzinfo=CASABLANCA)


@pytest.fixture
def contributions(db):
    consultation_round = RoundFactory(programme=programme_build())
    ContributionFactory(round=consultation_round, status=PENDING, created_at=at(9))
    ContributionFactory(round=consultation_round, status=PENDING, created_at=at(14, 23))
    # Withdrawn after reports: pending again, with its reports.
    ContributionFactory(round=consultation_round, status=PENDING, report_count=3, created_at=at(1))
    ContributionFactory(round=consultation_round, status=PUBLISHED, report_count=1)
    ContributionFactory(round=consultation_round, status=PUBLISHED, report_count=2)
    ContributionFactory(round=consultation_round, status=PUBLISHED)
    ContributionFactory(round=consultation_round, status=HIDDEN, created_at=at(2))
    return consultation_round


def today_of(user) -> Today:
    return Today(user=user, day=NOW.date(), now=NOW)


def test_the_queue_of_a_model_in_one_query(contributions, django_assert_num_queries):
    with django_assert_num_queries(1):
        summary = queue_summary(Contribution)
    assert summary == QueueSummary(model=Contribution, pending=3, oldest=at(1), withdrawn=1, reported=2, reports=3)
    with time_machine.travel(NOW, tick=False):
        assert summary.oldest_age_on(NOW.date()) == 14
    empty = queue_summary(Comment)
    assert (empty.pending, empty.oldest, empty.reported, empty.reports) == (0, None, 0, 0)
    assert empty.oldest_age_on(NOW.date()) is None


def test_the_age_counts_days_in_casablanca(db):
    consultation_round = RoundFactory(programme=programme_build())
    # Half past midnight in Casablanca is still the day before in UTC: the item came in today, not yesterday.
    ContributionFactory(round=consultation_round, status=PENDING, created_at=at(15, 0) + datetime.timedelta(minutes=30))
    assert queue_summary(Contribution).oldest_age_on(NOW.date()) == 0


def test_the_entries_and_where_they_lead(contributions, admin_user):
    with time_machine.travel(NOW, tick=False), translation.override("fr"):
        pending, reported = moderation_dashboard.queue_entries(Contribution, today_of(admin_user))
    assert (pending.count, pending.urgent) == (3, True)
    assert str(pending.label) == "Contributions en attente de modération"
    # Markup-safe: the template shows it as it is.
    assert pending.detail == escape("l'élément le plus ancien attend depuis 14 jours · 1 retrait après signalements")
    # Contributions have a screen of their own: whoever may moderate them goes there.
    assert pending.url == reported.url == "/fr/consultations/moderation/"
    assert (reported.count, str(reported.detail)) == (2, "3 signalements en tout ; toujours en ligne")


def test_an_account_that_may_view_but_not_moderate_goes_to_the_filtered_list(contributions):
    user = User.objects.create_user("reader", password="x-Strong-pass-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_contribution"))
    user = User.objects.get(pk=user.pk)
    with translation.override("ar"):
        pending, reported = moderation_dashboard.queue_entries(Contribution, today_of(user))
    assert pending.url == "/ar/admin/consultations/contribution/?status__exact=pending"
    assert reported.url == "/ar/admin/consultations/contribution/?status__exact=published&reported=yes"


def test_a_model_without_a_screen_of_its_own_goes_to_its_list(db):
    moderator = User.objects.create_user("moderator", password="x-Strong-pass-1", is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderators"))
    ProposalFactory(status=PENDING, created_at=at(15, 9))
    with time_machine.travel(NOW, tick=False), translation.override("ar"):
        [entry] = moderation_dashboard.queue_entries(Proposal, today_of(User.objects.get(pk=moderator.pk)))
    assert entry.url == "/ar/admin/budgets/proposal/?status__exact=pending"
    assert (entry.count, entry.urgent, entry.detail) == (1, False, "أقدمها وصل اليوم")
    assert str(entry.label) == "المقترحات في انتظار الإشراف"


def test_nothing_to_moderate_gives_no_entry(db, admin_user):
    CommentFactory(project=programme_build().projects.first(), status=PUBLISHED)
    assert moderation_dashboard.queue_entries(Comment, today_of(admin_user)) == []
