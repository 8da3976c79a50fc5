import pytest
from django.contrib.auth.models import Group, User

from tests.factories import CommuneFactory


@pytest.fixture
def commune(db):
    """Beni Mellal's figures: 192 676 inhabitants (2014 census), no arrondissements."""
    return CommuneFactory(name_ar="جماعة بني ملال", name_fr="Commune de Beni Mellal", population=192676)


@pytest.fixture
def officer(db):
    """A staff member of the group that runs the petition procedure."""
    user = User.objects.create_user("officer", password="x-Strong-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="petition officers"))
    return User.objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance
