"""The staff area: sessions and petitions, whose steps are forms that call the services."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from petitions.models import CouncilSession, Petition
from tests.petitions.factories import CouncilSessionFactory, PetitionEventFactory, PetitionFactory, SupportFactory

pytestmark = pytest.mark.django_db

State = Petition.State


def admin_url(name: str, *args, language: str = "ar") -> str:
    with translation.override(language):
        return reverse(f"admin:{name}", args=args)


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("model", ["petition", "councilsession"])
def test_petition_officers_list_and_open_petitions_and_sessions(client, officer, language, model):
    PetitionFactory()
    CouncilSessionFactory()
    client.force_login(officer)
    response = client.get(admin_url(f"petitions_{model}_changelist", language=language))
    assert response.status_code == 200
    obj = response.context["cl"].result_list[0]
    assert client.get(admin_url(f"petitions_{model}_change", obj.pk, language=language)).status_code == 200


def test_the_change_page_offers_the_steps_the_procedure_allows(client, officer):
    petition = PetitionFactory(state=State.SUBMITTED, status=Petition.Status.PENDING, published_on=None)
    client.force_login(officer)
    html = client.get(admin_url("petitions_petition_change", petition.pk)).content.decode()
    for step in ("publish", "not-admit", "withdraw"):
        assert admin_url("petitions_petition_step", petition.pk, step) in html
    assert admin_url("petitions_petition_step", petition.pk, "deposit") not in html


@time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False)
def test_recording_steps_through_the_admin(client, officer, django_capture_on_commit_callbacks, mailoutbox):
    petition = PetitionFactory(state=State.SUBMITTED, status=Petition.Status.PENDING, published_on=None)
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url("petitions_petition_step", petition.pk, "publish"), {"notes_ar": "نشرت بعد الفحص", "notes_fr": ""}
        )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.status) == (State.PUBLISHED, Petition.Status.PUBLISHED)
    assert "http://testserver/ar/petitions/" in mailoutbox[-1].body
    receipt = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(
        admin_url("petitions_petition_step", petition.pk, "deposit"),
        {"receipt_number": "9/2026", "deposited_on": "2026-03-02", "paper_signature_count": "205", "document": receipt},
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert (petition.state, petition.receipt_number) == (State.DEPOSITED, "9/2026")


def test_a_step_the_procedure_does_not_allow_is_refused_with_a_message(client, officer):
    petition = PetitionFactory()
    session = CouncilSessionFactory(period_start=datetime.date(2031, 5, 1))
    client.force_login(officer)
    with translation.override("fr"):
        response = client.post(
            admin_url("petitions_petition_step", petition.pk, "accept", language="fr"),
            {"decided_on": datetime.date.today().isoformat(), "session": session.pk, "committees_ar": "لجنة"},
        )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and "recueille des soutiens" in errors[0]
    petition.refresh_from_db()
    assert petition.state == State.PUBLISHED


def test_field_errors_of_a_service_show_on_the_field(client, officer):
    petition = PetitionFactory(
        state=State.UNDER_REVIEW, deposited_on=datetime.date(2026, 1, 10), paper_signature_count=250
    )
    extraordinary = CouncilSessionFactory(
        kind=CouncilSession.Kind.EXTRAORDINARY, period_start=datetime.date(2031, 5, 1)
    )
    client.force_login(officer)
    response = client.post(
        admin_url("petitions_petition_step", petition.pk, "accept"),
        {"decided_on": datetime.date.today().isoformat(), "session": extraordinary.pk, "committees_ar": "لجنة"},
    )
    # The form only offers ordinary sessions to come.
    assert "session" in response.context["form"].errors


def test_the_state_cannot_be_edited_directly(client, officer):
    petition = PetitionFactory()
    client.force_login(officer)
    response = client.get(admin_url("petitions_petition_change", petition.pk))
    assert "state" not in response.context["adminform"].form.fields
    assert set(response.context["adminform"].form.fields) == {
        f"{name}_{code}" for name in ("committees", "refusal_reasons", "decision_summary") for code in ("ar", "fr")
    }


def test_staff_without_the_group_cannot_record_steps(client, django_user_model):
    petition = PetitionFactory()
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    client.force_login(clerk)
    assert client.get(admin_url("petitions_petition_step", petition.pk, "deposit")).status_code == 403


def test_the_export_link_is_on_the_petition(client, officer):
    petition = PetitionFactory(support_count=1)
    SupportFactory(petition=petition)
    client.force_login(officer)
    html = client.get(admin_url("petitions_petition_change", petition.pk)).content.decode()
    assert reverse("petitions:support-export", kwargs={"pk": petition.pk}) in html


def test_a_published_petition_can_be_taken_down_and_put_back(client, officer):
    published = PetitionFactory()
    submitted = PetitionFactory(state=State.SUBMITTED, status=Petition.Status.PENDING, published_on=None)
    client.force_login(officer)
    changelist = admin_url("petitions_petition_changelist")
    client.post(
        changelist,
        {
            "action": "hide_selected",
            "_selected_action": [published.pk, submitted.pk],
            "apply": "1",
            "reason": "محتوى مسيء",
        },
    )
    published.refresh_from_db()
    submitted.refresh_from_db()
    assert published.status == Petition.Status.HIDDEN and not Petition.objects.public().exists()
    assert submitted.status == Petition.Status.PENDING  # pre-checked with its own steps
    client.post(changelist, {"action": "publish_selected", "_selected_action": [published.pk, submitted.pk]})
    published.refresh_from_db()
    submitted.refresh_from_db()
    assert published.status == Petition.Status.PUBLISHED and published.state == State.PUBLISHED
    assert submitted.status == Petition.Status.PENDING


def test_petition_officers_cannot_delete_a_petition_the_procedure_withdraws(client, officer):
    petition = PetitionFactory(support_count=1)
    SupportFactory(petition=petition)
    PetitionEventFactory(petition=petition)
    assert not officer.has_perm("petitions.delete_petition")
    assert not officer.has_perm("petitions.delete_support") and not officer.has_perm("petitions.delete_petitionevent")
    client.force_login(officer)
    changelist = client.get(admin_url("petitions_petition_changelist"))
    assert "delete_selected" not in dict(changelist.context["action_form"].fields["action"].choices)
    delete_url = admin_url("petitions_petition_delete", petition.pk)
    assert delete_url not in client.get(admin_url("petitions_petition_change", petition.pk)).content.decode()
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        admin_url("petitions_petition_changelist"),
        {"action": "delete_selected", "_selected_action": [petition.pk], "post": "yes"},
    )
    assert Petition.objects.filter(pk=petition.pk).exists()
    assert petition.supports.count() == 1 and petition.events.count() == 1
    # The withdrawal is still offered, as the procedure allows it.
    assert (
        admin_url("petitions_petition_step", petition.pk, "withdraw")
        in client.get(admin_url("petitions_petition_change", petition.pk)).content.decode()
    )


def test_even_a_permission_given_by_hand_does_not_let_staff_delete_a_petition(client, officer):
    from django.contrib.auth.models import Permission

    petition = PetitionFactory()
    officer.user_permissions.add(Permission.objects.get(codename="delete_petition"))
    officer = type(officer).objects.get(pk=officer.pk)
    client.force_login(officer)
    assert client.post(admin_url("petitions_petition_delete", petition.pk), {"post": "yes"}).status_code == 403
    assert Petition.objects.filter(pk=petition.pk).exists()


def test_a_superuser_may_delete_a_petition(admin_client):
    petition = PetitionFactory()
    response = admin_client.post(admin_url("petitions_petition_delete", petition.pk), {"post": "yes"})
    assert response.status_code == 302 and not Petition.objects.filter(pk=petition.pk).exists()


PAPER_FORM = {
    "kind": "citizens",
    "title": "تهيئة حديقة حي النصر",
    "request": "نطلب من المجلس إدراج نقطة تتعلق بتهيئة حديقة حي النصر.",
    "reasons": "لا توجد مساحة خضراء في الحي ويحتاجها الأطفال والمسنون.",
    "domain": "green_spaces",
    "language": "ar",
    "agent_name": "محمد أمين",
    "citizens_eligible": "on",
    "within_limits": "on",
    "contact_email": "",
    "contact_phone": "",
}


@pytest.mark.parametrize(
    ("language", "title", "error"),
    [
        ("ar", "إدخال عريضة قدمت على الورق", "لا يمكن قبول عريضة تمس بهذه الثوابت."),
        ("fr", "Saisir une pétition présentée sur papier", "Une pétition qui touche à ces constantes"),
    ],
)
def test_petition_officers_enter_a_petition_filed_on_paper(client, commune, officer, language, title, error):
    client.force_login(officer)
    changelist = client.get(admin_url("petitions_petition_changelist", language=language)).content.decode()
    add = admin_url("petitions_petition_add", language=language)
    assert f'href="{add}"' in changelist
    response = client.get(add)
    assert response.status_code == 200
    assert title in response.content.decode()
    # The statutory declarations are checked as on the public form.
    response = client.post(add, {**PAPER_FORM, "within_limits": ""})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Petition.objects.exists()
    response = client.post(add, PAPER_FORM)
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == admin_url("petitions_petition_change", petition.pk, language=language)
    assert (petition.channel, petition.recorded_by, petition.state) == ("paper", officer, State.SUBMITTED)
    # Its page offers the pre-check's steps, as for a petition submitted online.
    html = client.get(response["Location"]).content.decode()
    assert admin_url("petitions_petition_step", petition.pk, "publish", language=language) in html


def test_only_petition_officers_enter_paper_petitions(client, commune):
    from django.contrib.auth.models import User

    clerk = User.objects.create_user("clerk", password="x-Strong-pass-1", is_staff=True)
    client.force_login(clerk)
    assert client.post(admin_url("petitions_petition_add"), PAPER_FORM).status_code == 403
    assert not Petition.objects.exists()
