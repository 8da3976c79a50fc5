import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from consultations.models import Round
from tests.consultations.factories import CommentFactory, ContributionFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_personal_data", *args, stdout=out)
    return out.getvalue()


@override_settings(OPENMUN_PERSONAL_DATA_RETENTION_DAYS=30)
def test_purge_personal_data_prints_counts_never_the_data(consultation_round, programme):
    old = timezone.now() - datetime.timedelta(days=31)
    contribution = ContributionFactory(
        round=consultation_round, created_at=old, display_name="Fatima Zahra", email="fz@example.ma"
    )
    ContributionFactory(round=consultation_round, display_name="Recent", email="recent@example.ma")
    CommentFactory(project=programme.projects.first(), created_at=old, email="old@example.ma")
    output = run()
    assert "1 contribution(s), 1 comment(s)" in output and "30 days" in output
    assert "example.ma" not in output and "Fatima" not in output
    contribution.refresh_from_db()
    assert (contribution.display_name, contribution.email) == ("", "")
    assert contribution.text


def test_purge_takes_the_retention_from_the_command_line(consultation_round):
    ContributionFactory(round=consultation_round, created_at=timezone.now() - datetime.timedelta(days=3))
    assert "0 contribution(s)" in run("--days", "7")
    assert "1 contribution(s)" in run("--days", "2")
    with pytest.raises(CommandError):
        run("--days", "-1")


def test_load_commune_data_loads_the_consultation_rounds(db):
    call_command("load_commune_data", stdout=io.StringIO())
    assert list(Round.objects.values_list("number", flat=True)) == [1, 2]
    # Run again: nothing changes.
    call_command("load_commune_data", stdout=io.StringIO())
    assert Round.objects.count() == 2
