"""What is open now, what happens after an action, and the ballot's running total, in a real browser at 360 px."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from budgets import services as budget_services
from budgets.models import Phase
from consultations.models import Round
from openmun.formatting import french_typography
from petitions import services as petition_services
from programme.models import Programme
from tests.browser.conftest import assert_accessible, screenshot
from tests.budgets.factories import cycle_build, voter_make
from tests.consultations.factories import RoundFactory
from tests.petitions.factories import CouncilSessionFactory, PetitionFactory, SupportFactory

pytestmark = pytest.mark.browser

LANGUAGES = [("ar", "rtl"), ("fr", "ltr")]
PHONE_HEIGHT = 740


def text(language: str, message: str) -> str:
    """Return the message as the page shows it: translated, and in French with its typography."""
    with translation.override(language):
        shown = gettext(message)
    return french_typography(shown) if language == "fr" else shown


def days(count: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=count)


@pytest.fixture
def open_now(site):
    """An open round, a cycle in its vote, a petition gathering support and the council's next session."""
    programme = Programme.objects.get()
    RoundFactory(
        programme=programme,
        number=3,
        slug="ideas-now",
        title_ar="المشاركة المواطنة 3: أفكار للحي",
        title_fr="Participation citoyenne 3 : idées pour le quartier",
        opens_on=days(-3),
        closes_on=days(25),
    )
    cycle_build(current=Phase.Kind.VOTE, slug="vote-now", title_ar="تصويت اليوم", title_fr="Vote du jour")
    petition = PetitionFactory(title="تعميم الإنارة العمومية في حي الأمل", support_count=41)
    CouncilSessionFactory(
        slug="next-ordinary",
        title_ar="الدورة العادية المقبلة",
        title_fr="Prochaine session ordinaire",
        period_start=days(40),
        period_end=days(46),
    )
    return {"site": site, "petition": petition}


