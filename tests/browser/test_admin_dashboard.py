"""The staff dashboard in a real browser: a moderator signs in in Arabic, follows the dashboard to the moderation
queue, publishes a contribution and finds one fewer waiting."""

import datetime
from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from consultations.models import Contribution, Round
from moderation.models import Moderated
from programme.models import Programme
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a-Moderator-pass-2026"
WAITING = "المساهمات في انتظار الإشراف"


@pytest.fixture
def moderator(site):
    # Live-server tests flush the database between tests, and with it the groups the migrations created.
    group, _created = Group.objects.get_or_create(name="moderators")
    for module in ("consultations.migrations.0002_moderators_group",):
        for app_label, codename in import_module(module).PERMISSIONS:
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    user = User.objects.create_user("moderatrice", password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def waiting(site):
    """A round open this week, with two contributions that came in three days ago and today."""
    today = timezone.localdate()
    consultation_round = Round.objects.create(
        programme=Programme.objects.get(),
        number=9,
        slug="ideas-this-week",
        kind=Round.Kind.IDEAS,
        title_ar="أفكار الأحياء",
        title_fr="Idées des quartiers",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=2),
    )
    return [
        Contribution.objects.create(
            round=consultation_round,
            text=text,
            status=Moderated.Status.PENDING,
            created_at=timezone.now() - datetime.timedelta(days=days),
        )
        for text, days in (("تهيئة ملعب القرب في حي الأمل", 3), ("إحداث ممر آمن أمام المدرسة", 0))
    ]


def entry(page, label: str):
    return page.locator(".todo__entry", has=page.get_by_role("link", name=label, exact=True))


def test_a_moderator_follows_the_dashboard_to_the_queue_and_sees_the_count_drop(site, moderator, waiting, page):
    page.goto(site + "/ar/admin/login/?next=/ar/admin/")
    page.fill("#id_username", "moderatrice")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(site + "/ar/admin/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "ما ينبغي القيام به اليوم"

    contributions = entry(page, WAITING)
    assert contributions.locator(".todo__count").inner_text() == "2"
    assert "أقدمها ينتظر منذ 3 أيام" in contributions.inner_text()
    assert "متأخر" in contributions.inner_text()
    assert "تهيئة" not in page.locator("#todo").inner_text()  # the dashboard counts, it shows no citizen's text
    # What the moderators may see, and only that: no petitions, no background jobs.
    assert page.locator(".todo__panel--deadlines, .todo__panel--jobs").count() == 0
    week = page.get_by_role("region", name="ما يفتتح أو يختتم هذا الأسبوع")
    assert "أفكار الأحياء" in week.inner_text()
    # The queue is in the admin's header, on every page of the admin.
    assert (
        page.get_by_role("navigation", name="صفحات الموظفين خارج لوحة الإدارة")
        .get_by_role("link", name="قائمة انتظار الإشراف")
        .is_visible()
    )
    assert_accessible(page)
    # The panels stand in the inline direction: the moderation panel starts at the right in Arabic.
    box = page.locator(".todo__panel--moderation").bounding_box()
    main = page.locator("#content-main").bounding_box()
    assert abs((box["x"] + box["width"]) - (main["x"] + main["width"])) < 2
    screenshot(page, "admin-dashboard-ar")

    # At tablet width, nothing wider than the screen; the recent actions go below the dashboard.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    assert page.locator("#content-related").bounding_box()["y"] > page.locator("#todo").bounding_box()["y"]
    assert_accessible(page)
    screenshot(page, "admin-dashboard-ar-768px")
    page.set_viewport_size({"width": 1280, "height": 900})

    contributions.get_by_role("link", name=WAITING).click()
    page.wait_for_url(site + "/ar/consultations/moderation/")
    page.get_by_label(f"اختيار المساهمة {waiting[0].pk}").check()
    page.get_by_role("button", name="نشر العناصر المختارة").click()
    assert "تم نشر عنصر واحد." in page.get_by_role("status").first.inner_text()
    assert Contribution.objects.get(pk=waiting[0].pk).status == Moderated.Status.PUBLISHED

    page.goto(site + "/ar/admin/")
    contributions = entry(page, WAITING)
    assert contributions.locator(".todo__count").inner_text() == "1"
    assert "أقدمها وصل اليوم" in contributions.inner_text()
    assert "متأخر" not in contributions.inner_text()
    screenshot(page, "admin-dashboard-ar-after")

    # The same in French.
    page.goto(site + "/fr/admin/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert entry(page, "Contributions en attente de modération").locator(".todo__count").inner_text() == "1"
    assert_accessible(page)
    screenshot(page, "admin-dashboard-fr")
