import pytest

pytestmark = pytest.mark.browser

PAGES = [
    ("home", "/{lang}/"),
    ("projects", "/{lang}/programme/projects/"),
    ("project", "/{lang}/programme/projects/green-city/"),
    ("axis", "/{lang}/programme/axes/communication/"),
    ("calendar", "/{lang}/programme/calendar/"),
    ("committee", "/{lang}/programme/committee/"),
    ("method", "/{lang}/programme/method/"),
]


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("fr", "ltr")])
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_page_direction_accessibility_and_small_screens(site, page, page_check, name, path, lang, direction):
    page_check(site + path.format(lang=lang), name=f"{name}-{lang}", direction=direction)
    assert page.evaluate("getComputedStyle(document.body).direction") == direction


def test_language_switch_keeps_the_page(site, page):
    page.goto(site + "/ar/programme/projects/green-city/")
    page.get_by_role("navigation", name="اللغة").get_by_role("link", name="Français").click()
    assert page.url == site + "/fr/programme/projects/green-city/"
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="العربية").click()
    assert page.url == site + "/ar/programme/projects/green-city/"


def test_keyboard_reaches_the_content_and_the_navigation(site, page):
    page.goto(site + "/ar/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.get_attribute("href") == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.goto(site + "/fr/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Calendrier":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(site + "/fr/programme/calendar/")


def test_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/ar/programme/calendar/")
    assert page.get_by_role("table").count() == 1
    page.get_by_role("link", name="المدينة الخضراء").first.click()
    assert page.url.endswith("/ar/programme/projects/green-city/")
    context.close()
