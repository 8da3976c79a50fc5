import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from programme.history import ROLE_EDITOR
from programme.models import Activity, Project
from tests.factories import ActivityFactory, ProjectUpdateFactory, programme_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = User.objects.create_user(
        "amina.editor", password="x-Strong-pass-1", is_staff=True, first_name="Amina", last_name="Bennani"
    )
    user.groups.add(Group.objects.get(name="programme editors"))
    return user


def change_data(project: Project, **changes) -> dict:
    data = {
        "programme": project.programme_id,
        "axis": project.axis_id,
        "number": project.number,
        "slug": project.slug,
        "title_ar": project.title_ar,
        "title_fr": project.title_fr,
        "summary_ar": "",
        "summary_fr": "",
        "estimated_cost": str(project.estimated_cost),
        "status": project.status,
        "start_date": project.start_date.strftime("%d/%m/%Y"),
        "end_date": project.end_date.strftime("%d/%m/%Y"),
        "activities-TOTAL_FORMS": 0,
        "activities-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def history_path(project: Project, language: str = "ar") -> str:
    with translation.override(language):
        return reverse("programme:project-history", kwargs={"slug": project.slug})


def test_an_admin_edit_is_recorded_with_its_account_and_shown_by_role(client, editor):
    programme_build()
    project = Project.objects.get(slug="project-1")
    client.force_login(editor)
    with translation.override("fr"):
        change = reverse("admin:programme_project_change", args=[project.pk])
    response = client.post(
        change,
        change_data(
            project, estimated_cost="55000.00", status="in_progress", title_fr="La ville verte", end_date="31/12/2025"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = project.history.latest("history_date")
    assert record.history_type == "~" and record.history_user == editor
    client.logout()
    html = client.get(history_path(project, "fr")).content.decode()
    with translation.override("fr"):
        assert str(ROLE_EDITOR) in html
    assert "Amina" not in html and "Bennani" not in html and "amina.editor" not in html
    # Old → new, in the portal's formats.
    assert '<bdi dir="ltr">40\xa0000,00</bdi>\xa0DH' in html and '<bdi dir="ltr">55\xa0000,00</bdi>\xa0DH' in html
    assert '<time datetime="2025-12-31">' in html and '<time datetime="2024-12-31">' in html
    assert "La ville verte" in html
    html_ar = client.get(history_path(project, "ar")).content.decode()
    assert '<bdi dir="ltr">55\xa0000,00</bdi>\xa0درهم' in html_ar


def test_a_service_write_is_recorded_with_its_acting_user_and_a_script_as_the_system(client, editor):
    programme_build()
    project = Project.objects.get(slug="project-1")
    # What a service does with acting_user=: name the account that makes the change.
    project._history_user = editor
    project.status = Project.Status.DONE
    project.save()
    activity = project.activities.filter(parent__isnull=True).first()
    activity.text_ar = "نص جديد للنشاط"
    activity.save()
    ProjectUpdateFactory(project=project, date=datetime.date(2025, 3, 4))
    records = list(project.history.order_by("history_date"))
    assert records[-1].history_user == editor
    assert activity.history.latest("history_date").history_user is None
    html = client.get(history_path(project, "fr")).content.decode()
    assert html.count('class="history__entry"') >= 3
    assert "نص جديد للنشاط" in html


def test_fixture_loading_alone_records_no_change():
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "programme.json", verbosity=0)
    assert not Project.history.exists()


def test_load_commune_data_records_the_loaded_rows_as_the_first_version(client):
    call_command("load_commune_data", verbosity=0)
    assert Project.history.count() == Project.objects.count() == 10
    assert Activity.history.count() == Activity.objects.count()
    assert set(Project.history.values_list("history_type", flat=True)) == {"+"}
    # The search index is built from the loaded data too.
    from transparency.models import SearchEntry

    assert SearchEntry.objects.filter(kind="project").count() == 2 * 10
    html = client.get(history_path(Project.objects.get(slug="green-city"), "fr")).content.decode()
    assert "created" in html or "créé" in html


def test_staff_see_the_full_history_in_the_admin_and_restore_a_version(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    project.save()  # the first recorded version
    first = project.history.latest("history_date")
    project.estimated_cost = Decimal("99000.00")
    project.title_ar = "عنوان خاطئ"
    project.save()
    history = admin_client.get(reverse("admin:programme_project_history", args=[project.pk]))
    assert history.status_code == 200 and "99000" in history.content.decode()
    restore = reverse("admin:programme_project_simple_history", args=[project.pk, first.history_id])
    assert admin_client.get(restore).status_code == 200
    response = admin_client.post(
        restore, change_data(Project(**{f.attname: getattr(first, f.attname) for f in Project._meta.concrete_fields}))
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.estimated_cost == Decimal("40000.00") and project.title_ar == first.title_ar
    latest = project.history.latest("history_date")
    assert latest.history_user.is_superuser and latest.history_type == "~"


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_history_page_in_both_languages_is_linked_from_the_project(client, language, direction):
    programme_build()
    project = Project.objects.get(slug="project-1")
    with translation.override(language):
        page = reverse("programme:project-detail", kwargs={"slug": project.slug})
    assert f'href="{history_path(project, language)}"' in client.get(page).content.decode()
    html = client.get(history_path(project, language)).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html and html.count("<h1") == 1
    assert client.get(history_path(Project(slug="nothing"), language)).status_code == 404


def test_the_history_page_costs_the_same_queries_whatever_the_history(
    assert_queries_fixed, client, django_assert_max_num_queries, editor
):
    programme_build()
    project = Project.objects.get(slug="project-1")
    project._history_user = editor
    project.save()

    def grow():
        for number in range(40):
            project.estimated_cost += 1
            project._history_user = editor if number % 2 else None
            project.save()
            ActivityFactory(project=project, number=100 + number)
            ProjectUpdateFactory(project=project)

    queries = assert_queries_fixed(history_path(project), grow=grow, limit=10)
    # A later page of the long history costs no more (the commune, read once per content version, is known by then).
    with django_assert_max_num_queries(queries):
        assert client.get(history_path(project) + "?page=3").status_code == 200
