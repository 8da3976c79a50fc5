import pytest
from django.contrib.auth.models import Group, User

from tests.consultations.factories import RoundFactory, open_round
from tests.factories import programme_build


@pytest.fixture
def programme(db):
    return programme_build()


@pytest.fixture
def consultation_round(programme):
    """A round whose digital consultation is open today."""
    return open_round(programme, slug="ideas")


@pytest.fixture
def closed_round(programme):
    import datetime

    return RoundFactory(
        programme=programme, slug="closed", opens_on=datetime.date(2023, 7, 19), closes_on=datetime.date(2023, 7, 30)
    )


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("moderator", password="x-Strong-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="moderators"))
    return user


@pytest.fixture
def clerk(db):
    """A staff account without the moderators group."""
    return User.objects.create_user("clerk", password="x-Strong-pass-1", is_staff=True)
