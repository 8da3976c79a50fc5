import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from tests.budgets.factories import cycle_build
from tests.consultations.factories import MeetingFactory, RoundFactory
from tests.factories import ProjectUpdateFactory, programme_build
from tests.petitions.factories import PetitionEventFactory, petitions_build
from transparency.registry import registry

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def portal(db):
    programme = programme_build()
    consultation_round = RoundFactory(
        programme=programme, slug="ideas", opens_on=datetime.date(2023, 7, 19), closes_on=datetime.date(2023, 7, 30)
    )
    MeetingFactory(
        round=consultation_round, date=datetime.date(2023, 7, 11), title_ar="لقاء تشاوري", title_fr="Rencontre"
    )
    petitions = petitions_build()
    PetitionEventFactory(petition=petitions[2], action="accepted", date=datetime.date(2026, 2, 1))
    cycle_build(proposals=1)
    return programme


def path(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("slug", ["all", *sorted(registry.feeds)])
def test_atom_feeds_are_valid_with_unique_permanent_ids(client, portal, slug, language):
    response = client.get(path("transparency:feed", language, slug=slug))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287: a feed has an id, a title, an updated date and a self link; every entry an id, title, updated.
    for element in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{element}") is not None
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert entries, slug
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:testserver,2023:") for i in ids)
    for entry in entries:
        assert entry.findtext(f"{ATOM}title")
        datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated"))
        assert entry.find(f"{ATOM}link").get("href").startswith(f"http://testserver/{language}/")
    dates = [entry.findtext(f"{ATOM}updated") for entry in entries]
    assert dates == sorted(dates, reverse=True)


def test_the_combined_feed_has_every_topic_and_escapes_text(client, portal):
    update = ProjectUpdateFactory(project=portal.projects.first(), text_fr="Travaux <b>finis</b> & reçus")
    feed = ET.fromstring(client.get(path("transparency:feed", "fr", slug="all")).content)
    ids = " ".join(entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry"))
    for piece in (
        f"project-update-{update.pk}",
        "petition-event-",
        "petition-",
        "consultation-round-",
        "budget-phase-",
    ):
        assert piece in ids, piece
    summary = next(
        entry.findtext(f"{ATOM}summary")
        for entry in feed.findall(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}id").endswith(f"project-update-{update.pk}")
    )
    assert "&lt;b&gt;finis&lt;/b&gt; &amp; reçus" in summary


def test_unknown_feed_is_not_found(client, portal):
    assert client.get(path("transparency:feed", "ar", slug="nothing")).status_code == 404


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_page_advertises_the_feeds(client, portal, language):
    html = client.get(path("programme:home", language)).content.decode()
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">', html)
    assert links == [
        path("transparency:feed", language, slug=slug)
        for slug in ["all", *[feed.slug for feed in registry.feed_list()]]
    ]


def test_the_calendar_is_rfc_5545_with_stable_uids(client, portal):
    response = client.get(path("transparency:calendar", "ar"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    unfolded = raw.decode().replace("\r\n ", "")
    uids = re.findall(r"^UID:(.+)$", unfolded, re.MULTILINE)
    assert len(uids) == len(set(uids)) == unfolded.count("BEGIN:VEVENT")
    for kind in (
        "council-session-",
        "consultation-round-",
        "consultation-meeting-",
        "budget-phase-",
        "programme-milestone-",
        "programme-committee-meeting-",
    ):
        assert any(uid.startswith(kind) for uid in uids), kind
    assert "DTSTART;VALUE=DATE:20230719\r\nDTEND;VALUE=DATE:20230731" in unfolded.replace("\r\n ", "")
    again = client.get(path("transparency:calendar", "ar")).content.decode().replace("\r\n ", "")
    assert re.findall(r"^UID:(.+)$", again, re.MULTILINE) == uids


def test_the_sitemap_lists_both_languages_with_alternates(client, portal):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    sitemap = ET.fromstring(response.content)
    locations = [url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for url in sitemap]
    assert "http://testserver/ar/programme/projects/project-1/" in locations
    assert "http://testserver/fr/programme/projects/project-1/" in locations
    assert "http://testserver/ar/petitions/" in locations
    assert b'hreflang="x-default"' in response.content
    # Never a petition that is not public.
    from petitions.models import Petition

    for petition in Petition.objects.exclude(pk__in=Petition.objects.public()):
        assert f"/petitions/{petition.pk}/" not in response.content.decode()


def test_robots_txt_names_the_sitemap_and_keeps_search_pages_out(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /ar/search/" in text and "Disallow: /fr/search/" in text
