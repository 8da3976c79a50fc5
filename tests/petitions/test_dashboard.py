"""The limits for notifying a refusal on the staff dashboard: past or near, with the days left."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.html import escape

from openmun.dashboard import today_for
from petitions.dashboard import SHOWN, deadline_entries
from petitions.models import Petition, months_add
from petitions.selectors import deadlines_near, deposit_cutoff
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

State = Petition.State
TODAY = datetime.date(2026, 5, 20)
NOON = datetime.datetime(2026, 5, 20, 12, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("last_day", "cutoff"),
    [
        (datetime.date(2026, 6, 10), datetime.date(2026, 3, 10)),
        # 30 November → 28 February: the deposits of 29 and 30 November are due on 28 February too.
        (datetime.date(2027, 2, 28), datetime.date(2026, 11, 30)),
        (datetime.date(2027, 2, 27), datetime.date(2026, 11, 27)),
        (datetime.date(2026, 5, 31), datetime.date(2026, 2, 28)),
        (datetime.date(2028, 2, 29), datetime.date(2027, 11, 30)),
    ],
)
def test_the_last_deposit_due_by_a_day(last_day, cutoff):
    assert deposit_cutoff(last_day) == cutoff
    assert months_add(cutoff, 3) <= last_day < months_add(cutoff + datetime.timedelta(days=1), 3)


def deposited(day: datetime.date, state=State.DEPOSITED, **fields) -> Petition:
    return PetitionFactory(state=state, deposited_on=day, **fields)


def test_the_petitions_past_or_near_their_limit_most_urgent_first(django_assert_num_queries):
    past = deposited(datetime.date(2026, 2, 10), state=State.UNDER_REVIEW)  # limit 10 May
    near = deposited(datetime.date(2026, 3, 1))  # limit 1 June
    last = deposited(datetime.date(2026, 3, 10))  # limit 10 June: the 21st day
    deposited(datetime.date(2026, 3, 11))  # limit 11 June: not yet near
    refused = deposited(datetime.date(2026, 2, 25), state=State.REFUSED, decided_on=datetime.date(2026, 5, 1))
    deposited(
        datetime.date(2026, 2, 20),
        state=State.REFUSED,
        decided_on=datetime.date(2026, 4, 1),
        refusal_notified_on=datetime.date(2026, 4, 2),
    )
    # Accepted for a session: no refusal to notify.
    PetitionFactory(state=State.PUBLISHED)
    with django_assert_num_queries(1):
        rows, total = deadlines_near(TODAY, limit=10)
    assert total == 4
    assert [row.petition for row in rows] == [past, refused, near, last]
    assert [(row.state, row.days) for row in rows] == [("past", -10), ("near", 5), ("near", 12), ("near", 21)]
    rows, total = deadlines_near(TODAY, limit=2)
    assert ([row.petition for row in rows], total) == ([past, refused], 4)


def test_the_entries_give_the_days_left_and_lead_to_the_petition(admin_user):
    past = deposited(datetime.date(2026, 2, 10), title="إنارة حي السلام بالإنارة العمومية")
    due_today = deposited(datetime.date(2026, 2, 20))
    soon = deposited(datetime.date(2026, 3, 1), language="fr", title="Éclairage du quartier Al Qods")
    with time_machine.travel(NOON, tick=False):
        today = today_for(User.objects.get(pk=admin_user.pk))
        with translation.override("ar"):
            arabic = deadline_entries(today)
        with translation.override("fr"):
            french = deadline_entries(today)
    assert [entry.url for entry in arabic] == [
        f"/ar/admin/petitions/petition/{p.pk}/change/" for p in (past, due_today, soon)
    ]
    assert arabic[0].label == past.title and arabic[0].direction == "auto"
    assert arabic[0].detail == 'انقضى الأجل منذ 10 أيام · الأجل: <time datetime="2026-05-10">10 ماي 2026</time>'
    # Past, or a week or less away, is late.
    assert [entry.urgent for entry in arabic] == [True, True, False]
    assert (
        french[1].detail
        == escape("dernier jour aujourd'hui") + ' · délai : <time datetime="2026-05-20">20 mai 2026</time>'
    )
    assert french[2].detail == '12 jours restants · délai : <time datetime="2026-06-01">1er juin 2026</time>'


def test_more_petitions_than_shown_lead_to_the_deadlines_page(admin_user):
    for index in range(SHOWN + 3):
        deposited(datetime.date(2026, 3, 1) - datetime.timedelta(days=index))
    with time_machine.travel(NOON, tick=False), translation.override("fr"):
        entries = deadline_entries(today_for(User.objects.get(pk=admin_user.pk)))
    assert len(entries) == SHOWN + 1
    assert (entries[-1].label, entries[-1].url) == (
        "3 autres pétitions sur la page des délais",
        "/fr/petitions/deadlines/",
    )
