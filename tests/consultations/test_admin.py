import csv
import io
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from consultations import services
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


def reply_change_data(ar: str = "", fr: str = "") -> dict:
    return {"text_ar": ar, "text_fr": fr}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_staff_reply_in_both_languages_in_the_comment_s_admin(staff, programme, moderator, language):
    comment = CommentFactory(project=programme.projects.first())
    with translation.override(language):
        change = reverse("admin:consultations_comment_change", args=[comment.pk])
    html = staff.get(change).content.decode()
    # Each language's field is written in its own language and direction, whatever the admin's.
    assert re.search(r'<textarea name="text_ar"[^>]* lang="ar" dir="rtl"', html)
    assert re.search(r'<textarea name="text_fr"[^>]* lang="fr" dir="ltr"', html)
    assert {"ar": "الرد الرسمي بالعربية", "fr": "Réponse officielle en français"}[language] in html
    response = staff.post(change, reply_change_data(ar="يبدأ الغرس في الخريف."))
    assert response.status_code == 302, response.content.decode()[:3000]
    reply = Comment.objects.get(parent=comment)
    assert (reply.is_official, reply.author, reply.status) == (True, moderator, Moderated.Status.PUBLISHED)
    # The same form then shows the reply, and adding French changes it rather than adding another.
    assert "يبدأ الغرس في الخريف." in staff.get(change).content.decode()
    staff.post(change, reply_change_data(ar="يبدأ الغرس في الخريف.", fr="Les plantations commencent en automne."))
    reply = Comment.objects.get(parent=comment)
    assert reply.official_texts() == {"ar": "يبدأ الغرس في الخريف.", "fr": "Les plantations commencent en automne."}
    # The comment itself is untouched.
    assert Comment.objects.get(pk=comment.pk).text == comment.text


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_an_official_reply_is_corrected_on_its_own_admin_page(staff, programme, moderator, language):
    comment = CommentFactory(project=programme.projects.first())
    reply = services.comment_reply(comment=comment, texts={"fr": "En automne."}, acting_user=moderator)
    with translation.override(language):
        change = reverse("admin:consultations_comment_change", args=[reply.pk])
    response = staff.post(change, reply_change_data(ar="في الخريف.", fr="En automne."))
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.official_texts() == {"ar": "في الخريف.", "fr": "En automne."}
    # Emptying both languages would leave an empty reply: refused, with the reason in the admin's language.
    response = staff.post(change, reply_change_data())
    assert response.status_code == 200
    assert {"ar": "يرجى كتابة الرد", "fr": "Écrivez la réponse"}[language] in response.content.decode()


def test_no_reply_to_a_hidden_comment_in_the_admin(staff, programme):
    comment = CommentFactory(project=programme.projects.first(), status=Moderated.Status.HIDDEN)
    change = reverse("admin:consultations_comment_change", args=[comment.pk])
    assert staff.post(change, reply_change_data(ar="رد")).status_code == 200
    assert not Comment.objects.filter(parent=comment).exists()


def test_staff_without_the_reply_permission_see_no_reply_field(client, programme, moderator):
    from django.contrib.auth.models import Permission

    comment = CommentFactory(project=programme.projects.first())
    services.comment_reply(comment=comment, texts={"ar": "في الخريف."}, acting_user=moderator)
    for group in moderator.groups.all():
        group.permissions.remove(Permission.objects.get(codename="reply_comment"))
    client.force_login(moderator)
    html = client.get(reverse("admin:consultations_comment_change", args=[comment.pk])).content.decode()
    assert 'name="text_ar"' not in html
    reply = Comment.objects.get(parent=comment)
    html = client.get(reverse("admin:consultations_comment_change", args=[reply.pk])).content.decode()
    assert 'name="text_ar"' not in html and "في الخريف." in html
