"""The portal on a 360 px phone, in Arabic and French: tables, charts and the header as a citizen sees them.

The page check reuses the JavaScript of ../shared/tools/phone_audit.py: where <main> starts, which texts lie
outside the screen, which table cells break a word over lines. It adds the charts (bars and the schedule), which
hold no text, and leaves out what is hidden on purpose (the header row of a table shown as cards, read out by
screen readers, is clipped).
"""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from consultations.models import Comment, Round
from petitions.models import Petition
from programme.models import Commune, Programme, Project
from tests.browser.conftest import assert_accessible, screenshot
from tests.consultations.factories import CommentFactory, ContributionFactory
from tests.petitions.factories import PetitionEventFactory, PetitionFactory

pytestmark = pytest.mark.browser

# Where <main> may start at most on a 360 x 780 phone: the top quarter of the screen.
MAIN_TOP = 195
AXES = ["cleanliness-environment-health", "communication", "city-upgrading", "territorial-intelligence"]
SEARCH = "?q=%D8%A7%D9%84%D9%85%D8%AF%D9%8A%D9%86%D9%87"  # المدينه
CHECKS = [("outside", "outside the screen"), ("charts", "chart or cell off the screen"), ("broken", "word broken")]
TEXT_BOX = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect(); }"

AUDIT = """() => {
  const vw = window.innerWidth, out = {outside: [], broken: [], charts: [], mainTop: null};
  // Hidden on purpose: clipped (visually hidden) or inside something clipped.
  const hidden = el => {
    for (let a = el; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.clipPath !== 'none' || (cs.position === 'absolute' && cs.clip !== 'auto')) return true;
    }
    return false;
  };
  const main = document.querySelector('main'); if (main) out.mainTop = Math.round(main.getBoundingClientRect().top);
  for (const el of (main || document.body).querySelectorAll('*')) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width < 3 || r.height < 3 || cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (hidden(el)) continue;
    if ((r.left < -1 || r.right > vw + 1) && el.innerText && el.innerText.trim() && el.children.length === 0)
      out.outside.push(el.tagName + ': ' + el.innerText.trim().slice(0, 40));
  }
  for (const el of document.querySelectorAll('td, th, .gantt__months, .budget-bar, svg.bar, progress')) {
    const r = el.getBoundingClientRect();
    if (r.width < 1 || hidden(el) || !el.closest('main')) continue;
    if (r.left < -1 || r.right > vw + 1) out.charts.push(el.tagName + '.' + el.getAttribute('class'));
  }
  for (const cell of document.querySelectorAll('td, th')) {
    const words = cell.innerText.trim().split(/\\s+/).filter(Boolean).length; if (!words) continue;
    const range = document.createRange(); range.selectNodeContents(cell);
    const tops = new Set([...range.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
    if (tops.size > words) out.broken.push(cell.innerText.trim().slice(0, 40));
  }
  return out;
}"""


@pytest.fixture
def everything(site):
    """The commune's data from fixtures/ and, today, an open round, comments, a petition and a recorded change."""
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "budgets.json", verbosity=0)
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "consultations.json", verbosity=0)
    today = timezone.localdate()
    programme = Programme.objects.get()
    round_ = Round.objects.create(
        programme=programme,
        number=3,
        slug="ideas-now",
        kind=Round.Kind.IDEAS,
        title_ar="المشاركة المواطنة 3: أفكار جديدة",
        title_fr="Participation citoyenne 3 : nouvelles idées",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
    )
    project = Project.objects.get(slug="green-city")
    ContributionFactory(round=round_, project=project, title="أشجار الزيتون قرب المدارس")
    ContributionFactory(round=round_, axis=project.axis, text="Des bancs publics dans les jardins du quartier")
    comment = CommentFactory(project=project, text="نقترح غرس أشجار الزيتون في محيط المدارس")
    reply = "شكرا، ستدرس الجماعة اقتراحكم."
    CommentFactory(project=project, parent=comment, is_official=True, display_name="", text=reply)
    petition = PetitionFactory(title="تعميم الإنارة العمومية في أزقة حي الأمل وحي النهضة", support_count=41)
    PetitionEventFactory(petition=petition)
    # What load_commune_data does after loading the fixtures, then a change for the public history.
    call_command("populate_history", auto=True, verbosity=0)
    project.estimated_cost = 45000
    project.status = Project.Status.IN_PROGRESS
    project.save()
    call_command("rebuild_search_index", verbosity=0)
    return site


