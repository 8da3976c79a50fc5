"""The admin's change lists and forms in Arabic, at 1280 px and at tablet width: nothing wider than the screen, the
status and date columns in sight, the activities one row each, the petition's steps clear of its title."""

import pytest
from django.contrib.auth.models import User

from consultations.models import Comment
from moderation.models import Moderated
from petitions import services as petition_services
from petitions.models import Petition
from programme.models import Programme, Project
from tests.browser.conftest import ARTIFACTS, screenshot
from tests.budgets.factories import ProposalFactory
from tests.consultations.factories import ContributionFactory, open_round
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser

PASSWORD = "a-Admin-pass-2026"
WIDTHS = (1280, 1024, 768)
LONG_COMMENT = (
    "نقترح أن تشمل أشغال التهيئة كذلك الأزقة الداخلية لحي الأمل، لأن السكان يعانون من غياب الإنارة ومن الحفر "
    "التي تتجمع فيها مياه الأمطار كل شتاء، مع إشراك جمعيات الحي في تتبع الأشغال."
)


@pytest.fixture
def administrator(site, page):
    User.objects.create_superuser("mdira", password=PASSWORD)
    page.goto(f"{site}/ar/admin/login/?next=/ar/admin/")
    page.fill("#id_username", "mdira")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(site + "/ar/admin/")
    return site


def overflow(page) -> dict:
    return page.evaluate(
        """() => {
            const table = document.querySelector('#result_list');
            const box = table.closest('.results');
            return {
                page: document.scrollingElement.scrollWidth,
                screen: window.innerWidth,
                table: table.getBoundingClientRect().width,
                box: box.getBoundingClientRect().width,
            };
        }"""
    )


def artifact(name: str):
    """Return the path of a screenshot of part of a page, or of the screen alone (the page is long)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def assert_fits(page, name: str, columns: list[str], widths=WIDTHS) -> None:
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        sizes = overflow(page)
        assert sizes["page"] <= sizes["screen"], (width, sizes)
        assert sizes["table"] <= sizes["box"] + 1, (width, sizes)
        screen = page.viewport_size["width"]
        for column in columns:
            header = page.locator(f"#result_list thead th.column-{column}")
            box = header.bounding_box()
            assert box is not None and box["width"] > 0, (width, column)
            assert box["x"] >= 0 and box["x"] + box["width"] <= screen + 1, (width, column, box)
        screenshot(page, f"{name}-{width}px")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_comments_list_fits_in_arabic(administrator, page):
    project = Project.objects.get(slug="green-city")
    for number in range(6):
        Comment.objects.create(
            project=project,
            text=f"{LONG_COMMENT} ({number})",
            status=Moderated.Status.PENDING if number % 2 else Moderated.Status.PUBLISHED,
            report_count=number % 3,
        )
    page.goto(f"{administrator}/ar/admin/consultations/comment/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_fits(page, "admin-comments-ar", ["excerpt", "status", "report_count", "created"])
    # The text is an excerpt on a few lines, not one word a line.
    cell = page.locator("#result_list tbody tr").first.locator("th, td").nth(1)
    assert cell.bounding_box()["height"] < 100


def test_the_projects_list_fits_in_arabic_with_dirham_amounts(administrator, page):
    page.goto(f"{administrator}/ar/admin/programme/project/")
    assert_fits(page, "admin-projects-ar", ["cost", "schedule", "status"])
    costs = page.locator("#result_list td.field-cost").all_inner_texts()
    assert costs and all(text.endswith("درهم") for text in costs), costs
    assert any("\xa0000,00" in text for text in costs), costs


def test_the_activities_are_one_row_each_with_done_and_delete(administrator, page):
    project = Project.objects.get(slug="green-city")
    page.goto(f"{administrator}/ar/admin/programme/project/{project.pk}/change/")
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        row = page.locator("#activities-group tbody tr.has_original").first
        done = row.locator("td.field-is_done input").bounding_box()
        delete = row.locator("td.delete input").bounding_box()
        text = row.locator("td.field-text_ar textarea").bounding_box()
        assert abs(done["y"] - delete["y"]) < 20 and abs(done["y"] - text["y"]) < 20, (done, delete, text)
        assert delete["x"] >= 0 and done["x"] >= 0
        page.locator("#activities-group").screenshot(path=artifact(f"admin-activities-ar-{width}px"))
    page.set_viewport_size({"width": 1280, "height": 900})


def overlap(one: dict, other: dict) -> bool:
    return not (
        one["x"] + one["width"] <= other["x"] + 1
        or other["x"] + other["width"] <= one["x"] + 1
        or one["y"] + one["height"] <= other["y"] + 1
        or other["y"] + other["height"] <= one["y"] + 1
    )


def test_the_petition_steps_stand_clear_of_the_title(administrator, page):
    petition = PetitionFactory(
        title="تعميم الإنارة العمومية في أزقة حي الأمل وحي النصر وتهيئة المساحات الخضراء المجاورة",
        state=Petition.State.PUBLISHED,
    )
    page.goto(f"{administrator}/ar/admin/petitions/petition/{petition.pk}/change/")
    for width in (1280, 1024, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        toolbar = page.get_by_role("navigation", name="خطوات المسطرة")
        assert toolbar.get_by_role("link", name="تسجيل الإيداع").is_visible()
        bar = toolbar.bounding_box()
        # Neither the page's title, nor the petition's (the subtitle), nor the page's tools (history) meet the steps.
        for other in ("#content > h1", "#content > h2", "#content-main > .object-tools"):
            assert not overlap(page.locator(other).bounding_box(), bar), (width, other)
        assert page.locator(".object-tools").get_by_role("link", name="السجل").is_visible()
        page.screenshot(path=artifact(f"admin-petition-steps-ar-{width}px"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_every_other_portal_list_fits_in_arabic(administrator, page):
    programme = Programme.objects.get()
    consultation_round = open_round(programme, title_ar="المشاركة المواطنة 1: جمع الأفكار والمقترحات")
    ContributionFactory(round=consultation_round, text=LONG_COMMENT, status=Moderated.Status.PENDING)
    PetitionFactory(title="تعميم الإنارة العمومية في أزقة حي الأمل وحي النصر وتهيئة المساحات الخضراء المجاورة")
    petition_services.council_sessions_generate(year=2031)
    ProposalFactory(title="تهيئة ملعب القرب في حي السلام مع الإنارة والمدرجات ومرافق الصرف", revised_cost=150000)
    lists = {
        "consultations/round": ["status_display", "opens", "closes"],
        "consultations/contribution": ["excerpt", "status", "report_count", "created"],
        # The date the petition reached the portal is in the date hierarchy above the list, not a column.
        "petitions/petition": ["title_excerpt", "state", "status", "report_count", "deposited"],
        "petitions/councilsession": ["expected", "held"],
        "budgets/cycle": ["envelope_amount", "status_display"],
        "budgets/proposal": ["excerpt", "cost", "status", "report_count", "eligibility", "created"],
    }
    for path, columns in lists.items():
        page.goto(f"{administrator}/ar/admin/{path}/")
        assert_fits(page, f"admin-{path.replace('/', '-')}-ar", columns, widths=(1280, 1024))