@pytest.fixture
def nothing_open(site):
    """A round and a council session to come, nothing open today."""
    RoundFactory(
        programme=Programme.objects.get(),
        number=3,
        slug="next-round",
        title_ar="المشاركة المواطنة 3: أفكار للحي",
        title_fr="Participation citoyenne 3 : idées pour le quartier",
        opens_on=days(30),
        closes_on=days(60),
    )
    CouncilSessionFactory(slug="next-ordinary", title_fr="Prochaine session ordinaire", period_start=days(40))
    return site


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_the_home_page_says_what_is_open_now(open_now, page, phone, page_check, lang, direction):
    site = open_now["site"]
    page_check(f"{site}/{lang}/", name=f"home-open-{lang}", direction=direction)
    block = phone.locator("section.participate")
    assert block.get_by_role("heading", level=2).inner_text() == text(lang, "Participate now")
    # Each open thing with what to do in it: contribute to the round, vote, support the petition.
    with translation.override(lang):
        round_title = Round.objects.get(slug="ideas-now").title
    assert block.get_by_role("link", name=round_title, exact=True).count() == 1
    assert block.locator(".participate-card__action").count() == 2
    assert block.locator("progress").get_attribute("value") == "41"
    with translation.override(lang):
        assert gettext("Participate now") in page.locator("section.participate h2").inner_text()
        next_session = text(lang, "The council's next session:")
        assert block.get_by_text(re.compile(re.escape(next_session))).count() == 1
    # What a citizen can act on comes first: the open cards before the council's.
    cards = block.locator(".participate-card")
    assert "participate-card--open" in cards.first.get_attribute("class")
    assert "participate-card--open" not in (cards.last.get_attribute("class") or "")


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_the_home_page_says_what_comes_next_when_nothing_is_open(nothing_open, phone, page_check, lang, direction):
    page_check(f"{nothing_open}/{lang}/", name=f"home-nothing-open-{lang}", direction=direction)
    block = phone.locator("section.participate")
    intro = text(lang, "Nothing is open for participation today. Here is what comes next, and how to hear of it.")
    assert block.locator(".participate__intro").inner_text() == intro
    assert block.locator(".participate-card__action").count() == 0
    # How to follow: the Atom feed and the calendar.
    assert block.locator('a[type="application/atom+xml"]').count() == 1
    assert block.locator('a[type="text/calendar"]').count() == 2


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_a_confirmed_support_shows_the_thanks_at_the_top_and_no_form_on_a_phone(open_now, phone, page_check, lang):
    site, petition = open_now["site"], open_now["petition"]
    support = SupportFactory(petition=petition, confirmed_at=None)
    token = petition_services.support_token_make(support)
    phone.goto(f"{site}/{lang}/petitions/confirm/{token}/")
    phone.get_by_role("button", name=text(lang, "Confirm my support")).click()
    phone.wait_for_url(f"{site}/{lang}/petitions/{petition.pk}/support/counted/")
    heading = phone.get_by_role("heading", level=1)
    assert heading.inner_text() == text(lang, "Thank you: your support is counted.")
    box = heading.bounding_box()
    # In view as the page opens, on the first screen of the phone.
    assert phone.evaluate("window.scrollY") == 0 and box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT
    assert phone.locator("progress").get_attribute("value") == "42"
    # No support form: nothing invites the supporter to sign again.
    assert phone.locator("main form").count() == 0
    assert phone.locator("main").get_by_role("link", name=text(lang, "Share on WhatsApp")).count() == 1
    screenshot(phone, f"petition-support-counted-{lang}-360px")
    page_check(phone.url, name=f"petition-support-counted-{lang}", direction="rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_after_a_failed_petition_the_error_summary_is_in_view_on_a_phone(site, phone, lang):
    phone.goto(f"{site}/{lang}/petitions/new/")
    phone.locator("form.petition-form button[type=submit]").click()
    phone.wait_for_url(f"{site}/{lang}/petitions/new/#errors")
    summary = phone.locator("#errors")
    assert summary.get_attribute("tabindex") == "-1" and summary.get_attribute("role") == "alert"
    top = summary.bounding_box()["y"]
    # Its top within the screen (the fragment scrolls it to the top, to a fraction of a pixel), not 1 000 px below.
    assert -1 < top < PHONE_HEIGHT
    assert_accessible(phone)
    screenshot(phone, f"petition-new-errors-{lang}-360px")


def ballot_open(page, site: str, lang: str, cycle) -> None:
    voter = voter_make(cycle, f"voter-{lang}@example.ma", confirmed=False)
    page.goto(
        f"{site}/{lang}/budget/participatory/{cycle.slug}/vote/confirm/{budget_services.voter_token_make(voter)}/"
    )
    page.get_by_role("button", name=text(lang, "Open my ballot")).click()
    page.wait_for_url(f"{site}/{lang}/budget/participatory/{cycle.slug}/ballot/")


def test_the_ballot_total_follows_the_ticks_and_announces_an_overspend(site, page):
    # Proposals of 200 000, 300 000, 400 000, 500 000 and 600 000 DH for an envelope of 1 000 000 DH.
    cycle = cycle_build(current=Phase.Kind.VOTE, slug="vote-now", title_fr="Vote du jour")
    ballot_open(page, site, "fr", cycle)
    total = page.locator("[data-ballot-total]")
    status = page.get_by_role("status")
    assert total.inner_text() == "0,00\xa0DH"
    boxes = page.locator("input[name=proposals]")
    boxes.nth(0).check()
    boxes.nth(2).check()
    assert total.inner_text() == "600\xa0000,00\xa0DH"
    assert status.inner_text() == "" and status.get_attribute("role") == "status"
    boxes.nth(3).check()
    # 1 100 000 DH: the total says it, and the live status announces it.
    assert total.inner_text() == "1\xa0100\xa0000,00\xa0DH"
    over = text("fr", "Your choice costs more than the envelope: untick proposals until the total fits.")
    assert status.inner_text() == over
    assert "ballot--over" in page.locator("form.ballot").get_attribute("class")
    assert_accessible(page)
    screenshot(page, "budget-ballot-total-over-fr")
    boxes.nth(2).uncheck()
    assert total.inner_text() == "700\xa0000,00\xa0DH"
    assert status.inner_text() == text("fr", "Your choice now fits in the envelope.")
    # Cast, it lands on its own page, with what comes next and a way to share.
    page.get_by_role("button", name=text("fr", "Cast my ballot")).click()
    page.wait_for_url(f"{site}/fr/budget/participatory/vote-now/ballot/recorded/#main")
    assert page.get_by_role("heading", level=1).inner_text() == text("fr", "Thank you: your ballot is recorded")
    assert_accessible(page)
    screenshot(page, "budget-ballot-recorded-fr")


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_an_over_envelope_ballot_opens_on_its_message_on_a_phone(site, phone, lang):
    cycle = cycle_build(current=Phase.Kind.VOTE, slug="vote-now")
    ballot_open(phone, site, lang, cycle)
    boxes = phone.locator("input[name=proposals]")
    for index in (2, 3, 4):
        boxes.nth(index).check()
    phone.get_by_role("button", name=text(lang, "Cast my ballot")).click()
    phone.wait_for_url(f"{site}/{lang}/budget/participatory/vote-now/ballot/#errors")
    top = phone.locator("#errors").bounding_box()["y"]
    assert -1 < top < PHONE_HEIGHT
    assert_accessible(phone)
    screenshot(phone, f"budget-ballot-over-envelope-{lang}-360px")
    # The recorded page, on the phone too.
    boxes.nth(2).uncheck()
    boxes.nth(3).uncheck()
    phone.get_by_role("button", name=text(lang, "Cast my ballot")).click()
    phone.wait_for_url(f"{site}/{lang}/budget/participatory/vote-now/ballot/recorded/#main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(phone)


@pytest.mark.parametrize(("lang", "direction"), LANGUAGES)
def test_the_pages_after_an_action_and_an_empty_round(site, page_check, lang, direction):
    programme = Programme.objects.get()
    RoundFactory(programme=programme, number=3, slug="ideas-now", opens_on=days(-3), closes_on=days(25))
    cycle_build(current=Phase.Kind.PROPOSALS, slug="propose-now", proposals=0)
    for name, path in (
        ("contribution-thanks", "consultations/ideas-now/contribute/thanks/"),
        ("round-results-empty", "consultations/ideas-now/results/"),
        ("proposal-thanks", "budget/participatory/propose-now/propose/thanks/"),
        ("petition-submitted", "petitions/new/received/"),
    ):
        page_check(f"{site}/{lang}/{path}", name=f"{name}-{lang}", direction=direction)
