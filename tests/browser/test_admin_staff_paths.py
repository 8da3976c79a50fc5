"""The staff's paths in the Arabic admin: the commune's reply to a comment in both languages, a paper petition, a
petition that a visitor reported from a phone."""

from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission, User

from consultations.models import Comment
from moderation.models import Moderated
from petitions.models import Petition
from programme.models import Project
from tests.browser.conftest import assert_accessible, screenshot
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser

PASSWORD = "a-Staff-pass-2026"
QUESTION = "متى تبدأ أشغال غرس الأشجار في حي الأمل؟"
REPLY_AR = "تبدأ أشغال الغرس في شهر نونبر المقبل."
REPLY_FR = "Les plantations commencent en novembre prochain."
PETITION_TITLE = "تهيئة حديقة حي النصر"


@pytest.fixture
def staff_member(site):
    """A staff member of the moderators and of the petition officers (the database is flushed between tests)."""
    migration = import_module("consultations.migrations.0002_moderators_group")
    moderators, _created = Group.objects.get_or_create(name=migration.GROUP_NAME)
    for app_label, codename in migration.PERMISSIONS:
        moderators.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    officers, _created = Group.objects.get_or_create(name="petition officers")
    officers.permissions.set(
        Permission.objects.filter(content_type__app_label="petitions").exclude(codename__startswith="delete_")
    )
    user = User.objects.create_user("agent-jamaa", password=PASSWORD, is_staff=True)
    user.groups.add(moderators, officers)
    return user


def sign_in(page, site: str, next_path: str) -> None:
    page.goto(f"{site}/ar/admin/login/?next={next_path}")
    page.fill("#id_username", "agent-jamaa")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(site + next_path)


def test_the_commune_replies_in_both_languages_from_the_arabic_admin(site, staff_member, page):
    project = Project.objects.get(slug="green-city")
    comment = Comment.objects.create(project=project, text=QUESTION, status=Moderated.Status.PUBLISHED)
    change = f"/ar/admin/consultations/comment/{comment.pk}/change/"
    sign_in(page, site, change)
    arabic, french = page.locator("#id_text_ar"), page.locator("#id_text_fr")
    # Each language is typed in its own direction, whatever the admin's.
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert (arabic.get_attribute("dir"), arabic.get_attribute("lang")) == ("rtl", "ar")
    assert (french.get_attribute("dir"), french.get_attribute("lang")) == ("ltr", "fr")
    assert page.get_by_label("الرد الرسمي بالعربية").count() == 1
    arabic.fill(REPLY_AR)
    french.fill(REPLY_FR)
    screenshot(page, "admin-comment-reply-ar")
    page.locator("input[name=_save]").click()
    page.wait_for_url(site + "/ar/admin/consultations/comment/")
    reply = Comment.objects.get(parent=comment)
    assert reply.official_texts() == {"ar": REPLY_AR, "fr": REPLY_FR}

    for language, text, direction, other in (("ar", REPLY_AR, "rtl", REPLY_FR), ("fr", REPLY_FR, "ltr", REPLY_AR)):
        page.goto(f"{site}/{language}/programme/projects/green-city/")
        shown = page.locator(f"#comment-{reply.pk} .citizen-text")
        assert shown.inner_text().strip() == text
        assert (shown.get_attribute("lang"), shown.get_attribute("dir")) == (language, direction)
        assert other not in page.locator(f"#comment-{reply.pk}").inner_text()
        screenshot(page, f"project-official-reply-{language}")


