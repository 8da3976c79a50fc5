import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from consultations.models import Comment, Contribution
from moderation.models import Moderated
from tests.consultations.factories import CommentFactory, ContributionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:consultations_contribution_changelist"


@pytest.fixture
def staff(client, moderator):
    client.force_login(moderator)
    return client


def action(client, name: str, items, model: str = "contribution", **extra):
    return client.post(
        reverse(f"admin:consultations_{model}_changelist"),
        {"action": name, ACTION_CHECKBOX_NAME: [item.pk for item in items], **extra},
    )


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("model", ["round", "contribution", "comment"])
def test_moderators_list_and_open_everything(staff, consultation_round, programme, language, model):
    ContributionFactory(round=consultation_round)
    CommentFactory(project=programme.projects.first())
    with translation.override(language):
        response = staff.get(reverse(f"admin:consultations_{model}_changelist"))
        assert response.status_code == 200
        obj = response.context["cl"].result_list[0]
        assert staff.get(reverse(f"admin:consultations_{model}_change", args=[obj.pk])).status_code == 200


def test_publish_in_bulk(staff, consultation_round):
    items = ContributionFactory.create_batch(3, round=consultation_round, status=Moderated.Status.PENDING)
    response = action(staff, "publish_selected", items[:2])
    assert response.status_code == 302
    assert [Contribution.objects.get(pk=i.pk).status for i in items] == ["published", "published", "pending"]


def test_hiding_in_bulk_asks_for_the_reason(staff, programme):
    comments = CommentFactory.create_batch(2, project=programme.projects.first())
    response = action(staff, "hide_selected", comments, model="comment")
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert all(Comment.objects.get(pk=c.pk).status == Moderated.Status.PUBLISHED for c in comments)
    response = action(staff, "hide_selected", comments, model="comment", apply="1", reason="")
    assert response.status_code == 200
    response = action(staff, "hide_selected", comments, model="comment", apply="1", reason="Spam")
    assert response.status_code == 302
    assert {(c.status, c.moderation_reason) for c in Comment.objects.all()} == {("hidden", "Spam")}


def test_programme_editors_cannot_moderate(client, programme):
    from django.contrib.auth.models import Group, User

    editor = User.objects.create_user("editor", password="x-Strong-pass-1", is_staff=True)
    editor.groups.add(Group.objects.get(name="programme editors"))
    client.force_login(editor)
    assert client.get(reverse("admin:consultations_comment_changelist")).status_code == 403


def test_staff_record_a_paper_contribution(staff, closed_round, moderator):
    response = staff.post(
        reverse("admin:consultations_contribution_add"),
        {
            "round": closed_round.pk,
            "channel": "paper",
            "created_at_0": "11/07/2023",
            "created_at_1": "10:00:00",
            "title": "",
            "text": "  تنظيم حملات تحسيسية\u202e في الأسواق  ",
            "axis": "",
            "project": "",
            "display_name": "",
            "email": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    contribution = Contribution.objects.get()
    assert contribution.text == "تنظيم حملات تحسيسية في الأسواق"
    assert contribution.status == Moderated.Status.PUBLISHED
    assert contribution.recorded_by == moderator
    assert contribution.created_at.date().isoformat() == "2023-07-11"


def test_staff_give_the_outcome_in_the_change_form(staff, consultation_round, programme, moderator):
    contribution = ContributionFactory(round=consultation_round)
    project = programme.projects.get(number=3)
    with translation.override("fr"):
        change = reverse("admin:consultations_contribution_change", args=[contribution.pk])
    data = {"outcome": "not_retained", "outcome_project": "", "merged_into": "", "answer_ar": "", "answer_fr": ""}
    response = staff.post(change, data)
    assert response.status_code == 200
    assert "Indiquez pourquoi la contribution n" in response.content.decode()
    response = staff.post(
        change, {**data, "outcome": "taken", "outcome_project": project.pk, "answer_ar": "أدرجت في المشروع"}
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert (contribution.outcome, contribution.outcome_project, contribution.answered_by) == (
        "taken",
        project,
        moderator,
    )
    # What the citizen wrote is not editable there.
    assert 'name="text"' not in staff.get(change).content.decode()


def test_csv_export_has_no_email_and_neutralises_formulas(staff, consultation_round):
    items = [
        ContributionFactory(
            round=consultation_round,
            email="hidden@example.ma",
            display_name="=HYPERLINK(1)",
            text="=cmd|' /C calc'!A0 نص",
        ),
        ContributionFactory(round=consultation_round, text="فكرة عادية عن الحي"),
    ]
    response = action(staff, "export_csv", items)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="contributions.csv"' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    assert "hidden@example.ma" not in content
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert "'=cmd|' /C calc'!A0 نص" in rows[1] and "'=HYPERLINK(1)" in rows[1]
    assert "فكرة عادية عن الحي" in rows[2]


def test_xlsx_export_stores_text_as_text(staff, consultation_round, programme):
    contribution = ContributionFactory(round=consultation_round, email="hidden@example.ma", text="=SUM(A1:A2) فكرة")
    with translation.override("ar"):
        response = action(staff, "export_xlsx", [contribution])
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.sheet_view.rightToLeft
    values = [cell.value for cell in sheet[2]]
    assert "=SUM(A1:A2) فكرة" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "hidden@example.ma" not in {str(v) for row in sheet.iter_rows(values_only=True) for v in row}
    comment = CommentFactory(project=programme.projects.first(), email="hidden2@example.ma")
    response = action(staff, "export_xlsx", [comment], model="comment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert comment.text in [cell.value for cell in sheet[2]]


def test_exports_need_the_view_permission(client, clerk, consultation_round):
    client.force_login(clerk)
    contribution = ContributionFactory(round=consultation_round)
    assert action(client, "export_csv", [contribution]).status_code == 403
