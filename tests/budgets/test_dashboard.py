"""The participatory budget's phases on the staff dashboard: those that start or end this week."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import translation

from budgets.dashboard import phase_entries
from budgets.models import Phase
from budgets.selectors.participatory import phases_this_week
from openmun.dashboard import today_for
from tests.budgets.factories import CycleFactory

pytestmark = pytest.mark.django_db

Kind = Phase.Kind
# A Thursday: the week runs to Wednesday 22 April.
TODAY = datetime.date(2026, 4, 16)


def day(number: int) -> datetime.date:
    return datetime.date(2026, 4, number)


def phase(cycle, kind, starts: int, ends: int) -> Phase:
    return Phase.objects.create(cycle=cycle, kind=kind, starts_on=day(starts), ends_on=day(ends))


def test_the_phases_that_start_or_end_this_week_by_day(django_assert_num_queries):
    cycle = CycleFactory()
    draft = CycleFactory(is_published=False, title_fr="Budget participatif 2027")
    phase(cycle, Kind.INFORMATION, 1, 10)
    proposals = phase(cycle, Kind.PROPOSALS, 11, 18)
    review = phase(cycle, Kind.REVIEW, 19, 25)
    vote = phase(cycle, Kind.VOTE, 26, 30)
    opening = phase(draft, Kind.INFORMATION, 16, 29)
    with django_assert_num_queries(1):
        events = phases_this_week(TODAY, day(22))
    assert [(event.phase, event.day, event.starts) for event in events] == [
        (opening, TODAY, True),
        (proposals, day(18), False),
        (review, day(19), True),
    ]
    assert vote not in [event.phase for event in events]


def test_the_entries_name_the_cycle_and_the_phase(admin_user):
    cycle = CycleFactory()
    draft = CycleFactory(is_published=False, title_fr="Budget participatif 2027", title_ar="الميزانية التشاركية 2027")
    phase(cycle, Kind.PROPOSALS, 1, 20)
    phase(draft, Kind.VOTE, 16, 30)
    with time_machine.travel(datetime.datetime(2026, 4, 16, 12, tzinfo=datetime.UTC), tick=False):
        today = today_for(User.objects.get(pk=admin_user.pk))
        with translation.override("fr"):
            french = phase_entries(today)
        with translation.override("ar"):
            arabic = phase_entries(today)
    assert [(str(entry.label), entry.url) for entry in french] == [
        ("Budget participatif 2027 (non publié)", f"/fr/admin/budgets/cycle/{draft.pk}/change/"),
        ("Budget participatif 2025", f"/fr/admin/budgets/cycle/{cycle.pk}/change/"),
    ]
    assert french[0].detail == "Vote : ouverture aujourd&#x27;hui"
    assert french[1].detail == (
        'Dépôt des propositions : dernier jour le <time datetime="2026-04-20">lundi 20 avril</time>'
    )
    assert arabic[1].detail == 'تقديم المقترحات: آخر يوم هو <time datetime="2026-04-20">الاثنين 20 أبريل</time>'
    assert str(arabic[0].label) == "الميزانية التشاركية 2027 (غير منشورة)"
