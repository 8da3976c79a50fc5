"""The admin's words: Moroccan Arabic where Django's catalogues are wrong for Morocco, every heading translated."""

import json
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.utils import translation

from budgets.models import Phase
from tests.months import MOROCCAN_MONTHS

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"
ADMIN_JS_MSGIDS = Path(admin.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"
MASHRIQ_MONTHS = ["مايو", "يوليو", "أغسطس", "سبتمبر", "نوفمبر", "ديسمبر"]


def in_javascript(text: str) -> str:
    """Return text as the JavaScript catalogue writes it (JSON, non-ASCII letters escaped)."""
    return json.dumps(text)[1:-1]


def test_the_date_picker_has_the_moroccan_months_in_arabic(admin_client):
    response = admin_client.get("/ar/admin/jsi18n/")
    assert response.status_code == 200
    catalogue = response.content.decode()
    for month in MOROCCAN_MONTHS:
        assert f'"{in_javascript(month)}"' in catalogue, month
    for month in MASHRIQ_MONTHS:
        assert f'"{in_javascript(month)}"' not in catalogue, month
    # The calendar's words, whole and in the administrative register: not "إختر تاريخ" nor a cut "ألغ".
    for word in ("اختيار التاريخ", "إلغاء", "اليوم", "الآن", "منتصف الليل", "منتصف النهار", "الأحد", "الجمعة"):
        assert f'"{in_javascript(word)}"' in catalogue, word
    for wrong in ("إختر تاريخ", "ألغ"):
        assert f'"{in_javascript(wrong)}"' not in catalogue, wrong


def test_the_date_picker_speaks_french_in_french(admin_client):
    catalogue = admin_client.get("/fr/admin/jsi18n/").content.decode()
    for word in ("Choisir une date", "Annuler", "Aujourd'hui", "ao\\u00fbt", "d\\u00e9cembre"):
        assert word in catalogue, word


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_javascript_catalogues_translate_every_message_of_the_admin(language):
    # Django's English catalogue lists the msgids of the admin's scripts; ours must hold each, translated.
    wanted = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(ADMIN_JS_MSGIDS)) if entry.msgid}
    ours = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "djangojs.po"))
    assert {(entry.msgctxt, entry.msgid) for entry in ours.translated_entries()} == wanted
    assert ours.fuzzy_entries() == []


@pytest.mark.parametrize(
    ("language", "added", "changed", "wrong"),
    [
        ("ar", "تمت إضافة مجموعة «", "تم تعديل مجموعة «", "نجحت إضافة"),
        ("fr", "L'objet groupe «\u00a0", "» a été modifié.", "ajouté avec succès"),
    ],
)
def test_the_admin_says_changed_after_a_change(admin_client, language, added, changed, wrong):
    response = admin_client.post(f"/{language}/admin/auth/group/add/", {"name": "editors", "_save": "1"}, follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert added in messages[0]
    group = Group.objects.get(name="editors")
    response = admin_client.post(
        f"/{language}/admin/auth/group/{group.pk}/change/", {"name": "web editors", "_save": "1"}, follow=True
    )
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert changed in messages[0]
    assert wrong not in messages[0]


def test_the_admin_addresses_staff_in_the_administrative_register(admin_client):
    page = admin_client.get("/ar/admin/auth/group/add/").content.decode()
    # Nouns for the buttons (حفظ), never the masculine singular imperative of Django's catalogue (احفظ).
    assert 'value="حفظ"' in page
    assert "احفظ" not in page
    assert "أضف" not in page


def test_every_heading_of_the_admin_index_is_translated(admin_user):
    request = RequestFactory().get("/ar/admin/")
    request.user = admin_user
    with translation.override("en"):
        english = {app["app_label"]: str(app["name"]) for app in admin.site.get_app_list(request)}
    with translation.override("ar"):
        arabic = {app["app_label"]: str(app["name"]) for app in admin.site.get_app_list(request)}
    assert arabic["axes"] == "قفل تسجيل الدخول"
    untranslated = [label for label, name in arabic.items() if name == english[label]]
    assert untranslated == []


def test_the_index_heads_django_axes_in_arabic(admin_client):
    page = admin_client.get("/ar/admin/").content.decode()
    assert "قفل تسجيل الدخول" in page
    assert ">Axes<" not in page


@pytest.mark.parametrize(
    ("language", "phase", "model"),
    [("ar", "تقديم المقترحات", "المقترحات"), ("fr", "dépôt des propositions", "propositions")],
)
def test_the_proposals_phase_and_the_proposals_are_two_words(language, phase, model):
    from budgets.models import Proposal

    with translation.override(language):
        assert str(Phase.Kind.PROPOSALS.label) == phase
        assert str(Proposal._meta.verbose_name_plural) == model
