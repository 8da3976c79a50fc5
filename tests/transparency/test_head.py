"""What every page's head and markup tell machines: absolute hreflang alternates, link previews, <time> values."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from programme.models import Project
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

SITE = "https://openmun.example.ma"
HREFLANG = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
TIME_VALUE = re.compile(r'<time datetime="([^"]*)"')
# A date, or a moment to the second with its offset (HTML's valid global date and time string).
DATE_OR_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2})?")


@pytest.fixture
def portal(db):
    return programme_build()


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("page", ["", "programme/projects/project-1/", "open-data/", "search/?q=verte"])
def test_every_page_links_its_language_versions_absolutely_with_a_default(client, portal, language, page):
    html = client.get(f"/{language}/{page}").content.decode()
    links = dict(HREFLANG.findall(html))
    assert links == {
        "ar": f"http://testserver/ar/{page}",
        "fr": f"http://testserver/fr/{page}",
        "x-default": f"http://testserver/ar/{page}",
    }


def test_alternates_and_link_previews_come_from_the_configured_site_url(client, portal, settings):
    settings.OPENMUN_SITE_URL = SITE
    html = client.get("/fr/programme/projects/project-1/", HTTP_HOST="localhost").content.decode()
    assert dict(HREFLANG.findall(html))["ar"] == f"{SITE}/ar/programme/projects/project-1/"
    assert f'<meta property="og:url" content="{SITE}/fr/programme/projects/project-1/">' in html
    assert f'<meta property="og:image" content="{SITE}/fr/programme/projects/project-1/share.png">' in html


def render_fdate(value, arg: str = "DATE_FORMAT") -> str:
    return Template("{% load openmun %}{{ value|fdate:arg }}").render(Context({"value": value, "arg": arg}))


def test_time_values_carry_no_microseconds():
    moment = timezone.make_aware(datetime.datetime(2024, 5, 2, 10, 30, 15, 123456))
    with translation.override("fr"):
        html = render_fdate(moment, "DATETIME_FORMAT")
        assert TIME_VALUE.search(html).group(1) == "2024-05-02T10:30:15+01:00"
        # A moment in UTC is given, and shown, in Casablanca's time.
        late = datetime.datetime(2024, 5, 2, 23, 30, 0, 999, tzinfo=datetime.UTC)
        html = render_fdate(late)
        assert html == '<time datetime="2024-05-03T00:30:00+01:00">3 mai 2024</time>'
        assert render_fdate(datetime.date(2024, 5, 2)) == '<time datetime="2024-05-02">2 mai 2024</time>'


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_pages_that_show_moments_write_them_to_the_second(client, portal, language):
    project = Project.objects.get(slug="project-1")
    project.summary_fr = "Changé"
    project.save()
    for page in ("programme/projects/project-1/history/", "open-data/"):
        html = client.get(f"/{language}/{page}").content.decode()
        values = TIME_VALUE.findall(html)
        assert values, page
        assert all(DATE_OR_MOMENT.fullmatch(value) for value in values), values
    history = client.get(f"/{language}/programme/projects/project-1/history/").content.decode()
    assert any("T" in value for value in TIME_VALUE.findall(history))
