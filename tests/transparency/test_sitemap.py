"""sitemap.xml lists every public page, in both languages, and nothing else: checked against every URL pattern."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import translation

from budgets.models import BudgetYear, Cycle, Proposal
from consultations.models import Round
from moderation.models import Moderated
from petitions.models import CouncilSession, Petition
from programme.models import Axis, Project
from tests.budgets.factories import ProposalFactory, cycle_build, year_build
from tests.consultations.factories import RoundFactory
from tests.factories import programme_build
from tests.petitions.factories import PetitionFactory, petitions_build

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SITE = "https://openmun.example.ma"

# Public pages without parameters: each is in the sitemap in both languages.
PAGES = {
    "programme:home",
    "programme:project-list",
    "programme:calendar",
    "programme:committee",
    "programme:method",
    "consultations:round-list",
    "petitions:petition-list",
    "petitions:petition-guide",
    "council:session-list",
    "budgets:year-list",
    "budgets:cycle-list",
    "transparency:open-data",
    "transparency:api-docs",
}
# Public pages of an object: every object whose page answers 200 is in the sitemap, and no other.
INSTANCES = {
    "programme:project-detail": lambda: [{"slug": p.slug} for p in Project.objects.all()],
    "programme:project-history": lambda: [{"slug": p.slug} for p in Project.objects.all()],
    "programme:axis-detail": lambda: [{"slug": a.slug} for a in Axis.objects.all()],
    "consultations:round-detail": lambda: [{"slug": r.slug} for r in Round.objects.all()],
    "consultations:round-results": lambda: [{"slug": r.slug} for r in Round.objects.all()],
    "petitions:petition-detail": lambda: [{"pk": p.pk} for p in Petition.objects.all()],
    "council:session-detail": lambda: [{"slug": s.slug} for s in CouncilSession.objects.all()],
    "budgets:year-detail": lambda: [{"year": y.year} for y in BudgetYear.objects.all()],
    "budgets:cycle-detail": lambda: [{"slug": c.slug} for c in Cycle.objects.all()],
    "budgets:proposal-detail": lambda: [
        {"slug": p.cycle.slug, "pk": p.pk} for p in Proposal.objects.select_related("cycle")
    ],
}
# Left out of the sitemap, and why (transparency/sitemaps.py says the same).
FILES = "a file, not a page: PDFs print what the pages show; feeds, calendars and open data are on the open data page"
FORM = "a form or the page shown after one: linked from the page it belongs to, no content of its own"
EXCLUDED = {
    "robots-txt": FILES,
    "favicon": FILES,
    "healthz": "for load balancers",
    "sitemap": "the sitemap itself",
    "api:index": FILES,
    "api:zip": FILES,
    "api:dataset": FILES,
    "api:dataset-csv": FILES,
    "api:dataset-schema": FILES,
    "api:dataset-item": FILES,
    "api:not-found": FILES,
    "programme:project-pdf": FILES,
    "programme:project-share": FILES,
    "programme:programme-pdf": FILES,
    "petitions:petition-sheets": FILES,
    "council:session-ical": FILES,
    "council:session-report": FILES,
    "budgets:year-booklet": FILES,
    "transparency:calendar": FILES,
    "transparency:feed": FILES,
    "transparency:site-share": FILES,
    "transparency:search": "endless result pages, noindex",
    "consultations:moderation-queue": "staff only",
    "petitions:petition-deadlines": "staff only",
    "petitions:support-export": "staff only",
    "consultations:comment-create": "POST only",
    "consultations:comment-report": "POST only",
    "consultations:comment-reply": "POST only",
    "consultations:contribution-report": "POST only",
    "petitions:support-create": "POST only",
    "petitions:petition-report": "POST only",
    "consultations:contribution-create": FORM,
    "consultations:contribution-thanks": FORM,
    "petitions:petition-create": FORM,
    "petitions:petition-submitted": FORM,
    "petitions:support-sent": FORM,
    "petitions:support-confirmed": FORM,
    "budgets:proposal-create": FORM,
    "budgets:proposal-thanks": FORM,
    "budgets:voter-create": FORM,
    "budgets:voter-sent": FORM,
    "petitions:support-confirm": "a link that acts for a person",
    "budgets:voter-confirm": "a link that acts for a person",
    "following:follow": "POST only",
    "following:follow-sent": FORM,
    "following:confirm": "a link that acts for a person",
    "following:unsubscribe": "a link that acts for a person",
    "following:stop": "a link that acts for a person",
    "budgets:ballot-edit": "a voter's own ballot",
    "budgets:ballot-recorded": "a voter's own ballot",
}


def url_names(patterns=None, namespace: str = ""):
    """Yield the name of every URL pattern, with its namespaces, the admin's aside."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner == "admin":
                continue
            yield from url_names(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


@pytest.fixture
def portal(db):
    """Every kind of public page, and objects of the same kinds that are not public."""
    programme = programme_build()
    RoundFactory(programme=programme, slug="ideas", number=1)
    RoundFactory(programme=programme, slug="draft", number=2)
    petitions_build()
    PetitionFactory(status=Moderated.Status.PENDING, published_on=None, state="submitted")
    year_build(2024)
    year_build(2025, is_published=False)
    cycle = cycle_build(proposals=2)
    ProposalFactory(cycle=cycle, status=Moderated.Status.PENDING)
    cycle_build(proposals=1, slug="unpublished", year=2027, is_published=False)
    return programme


def sitemap_locations(client, **headers) -> tuple[set[str], bytes]:
    response = client.get("/sitemap.xml", **headers)
    assert response.status_code == 200
    document = ET.fromstring(response.content)
    return {url.findtext(f"{SITEMAP}loc") for url in document}, response.content


def test_every_url_pattern_is_either_a_public_page_or_left_out_for_a_reason():
    names = set(url_names())
    classified = PAGES | set(INSTANCES) | set(EXCLUDED)
    assert names - classified == set(), "a new address: list it in the sitemap, or here with the reason it is not"
    assert classified - names == set(), "an address that no longer exists"


def test_the_sitemap_lists_every_public_page_in_both_languages_and_nothing_else(client, portal):
    expected = set()
    for language in ("ar", "fr"):
        with translation.override(language):
            expected |= {reverse(name) for name in PAGES}
            for name, instances in INSTANCES.items():
                for kwargs in instances():
                    path = reverse(name, kwargs=kwargs)
                    if client.get(path).status_code == 200:
                        expected.add(path)
    # Each kind of object page has public instances, and the fixture has others that answer 404.
    prefixes = {path.split("/")[2] for path in expected}
    assert {"programme", "consultations", "petitions", "council", "budget", "open-data"} <= prefixes
    hidden = Petition.objects.exclude(pk__in=Petition.objects.public()).get()
    assert f"/fr/petitions/{hidden.pk}/" not in expected
    locations, _content = sitemap_locations(client)
    assert {location.removeprefix("http://testserver") for location in locations} == expected


def test_the_sitemap_comes_from_the_configured_site_url_with_absolute_alternates(client, portal, settings):
    settings.OPENMUN_SITE_URL = SITE
    locations, content = sitemap_locations(client, HTTP_HOST="localhost")
    assert locations and all(location.startswith(f"{SITE}/") for location in locations)
    document = ET.fromstring(content)
    alternates = list(document.iter(f"{XHTML}link"))
    assert alternates and all(link.get("href").startswith(f"{SITE}/") for link in alternates)
    for url in document:
        languages = {link.get("hreflang") for link in url.iter(f"{XHTML}link")}
        assert languages == {"ar", "fr", "x-default"}
