import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from tests.factories import CommuneFactory


@pytest.fixture
def commune(db):
    return CommuneFactory(population=190000)


@pytest.fixture
def demo_data(db):
    """The shipped demonstration data, with the commune's programme, as make run loads them."""
    call_command(
        "loaddata",
        settings.BASE_DIR / "fixtures" / "programme.json",
        settings.BASE_DIR / "fixtures" / "budgets.json",
        verbosity=0,
    )


@pytest.fixture
def editor(db):
    user = User.objects.create_user("budget-editor", password="x-Strong-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="budget editors"))
    return user
