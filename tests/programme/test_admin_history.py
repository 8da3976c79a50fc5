"""The project's history: partner changes are versions of the project (in the admin, and by role on the public
page), and each activity has its own history in the admin, from which staff restore one activity alone."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from programme.history import ROLE_EDITOR
from programme.models import Activity, Project
from tests.factories import PartnerFactory, programme_build

pytestmark = pytest.mark.django_db


def test_a_partner_change_is_recorded_and_shown_in_the_projects_history(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    added = PartnerFactory()
    before = project.history.count()
    project.partners.add(added)
    latest = project.history.latest("history_date")
    assert project.history.count() == before + 1
    assert added.pk in {row.partner_id for row in latest.partners.all()}
    with translation.override("fr"):
        html = admin_client.get(reverse("admin:programme_project_history", args=[project.pk])).content.decode()
    changes = html[html.index("change-history") :]
    assert "Partenaires" in changes and added.name_fr in changes


def activity_form(activity: Activity) -> dict:
    return {
        "project": activity.project_id,
        "parent": activity.parent_id or "",
        "number": activity.number,
        "text_ar": activity.text_ar,
        "text_fr": activity.text_fr or "",
        "is_done": "on" if activity.is_done else "",
    }


def test_one_activity_is_restored_from_its_own_history_without_touching_the_others(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    activity, other = project.activities.filter(parent__isnull=True).order_by("number")[:2]
    activity.save()  # the version to come back to
    good = activity.history.latest("history_date")
    activity.text_ar = "نص خاطئ"
    activity.save()
    other.text_ar = "تعديل آخر يبقى"
    other.save()

    history = admin_client.get(reverse("admin:programme_project_history", args=[project.pk])).content.decode()
    activity_history = reverse("admin:programme_activity_history", args=[activity.pk])
    assert activity_history in history
    assert admin_client.get(activity_history).status_code == 200
    restore = reverse("admin:programme_activity_simple_history", args=[activity.pk, good.history_id])
    assert admin_client.get(restore).status_code == 200
    response = admin_client.post(
        restore,
        activity_form(Activity(**{f.attname: getattr(good, f.attname) for f in Activity._meta.concrete_fields})),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programme_project_change", args=[project.pk])
    activity.refresh_from_db()
    other.refresh_from_db()
    assert activity.text_ar == good.text_ar and other.text_ar == "تعديل آخر يبقى"
    assert activity.history.latest("history_date").history_user.is_superuser


def test_a_deleted_activity_is_listed_in_the_projects_history_and_restored(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    activity = project.activities.filter(parent__isnull=True, children__isnull=True).first() or (
        project.activities.filter(parent__isnull=False).first()
    )
    activity.save()
    good = activity.history.latest("history_date")
    pk, text = activity.pk, activity.text_ar
    activity.delete()
    history = admin_client.get(reverse("admin:programme_project_history", args=[project.pk])).content.decode()
    assert reverse("admin:programme_activity_history", args=[pk]) in history
    restore = reverse("admin:programme_activity_simple_history", args=[pk, good.history_id])
    form = activity_form(Activity(**{f.attname: getattr(good, f.attname) for f in Activity._meta.concrete_fields}))
    assert admin_client.post(restore, form).status_code == 302
    assert Activity.objects.get(pk=pk).text_ar == text


def test_the_activity_admin_is_not_on_the_index(admin_client):
    assert (
        reverse("admin:programme_activity_changelist") not in admin_client.get(reverse("admin:index")).content.decode()
    )


def test_the_public_history_shows_a_partner_change_by_role_only(client, django_user_model):
    programme_build()
    editor = django_user_model.objects.create_user("amina.editor", first_name="Amina", last_name="Bennani")
    editor.groups.add(Group.objects.get(name="programme editors"))
    project = Project.objects.get(slug="project-1")
    project._history_user = editor
    project.save()  # a version with the partners it has
    added = PartnerFactory(name_fr="Agence du bassin hydraulique", name_ar="وكالة الحوض المائي")
    project._history_user = editor
    project.partners.add(added)
    with translation.override("fr"):
        html = client.get(reverse("programme:project-history", kwargs={"slug": project.slug})).content.decode()
        assert str(ROLE_EDITOR) in html
    assert "Agence du bassin hydraulique" in html and "Amina" not in html and "amina.editor" not in html
    with translation.override("ar"):
        html = client.get(reverse("programme:project-history", kwargs={"slug": project.slug})).content.decode()
    assert "وكالة الحوض المائي" in html


@pytest.mark.parametrize(("language", "heading"), [("ar", "التغييرات"), ("fr", "Modifications")])
def test_the_history_page_s_headings_are_in_the_staff_member_s_language(admin_client, language, heading):
    programme_build()
    project = Project.objects.get(slug="project-1")
    with translation.override(language):
        html = admin_client.get(reverse("admin:programme_project_history", args=[project.pk])).content.decode()
    # simple-history's own heading, which its Arabic catalogue lacks.
    assert f'<th scope="col">{heading}</th>' in html


def project_form(project: Project, partners: list[int]) -> dict:
    """The project's change form as the restore page shows it, with no activity or update changed."""
    data = {
        field: getattr(project, field) or ""
        for field in ("number", "slug", "title_ar", "title_fr", "summary_ar", "summary_fr", "estimated_cost")
    }
    data |= {
        "programme": project.programme_id,
        "axis": project.axis_id,
        "status": project.status,
        "progress": project.progress if project.progress is not None else "",
        "start_date": project.start_date or "",
        "end_date": project.end_date or "",
        "partners": partners,
    }
    return data


def test_restoring_a_version_offers_and_restores_its_partners(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    first, second = project.partners.order_by("pk")[:2]
    project.save()  # a version with the partners it has
    good = project.history.latest("history_date")
    assert {row.partner_id for row in good.partners.all()} == set(project.partners.values_list("pk", flat=True))
    newcomer = PartnerFactory()
    project.partners.set([newcomer])

    restore = reverse("admin:programme_project_simple_history", args=[project.pk, good.history_id])
    form = admin_client.get(restore).context["adminform"].form
    offered = set(form.initial["partners"])
    assert offered == {row.partner_id for row in good.partners.all()} and newcomer.pk not in offered
    assert {first.pk, second.pk} <= offered
    response = admin_client.post(restore, project_form(project, sorted(offered)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(project.partners.values_list("pk", flat=True)) == offered


def test_a_version_recorded_without_its_partners_keeps_the_current_ones(admin_client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    # The versions populate_history writes for loaded data hold no partners.
    bare = project.history.earliest("history_date")
    bare.partners.all().delete()
    restore = reverse("admin:programme_project_simple_history", args=[project.pk, bare.history_id])
    form = admin_client.get(restore).context["adminform"].form
    assert {partner.pk for partner in form.initial["partners"]} == set(project.partners.values_list("pk", flat=True))
