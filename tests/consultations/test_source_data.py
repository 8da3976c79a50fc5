"""Check fixtures/consultations.json against the commune's presentation of 19/09/2023.

The expected values are typed here from the source document
(/work/shared/source/beni-mellal-open-programme-2023.txt, the slides "قراءة للمرحلة الأولى" and
"قراءة للمرحلة الثانية"), independently of the fixture.
"""

import datetime
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from consultations.models import Meeting, Round

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "consultations.json"
FORBIDDEN = "\u06be\u06cc\u06c1\u0640\ufffd\u2022"


@pytest.fixture
def rounds(commune_data):
    call_command("loaddata", FIXTURE, verbosity=0)
    return {r.number: r for r in Round.objects.prefetch_related("meetings")}


def test_the_two_rounds_of_2023(rounds):
    assert sorted(rounds) == [1, 2]
    assert rounds[1].title_ar == "المشاركة المواطنة 1: جمع الأفكار والمقترحات"
    assert rounds[1].kind == Round.Kind.IDEAS
    assert rounds[2].title_ar == "المشاركة المواطنة 2: التشاور حول مسودة برنامج الانفتاح"
    assert rounds[2].kind == Round.Kind.DRAFT
    for consultation_round in rounds.values():
        assert consultation_round.title_fr and consultation_round.description_ar and consultation_round.description_fr


def test_the_idea_collection_of_14_march_2023_keeps_its_unknown_counts_empty(rounds):
    idea_collection = rounds[1]
    [meeting] = idea_collection.meetings.all()
    assert meeting.date == datetime.date(2023, 3, 14)
    # The counts of proposals appear only in a picture in the source: empty, never zero.
    assert meeting.participant_count is None
    assert (meeting.women_count, meeting.men_count, meeting.youth_count) == (None, None, None)
    assert idea_collection.external_participation_count is None
    assert (idea_collection.opens_on, idea_collection.closes_on) == (None, None)


def test_the_consultation_on_the_draft(rounds):
    draft = rounds[2]
    [meeting] = draft.meetings.all()
    assert meeting.date == datetime.date(2023, 7, 11)
    assert meeting.date.weekday() == 1  # a Tuesday, as the source says
    assert "مغيلة" in meeting.place_ar and "Mghila" in meeting.place_fr
    assert "المركز الاجتماعي الثقافي" in meeting.place_ar
    assert meeting.participant_count == 39
    for attendee in (
        "المجلس الجماعي",
        "فريق العمل المكلف بتتبع هذا البرنامج",
        "جمعيات المجتمع المدني",
        "الهيئة الاستشارية",
    ):
        assert attendee in meeting.attendees_ar
    assert (meeting.women_count, meeting.men_count, meeting.youth_count) == (None, None, None)
    assert (draft.opens_on, draft.closes_on) == (datetime.date(2023, 7, 19), datetime.date(2023, 7, 30))
    assert draft.external_participation_count == 8
    assert draft.external_platform_ar == "منصة الشبكة المغربية للجماعات الترابية المنفتحة"
    assert "Réseau marocain des collectivités territoriales ouvertes" in draft.external_platform_fr


def test_both_rounds_are_closed_now(rounds):
    assert {r.status for r in rounds.values()} == {Round.Status.CLOSED}


def test_the_fixture_uses_standard_arabic_letters():
    text = FIXTURE.read_text(encoding="utf-8")
    assert not [c for c in FORBIDDEN if c in text]
    json.loads(text)


def test_the_round_pages_show_the_source_facts(client, rounds):
    with translation.override("fr"):
        html = client.get(rounds[2].get_absolute_url()).content.decode()
    assert "Mghila" in html and '<bdi dir="ltr">39</bdi>' in html and '<bdi dir="ltr">8</bdi>' in html
    assert '<time datetime="2023-07-19">19 juillet 2023</time>' in html
    with translation.override("ar"):
        html = client.get(rounds[2].get_absolute_url()).content.decode()
    assert '<time datetime="2023-07-11">11 يوليوز 2023</time>' in html
    assert Meeting.objects.count() == 2
