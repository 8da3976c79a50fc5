"""The management commands: council sessions for make run, and the purge of supporters' data."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from petitions.models import CouncilSession, Petition, Support
from tests.petitions.factories import PetitionFactory, SupportFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC), tick=False)
def test_sessions_of_this_year_and_the_next_are_generated_by_default():
    call_command("generate_council_sessions", stdout=StringIO())
    call_command("generate_council_sessions", stdout=StringIO())
    assert sorted(CouncilSession.objects.values_list("slug", flat=True)) == [
        "2026-02-ordinary",
        "2026-05-ordinary",
        "2026-10-ordinary",
        "2027-02-ordinary",
        "2027-05-ordinary",
        "2027-10-ordinary",
    ]
    out = StringIO()
    call_command("generate_council_sessions", "--year", "2030", "--year", "2031", stdout=out)
    assert CouncilSession.objects.count() == 12
    assert "2031: 3" in out.getvalue()


@time_machine.travel(datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.UTC), tick=False)
def test_the_purge_command(settings):
    settings.OPENMUN_SUPPORTER_RETENTION_DAYS = 90
    closed = PetitionFactory(state=Petition.State.WITHDRAWN, closed_on=datetime.date(2026, 1, 1))
    SupportFactory.create_batch(3, petition=closed)
    out = StringIO()
    call_command("purge_petition_data", stdout=out)
    assert not Support.objects.exists()
    assert "3" in out.getvalue()
