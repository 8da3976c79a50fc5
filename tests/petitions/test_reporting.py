"""Visitors report a public petition through the moderation pipeline; staff see the reports and act on them."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from moderation.models import Moderated
from petitions import services
from petitions.forms import PetitionReportForm
from petitions.models import Petition, PetitionReport
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

State = Petition.State
PUBLISHED, PENDING, HIDDEN = Moderated.Status.PUBLISHED, Moderated.Status.PENDING, Moderated.Status.HIDDEN
THANKS = {"ar": "شكرا لكم. سيطلع عليه المشرف.", "fr": "Merci. Un modérateur va l'examiner."}


def url(name: str, language: str = "ar", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def report_data(reason: str = "abusive", note: str = "", **more) -> dict:
    return {"report-reason": reason, "report-note": note, **more}


# The service


@override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=2)
def test_a_report_is_recorded_with_its_reason_and_counted_by_the_pipeline():
    petition = PetitionFactory()
    report = services.petition_report(petition=petition, reason="spam", note="  إشهار لشركة  ")
    assert (report.petition, report.reason, report.note) == (petition, "spam", "إشهار لشركة")
    petition.refresh_from_db()
    assert (petition.report_count, petition.status) == (1, PUBLISHED)
    # Past the threshold, the pipeline withdraws it until a moderator has looked at it.
    services.petition_report(petition=petition, reason="other")
    petition.refresh_from_db()
    assert (petition.report_count, petition.status) == (2, PENDING)
    assert not Petition.objects.public().filter(pk=petition.pk).exists()
    assert petition.reports.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"state": State.SUBMITTED, "status": PENDING, "published_on": None},
        {"status": HIDDEN},
        {"status": PENDING},
    ],
    ids=["never-published", "hidden", "withdrawn"],
)
def test_only_a_public_petition_can_be_reported(fields):
    petition = PetitionFactory(**fields)
    with pytest.raises(ValidationError) as caught:
        services.petition_report(petition=petition, reason="spam")
    assert caught.value.code == "not_reportable"
    assert not PetitionReport.objects.exists()
    petition.refresh_from_db()
    assert petition.report_count == 0


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("nonsense", "", "reason"), ("other", "x" * 301, "note"), ("other", "<a href='https://x.example'>x</a>", "note")],
)
def test_a_report_with_a_bad_reason_or_note_records_nothing(reason, note, field):
    petition = PetitionFactory()
    with pytest.raises(ValidationError) as caught:
        services.petition_report(petition=petition, reason=reason, note=note)
    assert field in caught.value.error_dict
    assert not PetitionReport.objects.exists()
    petition.refresh_from_db()
    assert petition.report_count == 0


def test_a_moderation_decision_settles_the_reports(admin_user):
    from moderation.services import item_moderate

    petition = PetitionFactory()
    report = services.petition_report(petition=petition, reason="abusive")
    assert not PetitionReport.objects.get(pk=report.pk).is_settled
    item_moderate(item=petition, decision=PUBLISHED, acting_user=admin_user)
    assert PetitionReport.objects.get(pk=report.pk).is_settled
    petition.refresh_from_db()
    assert (petition.report_count, petition.status) == (0, PUBLISHED)


# The form on the petition's page


def test_the_report_form_asks_for_a_reason_and_a_short_note_only():
    form = PetitionReportForm()
    assert set(form.fields) == {"reason", "note", "hp_check"}
    assert form.fields["note"].max_length == 300


@pytest.mark.parametrize(
    ("language", "summary", "reason"),
    [("ar", "الإبلاغ عن هذه العريضة", "إشهار أو رسائل مزعجة"), ("fr", "Signaler cette pétition", "publicité ou spam")],
)
def test_the_petition_page_has_the_report_form_without_script(client, language, summary, reason):
    petition = PetitionFactory()
    html = unescape(client.get(url("petitions:petition-detail", language, pk=petition.pk)).content.decode())
    form = re.search(r'<details class="report" id="report">.*?</details>', html, re.S).group(0)
    assert f"<summary>{summary}</summary>" in form
    assert f'action="{url("petitions:petition-report", language, pk=petition.pk)}#report-errors"' in form
    assert reason in form and 'name="report-hp_check"' in form and 'maxlength="300"' in form
    # Anonymous: no name, no address asked.
    assert 'type="email"' not in form and "display_name" not in form


@pytest.mark.parametrize("language", ["ar", "fr"])
@override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=3)
def test_a_report_is_counted_once_per_visitor(client, language):
    petition = PetitionFactory()
    target = url("petitions:petition-report", language, pk=petition.pk)
    response = client.post(target, report_data(note="عنوان شخص في النص"), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302
    assert response["Location"] == url("petitions:petition-detail", language, pk=petition.pk) + "#main"
    assert THANKS[language] in unescape(client.get(response["Location"]).content.decode())
    client.post(target, report_data(reason="spam"), REMOTE_ADDR="192.0.2.1")
    assert PetitionReport.objects.get().note == "عنوان شخص في النص"
    client.post(target, report_data(reason="spam"), REMOTE_ADDR="192.0.2.2")
    petition.refresh_from_db()
    assert petition.report_count == 2 and PetitionReport.objects.count() == 2


@pytest.mark.parametrize(
    ("language", "data", "error"),
    [
        ("ar", report_data(reason=""), "يرجى اختيار سبب الإبلاغ عن هذه العريضة."),
        ("fr", report_data(reason=""), "Choisissez pourquoi vous signalez cette pétition."),
        ("fr", report_data(reason="delete-everything"), "Sélectionnez un choix valide."),
        ("fr", report_data(note="x" * 301), "au plus 300 caractères"),
    ],
)
def test_a_bad_report_shows_the_page_again_with_the_form_open(client, language, data, error):
    petition = PetitionFactory()
    response = client.post(url("petitions:petition-report", language, pk=petition.pk), data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert '<details class="report" id="report" open>' in html
    assert 'id="report-errors"' in html and error in html
    assert petition.title in html
    assert not PetitionReport.objects.exists()
    petition.refresh_from_db()
    assert petition.report_count == 0


def test_what_a_visitor_typed_is_escaped_when_shown_again(client):
    petition = PetitionFactory()
    hostile = '<script>alert("x")</script>' + "x" * 300
    response = client.post(url("petitions:petition-report", "fr", pk=petition.pk), report_data(note=hostile))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_robots_filling_the_hidden_field_are_thanked_and_ignored(client):
    petition = PetitionFactory()
    target = url("petitions:petition-report", pk=petition.pk)
    response = client.post(target, report_data(**{"report-hp_check": "http://spam.example"}))
    assert response.status_code == 302
    assert not PetitionReport.objects.exists()
    petition.refresh_from_db()
    assert petition.report_count == 0


def test_reports_are_rate_limited(client, settings):
    settings.OPENMUN_RATE_LIMIT = (2, 600)
    petitions = PetitionFactory.create_batch(3)
    for petition in petitions[:2]:
        assert client.post(url("petitions:petition-report", pk=petition.pk), report_data()).status_code == 302
    response = client.post(url("petitions:petition-report", "fr", pk=petitions[2].pk), report_data())
    assert response.status_code == 429
    assert PetitionReport.objects.count() == 2


@pytest.mark.parametrize(
    "fields",
    [{"state": State.SUBMITTED, "status": PENDING, "published_on": None}, {"status": HIDDEN}],
    ids=["never-published", "hidden"],
)
def test_reporting_what_is_not_public_is_404(client, fields):
    petition = PetitionFactory(**fields)
    assert client.post(url("petitions:petition-report", pk=petition.pk), report_data()).status_code == 404
    assert client.post(url("petitions:petition-report", pk=987654), report_data()).status_code == 404
    assert client.get(url("petitions:petition-report", pk=petition.pk)).status_code == 405
    assert not PetitionReport.objects.exists()


def test_a_note_is_never_shown_publicly(client):
    petition = PetitionFactory()
    services.petition_report(petition=petition, reason="personal_data", note="هاتف الوكيل 0698765432")
    for language in ("ar", "fr"):
        for name, kwargs in (("petitions:petition-detail", {"pk": petition.pk}), ("petitions:petition-list", {})):
            assert "0698765432" not in client.get(url(name, language, **kwargs)).content.decode()


@override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=1)
def test_a_withdrawn_petition_leaves_the_cached_pages(client):
    petition = PetitionFactory(title="عريضة سيبلغ عنها الزوار")
    page = url("petitions:petition-detail", pk=petition.pk)
    for _ in range(2):  # the second answer may come from the page cache
        assert "عريضة سيبلغ عنها الزوار" in client.get(url("petitions:petition-list")).content.decode()
        assert client.get(page).status_code == 200
    client.post(url("petitions:petition-report", pk=petition.pk), report_data())
    assert "عريضة سيبلغ عنها الزوار" not in client.get(url("petitions:petition-list")).content.decode()
    assert client.get(page).status_code == 404


# Staff


def test_staff_see_the_reported_petition_on_the_dashboard_and_its_reasons(admin_client):
    petition = PetitionFactory()
    services.petition_report(petition=petition, reason="abusive", note="ألفاظ مسيئة")
    services.petition_report(petition=petition, reason="spam")
    html = unescape(admin_client.get("/ar/admin/").content.decode())
    assert "العرائض المبلغ عنها من الزوار" in html
    assert "إبلاغان في المجموع، والعرض مستمر على البوابة" in html
    listing = admin_client.get("/fr/admin/petitions/petition/?status__exact=published&reported=yes")
    assert petition.title in listing.content.decode()
    change = unescape(admin_client.get(f"/fr/admin/petitions/petition/{petition.pk}/change/").content.decode())
    assert "Signalements des visiteurs" in change
    assert "insultant, haineux ou menaçant" in change and "ألفاظ مسيئة" in change


def test_staff_hide_a_reported_petition_or_keep_it_and_settle_the_reports(admin_client):
    kept, hidden = PetitionFactory(), PetitionFactory()
    for petition in (kept, hidden):
        services.petition_report(petition=petition, reason="abusive")
    target = "/fr/admin/petitions/petition/"
    admin_client.post(target, {"action": "publish_selected", "_selected_action": [kept.pk]})
    admin_client.post(
        target,
        {"action": "hide_selected", "_selected_action": [hidden.pk], "apply": "1", "reason": "Propos injurieux"},
    )
    kept.refresh_from_db()
    hidden.refresh_from_db()
    assert (kept.status, kept.report_count) == (PUBLISHED, 0)
    assert (hidden.status, hidden.report_count, hidden.moderation_reason) == (HIDDEN, 0, "Propos injurieux")
    assert not Petition.objects.public().filter(pk=hidden.pk).exists()
    assert all(report.is_settled for report in PetitionReport.objects.select_related("petition"))
