"""Petitions and council sessions in a real browser: supporting a petition in Arabic, end to end."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from petitions import services
from petitions.models import CouncilSession, Petition
from tests.browser.conftest import assert_accessible, screenshot
from tests.petitions.factories import PetitionEventFactory, PetitionFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def petition(site):
    services.council_sessions_generate(year=2031)
    session = CouncilSession.objects.get(slug="2031-05-ordinary")
    PetitionFactory(
        title="تهيئة ملعب القرب بحي الأمل",
        state=Petition.State.ACCEPTED,
        session=session,
        deposited_on="2026-01-10",
        decided_on="2026-02-01",
        paper_signature_count=230,
        committees_ar="لجنة المرافق العمومية",
        committees_fr="Commission des services publics",
    )
    petition = PetitionFactory(
        title="تعميم الإنارة العمومية في حي الأمل",
        request="نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في أزقة حي الأمل ضمن جدول أعمال دورته.",
        reasons="تعاني أزقة الحي من الظلام ليلا، مما يهدد سلامة السكان، وخاصة النساء والأطفال والمسنين.",
        support_count=41,
    )
    PetitionEventFactory(petition=petition, note_ar="نشرت بعد الفحص الأولي", note_fr="Publiée après vérification")
    return petition


def ar(text: str) -> str:
    with translation.override("ar"):
        return gettext(text)


def test_supporting_a_petition_in_arabic(site, page, petition, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    page.goto(f"{site}/ar/petitions/{petition.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("progress").get_attribute("value") == "41"
    page.get_by_label(ar("full name").capitalize()).fill("سعيد الإدريسي")
    page.get_by_label(ar("I live in the commune")).check()
    page.get_by_label(ar("e-mail").capitalize(), exact=True).fill("said@example.ma")
    page.get_by_label(
        ar(
            "I agree that the commune keeps my name, my link with the commune and my e-mail address to "
            "count my support, as explained above."
        )
    ).check()
    screenshot(page, "petition-support-form-ar")
    page.get_by_role("button", name=ar("Support the petition")).click()
    page.wait_for_url(f"{site}/ar/petitions/{petition.pk}/support/sent/#main")
    assert page.get_by_role("heading", level=1).inner_text() == ar("Check your e-mail")

    (message,) = mail.outbox
    assert message.to == ["said@example.ma"]
    link = re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)
    page.goto(link)
    # Opening the link counts nothing: the page asks to press the button.
    assert Petition.objects.get(pk=petition.pk).support_count == 41
    assert_accessible(page)
    screenshot(page, "petition-support-confirm-ar")
    page.get_by_role("button", name=ar("Confirm my support")).click()
    # A page of its own: the thanks as its heading, the new count, no form to sign again.
    page.wait_for_url(f"{site}/ar/petitions/{petition.pk}/support/counted/")
    assert page.locator("progress").get_attribute("value") == "42"
    assert page.get_by_role("heading", level=1).inner_text() == ar("Thank you: your support is counted.")
    assert Petition.objects.get(pk=petition.pk).support_count == 42
    screenshot(page, "petition-support-counted-ar")


PAGES = [
    ("petitions", "/{lang}/petitions/"),
    ("petition", "/{lang}/petitions/{pk}/"),
    ("petition-accepted", "/{lang}/petitions/{accepted}/"),
    ("petition-guide", "/{lang}/petitions/guide/"),
    ("petition-new", "/{lang}/petitions/new/"),
    ("council", "/{lang}/council/"),
    ("council-session", "/{lang}/council/2031-05-ordinary/"),
]


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr")])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_petition_pages_accessibility_and_small_screens(site, page_check, petition, name, path, lang, direction):
    accepted = Petition.objects.get(state=Petition.State.ACCEPTED)
    url = site + path.format(lang=lang, pk=petition.pk, accepted=accepted.pk)
    page_check(url, name=f"{name}-{lang}", direction=direction)


def test_a_petition_form_with_errors_is_accessible(site, page, petition):
    page.goto(f"{site}/fr/petitions/new/")
    page.get_by_role("button").last.click()
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page)
    screenshot(page, "petition-new-errors-fr")


def test_supporting_works_without_javascript(site, browser, petition, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/fr/petitions/{petition.pk}/")
    page.fill("input[name=name]", "Said Idrissi")
    page.check("input[name=relation][value=activity]")
    page.fill("input[name=email]", "said@example.ma")
    page.check("input[name=consent]")
    page.locator("form.support-form button[type=submit]").click()
    page.wait_for_url(f"{site}/fr/petitions/{petition.pk}/support/sent/#main")
    assert len(mail.outbox) == 1
    context.close()
