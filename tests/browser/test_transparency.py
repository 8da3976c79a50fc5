import pytest
from django.core.management import call_command

from programme.models import Project

pytestmark = pytest.mark.browser

PAGES = [
    ("search", "/{lang}/search/?q=%D8%A7%D9%84%D9%85%D8%AF%D9%8A%D9%86%D9%87"),  # المدينه
    ("search-kind", "/{lang}/search/?q=%D8%A7%D9%84%D9%85%D8%AF%D9%8A%D9%86%D9%87&kind=activity"),
    ("search-empty", "/{lang}/search/"),
    ("open-data", "/{lang}/open-data/"),
    ("api-docs", "/{lang}/open-data/api/"),
    ("history", "/{lang}/programme/projects/green-city/history/"),
]


@pytest.fixture
def transparency_site(site):
    # What load_commune_data does after loading the fixtures.
    call_command("populate_history", auto=True, verbosity=0)
    call_command("rebuild_search_index", verbosity=0)
    project = Project.objects.get(slug="green-city")
    project.estimated_cost = 45000
    project.status = Project.Status.IN_PROGRESS
    project.save()
    return site


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr")])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_transparency_pages_direction_accessibility_and_small_screens(
    transparency_site, page_check, name, path, lang, direction
):
    page_check(transparency_site + path.format(lang=lang), name=f"transparency-{name}-{lang}", direction=direction)


def test_searching_from_the_header_without_javascript(transparency_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(transparency_site + "/ar/")
    page.get_by_role("search").first.get_by_role("searchbox").fill("المدينـــة الخضراء")
    page.get_by_role("search").first.get_by_role("button").click()
    assert "/ar/search/?q=" in page.url
    assert page.locator("mark").first.inner_text() in ("المدينة", "مدينة")
    page.get_by_role("link", name="المدينة الخضراء").first.click()
    assert page.url.endswith("/ar/programme/projects/green-city/")
    context.close()


def test_the_history_shows_the_change(transparency_site, page):
    page.goto(transparency_site + "/fr/programme/projects/green-city/")
    page.get_by_role("link", name="Historique des modifications").or_(
        page.get_by_role("link", name="History of the changes")
    ).click()
    assert page.url.endswith("/fr/programme/projects/green-city/history/")
    assert page.get_by_role("table").first.is_visible()
    assert "45" in page.get_by_role("table").first.inner_text()
