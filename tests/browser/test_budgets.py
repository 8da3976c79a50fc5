"""The budgets in a real browser: every page in both languages, and voting end to end in Arabic."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from budgets.models import Ballot, Phase, Voter
from openmun.formatting import group_digits
from tests.browser.conftest import assert_accessible, screenshot
from tests.budgets.factories import cycle_build

pytestmark = pytest.mark.browser

PAGES = [
    ("budget-years", "/{lang}/budget/"),
    ("budget-year", "/{lang}/budget/2023/"),
    ("budget-cycles", "/{lang}/budget/participatory/"),
    ("budget-cycle", "/{lang}/budget/participatory/2024/"),
    ("budget-proposal", "/{lang}/budget/participatory/2024/proposals/2/"),
    ("budget-vote", "/{lang}/budget/participatory/vote-now/"),
    ("budget-voter", "/{lang}/budget/participatory/vote-now/vote/"),
]


def arabic(message: str, **params) -> str:
    with translation.override("ar"):
        text = gettext(message)
    return text % params if params else text


def online_ballots():
    # The demonstration cycle of fixtures/ has paper ballots of its own.
    return Ballot.objects.filter(cycle__slug="vote-now")


@pytest.fixture
def budgets(site):
    """The demonstration budgets from fixtures/, and a cycle whose vote is open today."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "budgets.json", verbosity=0)
    # Proposals of 200 000, 300 000, 400 000, 500 000 and 600 000 DH for an envelope of 1 000 000 DH.
    cycle_build(
        current=Phase.Kind.VOTE, slug="vote-now", is_demonstration=True, title_ar="تصويت اليوم", title_fr="Vote du jour"
    )
    return site


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr")])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_budget_pages_direction_accessibility_and_small_screens(budgets, page, page_check, name, path, lang, direction):
    # Open every <details> so that axe checks the tables inside them too.
    page_check(budgets + path.format(lang=lang), name=f"{name}-{lang}", direction=direction, open_details=True)
    assert page.locator(".demo-banner").count() == 1


def test_bars_grow_from_the_right_in_arabic(budgets, page):
    page.goto(budgets + "/ar/budget/2023/")
    bar = page.locator("#chart-revenue-title ~ ul .budget-bar").first
    track, adopted = bar.bounding_box(), bar.locator(".budget-bar__adopted").bounding_box()
    # The largest bar fills its track; the others end at the track's right edge.
    second = page.locator("#chart-revenue-title ~ ul .budget-bar").nth(1)
    box, value = second.bounding_box(), second.locator(".budget-bar__adopted").bounding_box()
    assert abs(adopted["width"] - track["width"]) < 2
    assert abs((value["x"] + value["width"]) - (box["x"] + box["width"])) < 1 and value["x"] > box["x"] + 10
    page.goto(budgets + "/fr/budget/2023/")
    second = page.locator("#chart-revenue-title ~ ul .budget-bar").nth(1)
    box, value = second.bounding_box(), second.locator(".budget-bar__adopted").bounding_box()
    assert abs(value["x"] - box["x"]) < 1


def test_voting_end_to_end_in_arabic(budgets, page):
    mail.outbox.clear()
    page.goto(budgets + "/ar/budget/participatory/vote-now/")
    page.get_by_role("link", name=arabic("Vote"), exact=True).click()
    page.get_by_label(arabic("Your e-mail address")).fill("Salma@example.ma")
    page.get_by_role("button", name=arabic("Send me the link")).click()
    assert page.get_by_role("heading", level=1).inner_text() == arabic("Check your e-mail")

    # The link arrives by e-mail; opening it shows a button, and only the button opens the ballot.
    (message,) = mail.outbox
    link = re.search(r"http://\S+/vote/confirm/\S+/", message.body).group(0)
    assert "salma" not in " ".join(str(v) for v in Voter.objects.values_list()).lower()
    page.goto(link)
    assert Voter.objects.get().confirmed_at is None
    page.get_by_role("button", name=arabic("Open my ballot")).click()
    assert page.url == budgets + "/ar/budget/participatory/vote-now/ballot/"
    screenshot(page, "budget-ballot-ar")

    # 400 000 + 500 000 + 600 000 DH: over the envelope of 1 000 000 DH.
    boxes = page.locator("input[name=proposals]")
    for index in (2, 3, 4):
        boxes.nth(index).check()
    page.get_by_role("button", name=arabic("Cast my ballot")).click()
    alert = page.get_by_role("alert")
    expected = arabic(
        "Your choice costs %(total)s DH, more than the envelope of %(envelope)s DH. Remove a proposal so that the "
        "total stays within the envelope.",
        total=group_digits(Decimal(1500000), 2),
        envelope=group_digits(Decimal(1000000), 2),
    )
    assert expected in alert.inner_text().replace("\n", " ")
    screenshot(page, "budget-ballot-over-envelope-ar")
    # The choice is kept, for the voter to fix.
    assert [boxes.nth(index).is_checked() for index in range(5)] == [False, False, True, True, True]
    assert not online_ballots().exists()

    boxes.nth(4).uncheck()
    boxes.nth(3).uncheck()
    boxes.nth(0).check()
    page.get_by_role("button", name=arabic("Cast my ballot")).click()
    assert page.get_by_role("heading", level=1).inner_text() == arabic("Thank you: your ballot is recorded")
    ballot = online_ballots().get()
    assert sorted(c.proposal.estimated_cost for c in ballot.choices.all()) == [Decimal(200000), Decimal(400000)]

    # Changing the ballot replaces the choice; there is still one ballot.
    page.get_by_role("link", name=arabic("Change my ballot")).click()
    page.locator("input[name=proposals]").nth(0).uncheck()
    page.locator("input[name=proposals]").nth(4).check()
    page.get_by_role("button", name=arabic("Change my ballot")).click()
    assert page.get_by_role("heading", level=1).inner_text() == arabic("Thank you: your ballot is recorded")
    assert online_ballots().count() == 1
    assert sorted(c.proposal.estimated_cost for c in online_ballots().get().choices.all()) == [
        Decimal(400000),
        Decimal(600000),
    ]
    assert_accessible(page)


def test_the_ballot_works_without_javascript(budgets, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(budgets + "/fr/budget/2023/")
    # The tables behind the charts open without a script.
    page.locator("#chart-revenue-title ~ details summary").click()
    assert page.locator("#chart-revenue-caption").is_visible()
    page.goto(budgets + "/fr/budget/participatory/vote-now/vote/")
    page.fill("#id_email", "nojs@example.ma")
    page.locator("form.form button[type=submit]").click()
    assert page.url.endswith("/fr/budget/participatory/vote-now/vote/sent/#main")
    context.close()
