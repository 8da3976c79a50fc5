"""Consultation rounds on the staff dashboard: those whose digital window opens or closes this week."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User
from django.utils import translation

from consultations.dashboard import round_entries
from consultations.selectors import rounds_this_week
from openmun.dashboard import today_for
from tests.consultations.factories import RoundFactory

pytestmark = pytest.mark.django_db

# A Wednesday: the week runs to Tuesday 9 September.
TODAY = datetime.date(2026, 9, 2)


def day(number: int) -> datetime.date:
    return datetime.date(2026, 9, number) if number > 0 else datetime.date(2026, 8, 31 + number)


def test_the_rounds_that_open_or_close_this_week_by_day(programme, django_assert_num_queries):
    opening_today = RoundFactory(programme=programme, slug="a", opens_on=TODAY, closes_on=day(30))
    closing = RoundFactory(programme=programme, slug="b", opens_on=day(-20), closes_on=day(9))
    both = RoundFactory(programme=programme, slug="c", opens_on=day(4), closes_on=day(6))
    RoundFactory(programme=programme, slug="closed", opens_on=day(-20), closes_on=day(1))
    RoundFactory(programme=programme, slug="later", opens_on=day(10), closes_on=day(20))
    RoundFactory(programme=programme, slug="open-ended", opens_on=day(-3), closes_on=None)
    RoundFactory(programme=programme, slug="undated", opens_on=None, closes_on=None)
    with django_assert_num_queries(1):
        events = rounds_this_week(TODAY, day(8))
    assert [(event.round, event.day, event.opens) for event in events] == [
        (opening_today, TODAY, True),
        (both, day(4), True),
        (both, day(6), False),
    ]
    assert [(event.round, event.day) for event in rounds_this_week(TODAY, day(9))][-1] == (closing, day(9))


def test_the_entries_say_the_day_and_lead_to_the_round(programme, admin_user):
    consultation_round = RoundFactory(programme=programme, opens_on=day(-5), closes_on=TODAY)
    later = RoundFactory(programme=programme, opens_on=day(7), closes_on=day(30))
    with time_machine.travel(datetime.datetime(2026, 9, 2, 12, tzinfo=datetime.UTC), tick=False):
        today = today_for(User.objects.get(pk=admin_user.pk))
        with translation.override("ar"):
            closing, opening = round_entries(today)
        with translation.override("fr"):
            french = round_entries(today)
    assert closing.url == f"/ar/admin/consultations/round/{consultation_round.pk}/change/"
    assert closing.detail == "التشاور الرقمي: اليوم هو آخر يوم"
    assert opening.url == f"/ar/admin/consultations/round/{later.pk}/change/"
    assert opening.detail == 'التشاور الرقمي: الافتتاح يوم <time datetime="2026-09-07">الاثنين 7 شتنبر</time>'
    assert french[1].detail == (
        'Consultation numérique : ouverture le <time datetime="2026-09-07">lundi 7 septembre</time>'
    )
    assert str(french[1].label) == later.title_fr
