"""Following a project by e-mail from a phone, in Arabic: the form, the confirmation and the unsubscribe page."""

import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from following.models import Follow
from programme.models import Project
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser


def ar(text: str) -> str:
    with translation.override("ar"):
        return gettext(text)


def test_following_a_project_from_a_phone_in_arabic(site, page, phone, page_check, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    project = Project.objects.get(slug="traffic-decisions")
    url = f"{site}/ar/programme/projects/{project.slug}/"
    # The page with its form passes axe on a desktop and on a 360 px phone.
    page_check(url, name="project-follow-ar", direction="rtl")

    phone.goto(url)
    form = phone.locator("form.follow-form")
    form.get_by_label(ar("Your e-mail address")).fill("amina@example.ma")
    form.get_by_label(ar("One summary a week")).check()
    form.get_by_label(ar("I have read the notice on personal data above and I agree.")).check()
    screenshot(phone, "project-follow-form-ar-360px")
    form.get_by_role("button", name=ar("Follow this page")).click()
    phone.wait_for_url(f"{site}/ar/follow/sent/#main")
    assert phone.get_by_role("heading", level=1).inner_text() == ar("Check your e-mail")
    assert_accessible(phone)

    (message,) = mail.outbox
    assert message.to == ["amina@example.ma"]
    link = re.search(r"https?://\S+/follow/confirm/\S+/", message.body).group(0)
    phone.goto(link)
    assert Follow.objects.get().confirmed_at is None
    assert_accessible(phone)
    phone.get_by_role("button", name=ar("Confirm")).click()
    assert phone.get_by_role("heading", level=1).inner_text() == ar("You follow this page")
    assert_accessible(phone)
    follow = Follow.objects.get()
    assert follow.confirmed_at is not None and follow.language == "ar" and follow.frequency == "weekly"

    # The unsubscribe page of its messages: a button, never an action on opening.
    phone.goto(f"{site}/ar/follow/unsubscribe/{follow.key}/")
    assert_accessible(phone)
    phone.get_by_role("button", name=ar("Stop following")).click()
    assert phone.get_by_role("heading", level=1).inner_text() == ar("Done")
    assert not Follow.objects.exists()