def public_pages() -> list[tuple[str, str, bool]]:
    """Return (name, path with {lang}, open the <details>) for each page the issue names."""
    return [
        ("home", "/{lang}/", False),
        ("projects", "/{lang}/programme/projects/", False),
        ("project", "/{lang}/programme/projects/green-city/", False),
        ("project-long-title", "/{lang}/programme/projects/traffic-decisions/", False),
        *[(f"axis-{slug}", f"/{{lang}}/programme/axes/{slug}/", False) for slug in AXES],
        ("calendar", "/{lang}/programme/calendar/", False),
        ("committee", "/{lang}/programme/committee/", False),
        ("budget-year", "/{lang}/budget/2024/", True),
        ("budget-participatory-results", "/{lang}/budget/participatory/2024/", False),
        ("history", "/{lang}/programme/projects/green-city/history/", False),
        ("consultations", "/{lang}/consultations/", False),
        ("round", "/{lang}/consultations/ideas-now/", False),
        ("round-results", "/{lang}/consultations/ideas-now/results/", False),
        ("round-results-2023", "/{lang}/consultations/idea-collection-2023/results/", False),
        ("petitions", "/{lang}/petitions/", False),
        ("petition", "/{lang}/petitions/{petition}/", False),
        ("search", "/{lang}/search/" + SEARCH, False),
    ]


