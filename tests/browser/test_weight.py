"""What a phone downloads on its first visit, which font files each page fetches, and that fonts never move a page.

A phone at 360 px with an empty cache, on a slow mobile network (150 ms, 1.6 Mbit/s: Lighthouse's mobile profile),
as Chromium's DevTools protocol counts the bytes. The test server neither fingerprints nor compresses the static
files as production does: its figures are an upper bound of production's (make bench measures production).
"""

import re

import pytest

from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.browser

# The first visit of the Arabic home page, everything together: HTML, stylesheet, fonts, icon (issue 13).
BUDGET = 200 * 1024
SLOW_MOBILE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
# A phone's own fonts, whatever they are: here one whose letters are much wider than the portal's.
OTHER_FALLBACK = '"DejaVu Serif", serif'
# The layout shifts of the page until it settles, as Lighthouse sums them (without those after a user's input).
SHIFTS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  document.fonts.ready.then(() => setTimeout(() => resolve(total), 1500));
})"""


@pytest.fixture
def first_visit(browser):
    """Return a visit of a URL by a phone that has never seen the portal: what it fetched, and the layout shift."""
    contexts = []

    def visit(url: str, *, fallback: str = "") -> dict:
        context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True)
        contexts.append(context)
        page = context.new_page()
        if fallback:

            def stylesheet(route):
                response = route.fetch()
                route.fulfill(response=response, body=response.text().replace("system-ui, sans-serif", fallback))

            page.route(re.compile(r".*\.css$"), stylesheet)
        protocol = context.new_cdp_session(page)
        protocol.send("Network.enable")
        protocol.send("Network.emulateNetworkConditions", SLOW_MOBILE)
        fetched: dict[str, dict] = {}
        protocol.on(
            "Network.responseReceived",
            lambda e: fetched.setdefault(e["requestId"], {}).update(url=e["response"]["url"]),
        )
        protocol.on(
            "Network.loadingFinished",
            lambda e: fetched.setdefault(e["requestId"], {}).update(size=e["encodedDataLength"]),
        )
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        shift = page.evaluate(SHIFTS)
        files = [each for each in fetched.values() if "url" in each]
        return {
            "bytes": sum(each.get("size", 0) for each in files),
            "fonts": sorted(each["url"].rsplit("/", 1)[-1] for each in files if "/static/fonts/" in each["url"]),
            "shift": shift,
            "page": page,
        }

    yield visit
    for context in contexts:
        context.close()


def test_the_first_visit_of_the_arabic_home_page_fits_the_budget(site, first_visit):
    visit = first_visit(site + "/ar/")

    assert visit["bytes"] <= BUDGET, f"{visit['bytes'] / 1024:.0f} KB"
    # The main Arabic file and Latin (digits, parentheses, "Français"): nothing for letters the page does not show.
    assert "NotoNaskhArabic-Regular-arabic.woff2" in visit["fonts"]
    assert all(font.endswith(("-arabic.woff2", "-latin.woff2")) for font in visit["fonts"]), visit["fonts"]
    assert visit["page"].evaluate("document.fonts.check('16px \"Noto Naskh Arabic\"', 'جماعة')")


def test_a_french_page_fetches_no_arabic_font(site, first_visit):
    visit = first_visit(site + "/fr/")

    # Only the few letters that name Arabic in the language switch.
    assert "NotoNaskhArabic-Regular-label.woff2" in visit["fonts"]
    assert [font for font in visit["fonts"] if "Arabic" in font] == ["NotoNaskhArabic-Regular-label.woff2"]
    assert "NotoSans-Regular-latin.woff2" in visit["fonts"]


def test_arabic_text_on_a_french_page_has_its_font(site, first_visit):
    PetitionFactory(title="تعميم الإنارة العمومية في حي الأمل")

    visit = first_visit(site + "/fr/petitions/")

    assert "NotoNaskhArabic-Bold-arabic.woff2" in visit["fonts"]


@pytest.mark.parametrize("path", ["/ar/", "/ar/programme/projects/green-city/", "/ar/petitions/", "/fr/"])
def test_fonts_do_not_move_the_page(site, first_visit, path):
    PetitionFactory(title="تعميم الإنارة العمومية في حي الأمل")

    # The page is first drawn with the phone's fonts while the portal's arrive: they must not move it then.
    visit = first_visit(site + path, fallback=OTHER_FALLBACK)

    assert visit["shift"] < 0.1, f"{path}: cumulative layout shift {visit['shift']:.3f}"
