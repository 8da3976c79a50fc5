import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from programme.models import Programme, Project
from tests.factories import ActivityFactory, AxisFactory, ProgrammeFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_cost_cannot_be_negative_in_the_database():
    project = ProjectFactory()
    project.estimated_cost = Decimal("-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_end_cannot_precede_start_in_the_database_and_in_forms():
    axis = AxisFactory()
    project = ProjectFactory.build(
        axis=axis, programme=axis.programme, start_date=datetime.date(2024, 5, 1), end_date=datetime.date(2024, 4, 30)
    )
    for language, message in [
        ("ar", "لا يمكن أن يسبق تاريخ النهاية تاريخ البدء."),
        ("fr", "La date de fin ne peut pas précéder la date de début."),
    ]:
        with translation.override(language), pytest.raises(ValidationError) as error:
            project.full_clean()
        assert error.value.messages == [message]
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_progress_is_at_most_100():
    project = ProjectFactory()
    project.progress = 101
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_project_numbers_are_unique_within_the_programme():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(axis=project.axis, number=project.number)


def test_activity_numbers_are_unique_within_their_parent():
    activity = ActivityFactory(number=1)
    ActivityFactory(project=activity.project, parent=activity, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(project=activity.project, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(project=activity.project, parent=activity, number=1)


def test_axis_must_belong_to_the_project_programme():
    project = ProjectFactory()
    project.axis = AxisFactory(programme=ProgrammeFactory())
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert error.value.error_dict["axis"][0].code == "axis_programme"


def test_progress_is_derived_from_leaf_activities_unless_set():
    project = ProjectFactory()
    first = ActivityFactory(project=project, number=1)
    ActivityFactory(project=project, parent=first, number=1, is_done=True)
    ActivityFactory(project=project, parent=first, number=2, is_done=False)
    ActivityFactory(project=project, number=2, is_done=True)
    # Leaves: two sub-steps and the second activity; two of three are done.
    assert project.progress_percent == 67
    listed = Project.objects.for_listing().get(pk=project.pk)
    assert listed.progress_percent == 67
    project.progress = 10
    assert project.progress_percent == 10
    project.status = Project.Status.DONE
    assert project.progress_percent == 100


def test_a_project_without_activities_has_no_progress():
    assert ProjectFactory().progress_percent == 0


def test_progress_is_reported_only_when_staff_or_an_activity_said_so():
    project = ProjectFactory()
    ActivityFactory(project=project, number=1, is_done=False)
    # Nothing reported: unknown, not 0 %.
    assert not project.progress_reported and project.reported_progress is None
    assert not Project.objects.for_listing().get(pk=project.pk).progress_reported
    project.progress = 0
    assert project.progress_reported and project.reported_progress == 0
    project.progress = None
    ActivityFactory(project=project, number=2, is_done=True)
    assert project.reported_progress == 50
    assert Project.objects.for_listing().get(pk=project.pk).reported_progress == 50
    unreported = ProjectFactory(status=Project.Status.DONE)
    assert unreported.reported_progress == 100


@time_machine.travel(datetime.date(2025, 1, 1))
def test_late_is_computed_from_the_end_date_and_status():
    project = ProjectFactory(end_date=datetime.date(2024, 12, 31))
    assert project.is_late
    project.status = Project.Status.DONE
    assert not project.is_late
    project.status = Project.Status.CANCELLED
    assert not project.is_late
    assert not ProjectFactory(end_date=datetime.date(2025, 1, 1)).is_late
    assert not ProjectFactory(start_date=None, end_date=None).is_late


def test_current_programme_is_the_latest_adopted():
    ProgrammeFactory(adoption_date=datetime.date(2019, 10, 1))
    latest = ProgrammeFactory(adoption_date=datetime.date(2023, 10, 5))
    assert Programme.objects.current() == latest


def test_total_cost_is_computed():
    project = ProjectFactory(estimated_cost=Decimal("40000"))
    ProjectFactory(axis=project.axis, estimated_cost=Decimal("20000.50"))
    assert Project.objects.total_cost() == Decimal("60000.50")