@pytest.mark.parametrize(("name", "path", "open_details"), public_pages(), ids=[p[0] for p in public_pages()])
def test_every_public_page_fits_a_phone(everything, phone, name, path, open_details):
    petition = Petition.objects.get()
    problems = []
    for lang in ("ar", "fr"):
        phone.goto(everything + path.format(lang=lang, petition=petition.pk))
        if open_details:
            # Every <details> of the page, not the menu's: the tables they hold must fit too.
            phone.evaluate("document.querySelectorAll('main details').forEach(d => d.open = true)")
        audit = phone.evaluate(AUDIT)
        if audit["mainTop"] is None or audit["mainTop"] > MAIN_TOP:
            problems.append(f"{lang}: <main> starts at {audit['mainTop']} px")
        for key, what in CHECKS:
            if audit[key]:
                problems.append(f"{lang}: {what}: {audit[key][:3]}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        assert_accessible(phone)
        screenshot(phone, f"phone-{name}-{lang}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "label", "link"), [("ar", "القائمة", "المشاريع"), ("fr", "Menu", "Projets")])
def test_the_menu_opens_without_javascript(everything, browser, lang, label, link):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, java_script_enabled=False)
    phone = context.new_page()
    phone.goto(f"{everything}/{lang}/programme/projects/traffic-decisions/")
    nav = phone.get_by_role("navigation", name="القائمة الرئيسية" if lang == "ar" else "Navigation principale")
    assert not nav.get_by_role("link", name=link, exact=True).is_visible()
    # The language and the search stay on the screen.
    assert phone.get_by_role("search").first.get_by_role("searchbox").is_visible()
    other = "Français" if lang == "ar" else "العربية"
    assert phone.get_by_role("link", name=other).is_visible()
    phone.get_by_text(label, exact=True).click()
    nav.get_by_role("link", name=link, exact=True).click()
    assert phone.url.endswith(f"/{lang}/programme/projects/")
    context.close()


def test_the_menu_opens_from_the_keyboard(everything, phone):
    phone.goto(everything + "/ar/")
    for _ in range(10):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent.trim()") == "البرنامج"
    assert phone.locator(":focus").is_visible()


@pytest.mark.parametrize("lang", ["ar", "fr"])
def test_the_desktop_menu_is_shown_and_lines_up_with_the_page(everything, page, lang):
    page.goto(f"{everything}/{lang}/programme/projects/")
    assert not page.locator(".site-menu__button").is_visible()
    first = page.locator(".main-nav li").first.get_by_role("link")
    assert first.is_visible()
    text = first.evaluate(TEXT_BOX)
    heading = page.get_by_role("heading", level=1).evaluate(TEXT_BOX)
    width = page.viewport_size["width"]
    if lang == "ar":
        assert abs(text["right"] - heading["right"]) <= 2 and width - text["right"] >= 16
    else:
        assert abs(text["left"] - heading["left"]) <= 2 and text["left"] >= 16
    screenshot(page, f"desktop-header-{lang}")


def test_the_budget_parts_show_every_figure_on_a_phone(everything, phone):
    phone.goto(everything + "/ar/budget/2024/")
    table = phone.locator("table.budget-parts")
    operating = table.locator("tbody tr").first
    # Each value after the name of its column, the whole figure on the screen.
    expenditure = operating.locator("td").nth(1)
    assert "212\u00a0000\u00a0000,00" in expenditure.inner_text()
    box = expenditure.locator(".amount").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert expenditure.evaluate("td => getComputedStyle(td, '::before').content") == '"النفقات" / ""'
    total = table.locator("tfoot td").nth(1)
    assert "311\u00a0000\u00a0000,00" in total.inner_text()
    assert not table.locator("thead").is_visible() or table.locator("thead").bounding_box()["width"] <= 1
    # Screen readers still read the table with its header row.
    assert table.get_by_role("columnheader").count() == 4


def test_the_schedule_is_a_timeline_on_a_phone_and_a_chart_on_a_tablet(everything, browser, phone):
    phone.goto(everything + "/fr/programme/calendar/")
    row = phone.locator(".gantt tbody tr").filter(has_text="La ville verte")
    title, dates, bar = (row.locator(s).bounding_box() for s in ("th", ".gantt__dates", ".gantt__months"))
    # The name, its dates, then its bar across the screen, one under the other, under the years.
    assert title["y"] < dates["y"] < bar["y"]
    assert bar["width"] > 250 and bar["x"] >= 0 and bar["x"] + bar["width"] <= 360
    assert row.locator(".gantt__years--row").is_visible()
    months = row.locator(".gantt__months .on")
    assert months.count() == 8  # January to August 2024
    assert months.first.bounding_box()["width"] > 3
    # A project whose dates depend on a partner has no empty bar on a phone.
    partner = phone.locator(".gantt tbody tr").filter(has_text="Le budget participatif")
    assert not partner.locator(".gantt__months").is_visible()
    screenshot(phone, "phone-gantt-fr")

    context = browser.new_context(viewport={"width": 768, "height": 1024})
    tablet = context.new_page()
    tablet.goto(everything + "/ar/programme/calendar/")
    row = tablet.locator(".gantt tbody tr").filter(has_text="المدينة الخضراء")
    title, bar = row.locator("th").bounding_box(), row.locator(".gantt__months").bounding_box()
    # A row of the chart: in Arabic the name on the right, the bar on its left, on the same line.
    assert abs(title["y"] - bar["y"]) < 30 and bar["x"] + bar["width"] < title["x"]
    assert not row.locator(".gantt__years--row").is_visible()
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 768
    screenshot(tablet, "tablet-gantt-ar")
    context.close()


def test_the_logo_shows_in_the_header_without_pushing_the_page_down(everything, phone, page):
    commune = Commune.objects.get()
    commune.logo = "commune/logo.png"
    commune.save()
    # Uploads are served by the web server, not by the test server: answer for it with a tall image.
    png = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
    for tab in (phone, page):
        tab.route("**/media/commune/logo.png", lambda route: route.fulfill(body=png, content_type="image/x-icon"))
        tab.goto(everything + "/fr/programme/projects/traffic-decisions/")
        logo = tab.get_by_role("img", name="Logo de la commune")
        assert logo.is_visible()
        box = logo.bounding_box()
        assert box["height"] <= 48 and box["width"] <= 48
    assert phone.evaluate("document.querySelector('main').getBoundingClientRect().top") <= MAIN_TOP
    assert_accessible(phone)
    screenshot(phone, "phone-logo-fr")


def test_a_title_in_arabic_keeps_its_breadcrumb_separator_in_french(everything, phone):
    petition = Petition.objects.get()
    phone.goto(f"{everything}/fr/petitions/{petition.pk}/")
    crumb = phone.locator(".breadcrumbs li").last
    label = crumb.locator("bdi")
    assert label.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert crumb.evaluate("e => getComputedStyle(e).direction") == "ltr"
    # The separator stays on the left of the title, and the title keeps its first words on a short screen.
    separator = crumb.evaluate("e => getComputedStyle(e, '::before').content")
    assert separator == '"›" / ""'
    assert label.bounding_box()["x"] > crumb.bounding_box()["x"] + 5
    start = label.evaluate(
        "e => { const r = document.createRange(); r.setStart(e.firstChild, 0); r.setEnd(e.firstChild, 5);"
        " return r.getBoundingClientRect().right; }"
    )
    box = label.bounding_box()
    assert start <= box["x"] + box["width"] + 1


def test_a_comment_s_report_button_comes_before_the_official_reply(everything, page):
    page.goto(everything + "/fr/programme/projects/green-city/")
    comment = page.locator(".comments__list > li").first
    report = comment.get_by_role("button", name="Signaler ce commentaire").bounding_box()
    reply = comment.locator(".comment--official").bounding_box()
    assert report["y"] < reply["y"]
    assert Comment.objects.filter(is_official=True).count() == 1
