import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import translation

from programme.models import Project
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["commune", "programme", "axis", "partner", "project"]


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", password="x-Strong-pass-1", is_staff=True)
    user.groups.add(Group.objects.get(name="programme editors"))
    client.force_login(user)
    return user


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_programme_editors_can_list_and_edit_everything(client, editor, language, model):
    programme_build()
    with translation.override(language):
        changelist = reverse(f"admin:programme_{model}_changelist")
    response = client.get(changelist)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html
    obj = response.context["cl"].result_list[0]
    with translation.override(language):
        change = reverse(f"admin:programme_{model}_change", args=[obj.pk])
    html = client.get(change).content.decode()
    # Translation tabs use the jQuery UI copy under static/, never a CDN.
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html


def test_programme_editors_may_not_manage_users(client, editor):
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_dates_use_moroccan_month_names(client, admin_client):
    programme_build()
    with translation.override("ar"):
        html = admin_client.get(reverse("admin:programme_programme_changelist")).content.decode()
    assert "أكتوبر" in html and "5 أكتوبر 2023" in html


def test_validation_errors_are_in_the_staffs_language(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    data = {
        "programme": project.programme_id,
        "axis": project.axis_id,
        "number": 1,
        "slug": "project-1",
        "title_ar": "مشروع",
        "title_fr": "Projet",
        "estimated_cost": "-5",
        "status": "planned",
        "start_date": "01/05/2024",
        "end_date": "30/04/2024",
        "activities-TOTAL_FORMS": 0,
        "activities-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    for language, messages in [
        ("ar", ["لا يمكن أن يسبق تاريخ النهاية تاريخ البدء."]),
        (
            "fr",
            [
                "La date de fin ne peut pas précéder la date de début.",
                "Assurez-vous que cette valeur est supérieure ou égale à 0.",
            ],
        ),
    ]:
        with translation.override(language):
            change = reverse("admin:programme_project_change", args=[project.pk])
        response = admin_client.post(change, data)
        assert response.status_code == 200
        html = response.content.decode()
        for message in messages:
            assert message in html
    project.refresh_from_db()
    assert project.estimated_cost == 40000
