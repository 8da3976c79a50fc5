"""Citizen participation in a real browser: the full path from an Arabic contribution to its published outcome."""

import datetime
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.utils import timezone

from consultations.models import Comment, Contribution, Round
from moderation.models import Moderated
from programme.models import Programme, Project
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-Moderator-pass-2026"
IDEA = "نقترح غرس أشجار الزيتون في محيط المدارس وإحداث نقط للسقي"


@pytest.fixture
def rounds(site):
    """The two rounds of 2023 from fixtures/, and a third one open today."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "consultations.json", verbosity=0)
    today = timezone.localdate()
    Round.objects.create(
        programme=Programme.objects.get(),
        number=3,
        slug="ideas-now",
        kind=Round.Kind.IDEAS,
        title_ar="المشاركة المواطنة 3: أفكار جديدة",
        title_fr="Participation citoyenne 3 : nouvelles idées",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
    )
    return site


@pytest.fixture
def moderator(rounds):
    # Live-server tests flush the database between tests, and with it the group the migration created.
    migration = import_module("consultations.migrations.0002_moderators_group")
    group, _created = Group.objects.get_or_create(name=migration.GROUP_NAME)
    for app_label, codename in migration.PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user = User.objects.create_user("moderatrice", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def fail_on_dialog(page):
    def dialog(event):
        raise AssertionError(f"A script ran: {event.message}")

    page.on("dialog", dialog)


def test_an_arabic_contribution_moderated_in_the_admin_and_published_with_its_outcome(rounds, moderator, page):
    fail_on_dialog(page)
    page.goto(rounds + "/ar/consultations/")
    page.get_by_role("link", name="اطرحوا فكرتكم").click()
    assert page.url == rounds + "/ar/consultations/ideas-now/contribute/"
    page.get_by_label("فكرتكم أو مقترحكم").fill(IDEA)
    page.get_by_label("العنوان").fill("أشجار الزيتون قرب المدارس")
    page.get_by_label("المشروع المعني").select_option(label="المدينة الخضراء")
    page.get_by_label("الاسم المعروض").fill("خديجة")
    page.get_by_label("عنوان البريد الإلكتروني").fill("khadija@example.ma")
    page.locator('input[name="consent"]').check()
    screenshot(page, "contribution-form-filled-ar")
    page.get_by_role("button", name="إرسال مساهمتي").click()
    assert page.get_by_role("heading", level=1).inner_text() == "شكرا لكم: تم استلام مساهمتكم"
    contribution = Contribution.objects.get(text=IDEA)
    assert contribution.status == Moderated.Status.PENDING
    page.goto(rounds + "/ar/consultations/ideas-now/results/")
    assert IDEA not in page.content()

    # The moderator signs in through the admin's login page and publishes it in bulk.
    page.goto(rounds + "/ar/admin/login/?next=/ar/admin/consultations/contribution/")
    page.fill("#id_username", "moderatrice")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(rounds + "/ar/admin/consultations/contribution/")
    page.locator(f"input[name=_selected_action][value='{contribution.pk}']").check()
    page.select_option("select[name=action]", "publish_selected")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    assert Contribution.objects.get(pk=contribution.pk).status == Moderated.Status.PUBLISHED

    # Then gives its outcome: taken into the project, with the commune's answer.
    page.goto(rounds + f"/ar/admin/consultations/contribution/{contribution.pk}/change/")
    assert "khadija@example.ma" in page.content()  # staff may see it; the public never does
    page.select_option("#id_outcome", "taken")
    page.select_option("#id_outcome_project", label=Project.objects.get(slug="green-city").title)
    page.fill("#id_answer_ar", "أدرجت الفكرة في نشاط تشجير محيط المدارس.")
    page.locator("input[name=_save]").click()
    page.wait_for_url(rounds + "/ar/admin/consultations/contribution/")
    screenshot(page, "admin-contributions-ar")

    page.goto(rounds + "/ar/consultations/ideas-now/results/")
    item = page.locator(f"#contribution-{contribution.pk}")
    assert IDEA in item.inner_text()
    assert "أدرجت في مشروع المدينة الخضراء" in item.inner_text()
    assert "أدرجت الفكرة في نشاط تشجير محيط المدارس." in item.inner_text()
    assert "khadija@example.ma" not in page.content()
    screenshot(page, "round-results-ar")
    item.locator(".outcome").get_by_role("link", name="المدينة الخضراء").click()
    assert page.url == rounds + "/ar/programme/projects/green-city/"
    shaping = page.get_by_role("region", name="مساهمات المواطنات والمواطنين التي أسهمت في بلورة هذا المشروع")
    assert IDEA in shaping.inner_text()


def test_hostile_input_is_refused_or_inert(rounds, page):
    fail_on_dialog(page)
    page.goto(rounds + "/fr/programme/projects/green-city/")
    page.get_by_label("Commentaire", exact=True).fill('<img src=x onerror="alert(1)"> bonjour')
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name="Envoyer mon commentaire").click()
    assert "les balises HTML ne sont pas acceptées" in page.get_by_role("alert").inner_text()
    # What the person typed is kept, as text.
    assert page.get_by_label("Commentaire", exact=True).input_value() == '<img src=x onerror="alert(1)"> bonjour'
    assert not Comment.objects.exists()

    # Even stored as is, markup stays inert on every page.
    project = Project.objects.get(slug="green-city")
    Comment.objects.create(
        project=project,
        text='<script>alert("x")</script><img src=x onerror=alert(2)>',
        display_name="<b onmouseover=alert(3)>x</b>",
        status=Moderated.Status.PUBLISHED,
    )
    page.goto(rounds + "/ar/programme/projects/green-city/")
    assert page.locator("#comments img, #comments script, #comments b").count() == 0
    assert '<script>alert("x")</script>' in page.locator("#comments").inner_text()


def test_a_comment_works_without_javascript(rounds, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(rounds + "/ar/programme/projects/green-city/")
    page.get_by_label("التعليق", exact=True).fill("متى يبدأ غرس الأشجار في حي أولاد حمدان؟")
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name="إرسال تعليقي").click()
    assert page.url.endswith("/ar/programme/projects/green-city/#comments")
    assert "شكرا لكم. سيظهر تعليقكم بعد اطلاع المشرف عليه." in page.get_by_role("status").first.inner_text()
    assert Comment.objects.get().status == Moderated.Status.PENDING
    context.close()


PAGES = [
    ("consultations", "/{lang}/consultations/"),
    ("round-2023", "/{lang}/consultations/draft-consultation-2023/"),
    ("round-results", "/{lang}/consultations/ideas-now/results/"),
    ("contribution-form", "/{lang}/consultations/ideas-now/contribute/"),
    ("project-comments", "/{lang}/programme/projects/green-city/"),
]


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr")])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_consultation_pages_pass_axe_in_both_languages_and_at_360_px(rounds, page_check, name, path, lang, direction):
    project = Project.objects.get(slug="green-city")
    contribution = Contribution.objects.create(
        round=Round.objects.get(slug="ideas-now"),
        text="فكرة منشورة لتحسين الحي",
        status=Moderated.Status.PUBLISHED,
        outcome=Contribution.Outcome.TAKEN,
        outcome_project=project,
        answer_ar="أدرجت.",
        answer_fr="Intégrée.",
    )
    comment = Comment.objects.create(project=project, text="تعليق منشور", status=Moderated.Status.PUBLISHED)
    Comment.objects.create(
        project=project, parent=comment, is_official=True, text="رد رسمي", status=Moderated.Status.PUBLISHED
    )
    assert contribution.pk
    page_check(rounds + path.format(lang=lang), name=f"{name}-{lang}", direction=direction)


def test_the_moderation_queue_passes_axe(rounds, moderator, page):
    Contribution.objects.create(
        round=Round.objects.get(slug="ideas-now"), text="فكرة في انتظار المراجعة", status=Moderated.Status.PENDING
    )
    page.goto(rounds + "/ar/admin/login/?next=/ar/consultations/moderation/")
    page.fill("#id_username", "moderatrice")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(rounds + "/ar/consultations/moderation/")
    assert_accessible(page)
    page.get_by_label("اختيار المساهمة", exact=False).first.check()
    page.get_by_role("button", name="نشر العناصر المختارة").click()
    assert "تم نشر عنصر واحد." in page.get_by_role("status").first.inner_text()
    screenshot(page, "moderation-queue-ar")