def test_a_petition_filed_on_paper_is_entered_in_the_arabic_admin(site, staff_member, page):
    sign_in(page, site, "/ar/admin/petitions/petition/")
    page.get_by_role("link", name="إدخال عريضة قدمت على الورق").click()
    page.wait_for_url(site + "/ar/admin/petitions/petition/add/")
    assert page.get_by_role("heading", name="إدخال عريضة قدمت على الورق").count() == 1
    page.locator("#id_kind_0").check()
    page.fill("#id_title", PETITION_TITLE)
    page.fill("#id_request", "نطلب من المجلس إدراج نقطة تتعلق بتهيئة حديقة حي النصر.")
    page.fill("#id_reasons", "لا توجد مساحة خضراء في الحي ويحتاجها الأطفال والمسنون.")
    page.select_option("#id_domain", "green_spaces")
    page.select_option("#id_language", "ar")
    page.fill("#id_agent_name", "محمد أمين")
    page.locator("#id_citizens_eligible").check()
    # Without the declaration on the constants of the Constitution, nothing is recorded.
    page.get_by_role("button", name="تسجيل العريضة").click()
    assert "لا يمكن قبول عريضة تمس بهذه الثوابت." in page.content()
    assert not Petition.objects.exists()
    page.locator("#id_within_limits").check()
    screenshot(page, "admin-paper-petition-ar")
    page.get_by_role("button", name="تسجيل العريضة").click()
    page.wait_for_url("**/change/")
    petition = Petition.objects.get()
    assert (petition.channel, petition.recorded_by, petition.state) == ("paper", staff_member, "submitted")
    assert "تم تسجيل العريضة المقدمة على الورق." in page.content()

    # It then follows the normal steps: the pre-check publishes it on the portal.
    page.get_by_role("link", name="النشر بعد الفحص الأولي").click()
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/change/")
    page.goto(f"{site}/ar/petitions/{petition.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().strip() == PETITION_TITLE
    # It says it was filed on paper, and asks for no online support: its signatures are on paper.
    assert "أودعت ورقيا لدى مكتب الضبط بالجماعة في" in page.locator(".petition__channel").inner_text()
    assert page.locator(".support-form, .support-bar").count() == 0
    screenshot(page, "petition-filed-on-paper-ar")
    page.goto(f"{site}/fr/petitions/{petition.pk}/")
    assert "Déposée sur papier au bureau d'ordre de la commune le" in page.locator(".petition__channel").inner_text()


def test_a_visitor_reports_a_petition_on_a_phone_and_staff_see_it_on_the_dashboard(site, staff_member, phone, page):
    petition = PetitionFactory(title="تعميم الإنارة العمومية في حي الأمل")
    phone.goto(f"{site}/ar/petitions/{petition.pk}/")
    phone.get_by_text("الإبلاغ عن هذه العريضة", exact=True).click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)
    # Without a reason, the page comes back with the form open and the error first (no script needed).
    phone.get_by_role("button", name="إرسال الإبلاغ").click()
    assert "يرجى اختيار سبب الإبلاغ عن هذه العريضة." in phone.locator("#report-errors").inner_text()
    assert phone.locator("details.report").get_attribute("open") is not None
    phone.get_by_label("سب أو كراهية أو تهديد").check()
    phone.get_by_label("التفاصيل").fill("عبارات مسيئة في نص الأسباب")
    assert_accessible(phone)
    screenshot(phone, "petition-report-ar-360px")
    phone.get_by_role("button", name="إرسال الإبلاغ").click()
    assert "شكرا لكم. سيطلع عليه المشرف." in phone.get_by_role("status").first.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    sign_in(page, site, "/ar/admin/")
    reported = page.locator(
        ".todo__entry", has=page.get_by_role("link", name="العرائض المبلغ عنها من الزوار", exact=True)
    )
    assert reported.locator(".todo__count").inner_text() == "1"
    assert petition.title not in page.locator("#todo").inner_text()  # the dashboard counts, it shows no text
    screenshot(page, "admin-dashboard-reported-petition-ar")
    reported.get_by_role("link").click()
    page.get_by_role("link", name=petition.title).click()
    reports = page.locator(".inline-group", has_text="إبلاغات الزوار")
    assert "سب أو كراهية أو تهديد" in reports.inner_text()
    assert "عبارات مسيئة في نص الأسباب" in reports.inner_text()
    screenshot(page, "admin-petition-reports-ar")
