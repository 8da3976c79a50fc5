import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import icalendar
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
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITE = "https://openmun.example.ma"
# RFC 3339 date-time, as Atom's updated and published are (RFC 4287, 3.3).
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# The W3C feed validator's test of a tag: URI (RFC 4151).
TAG_URI = re.compile(
    r"tag:([a-z0-9\-._]+?@)?[a-z0-9.\-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*"
    r"(#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?"
)


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


def absolute(address: str | None) -> bool:
    parts = urlsplit(address or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def atom_problems(document: bytes, address: str) -> list[str]:
    """Return what breaks the rules of Atom 1.0 (RFC 4287) that the W3C feed validator enforces."""
    problems = []
    feed = ET.fromstring(document)
    if feed.tag != f"{ATOM}feed":
        return ["the root is not atom:feed"]
    if not feed.get(XML_LANG):
        problems.append("no xml:lang")

    def check_common(element, where: str) -> None:
        for name in ("id", "title", "updated"):
            if len(element.findall(f"{ATOM}{name}")) != 1:
                problems.append(f"{where}: not exactly one {name}")
        identifier = element.findtext(f"{ATOM}id") or ""
        if not (TAG_URI.fullmatch(identifier) if identifier.startswith("tag:") else absolute(identifier)):
            problems.append(f"{where}: id {identifier!r} is not a valid absolute IRI")
        if not (element.findtext(f"{ATOM}title") or "").strip():
            problems.append(f"{where}: empty title")
        for name in ("updated", "published"):
            value = element.findtext(f"{ATOM}{name}")
            if value is not None and not RFC_3339.fullmatch(value):
                problems.append(f"{where}: {name} {value!r} is not RFC 3339")
        alternates = set()
        for link in element.findall(f"{ATOM}link"):
            if not absolute(link.get("href")):
                problems.append(f"{where}: link {link.get('href')!r} is not absolute")
            if link.get("rel", "alternate") == "alternate":
                pair = (link.get("type"), link.get("hreflang"))
                if pair in alternates:
                    problems.append(f"{where}: two alternate links of the same type and language")
                alternates.add(pair)
        for author in element.findall(f"{ATOM}author"):
            if not (author.findtext(f"{ATOM}name") or "").strip():
                problems.append(f"{where}: an author without a name")
            uri = author.findtext(f"{ATOM}uri")
            if uri is not None and not absolute(uri):
                problems.append(f"{where}: author uri {uri!r} is not absolute")

    check_common(feed, "feed")
    selves = [link.get("href") for link in feed.findall(f"{ATOM}link[@rel='self']")]
    if selves != [address]:
        problems.append(f"feed: self link {selves} is not the feed's address {address}")
    feed_author = feed.find(f"{ATOM}author") is not None
    ids = []
    for number, entry in enumerate(feed.findall(f"{ATOM}entry"), 1):
        where = f"entry {number}"
        check_common(entry, where)
        ids.append(entry.findtext(f"{ATOM}id"))
        if entry.find(f"{ATOM}author") is None and not feed_author:
            problems.append(f"{where}: no author, and the feed has none")
        alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        if entry.find(f"{ATOM}content") is None and not alternate:
            problems.append(f"{where}: neither content nor an alternate link")
        summary = entry.find(f"{ATOM}summary")
        if summary is not None and summary.get("type", "text") not in ("text", "html", "xhtml"):
            problems.append(f"{where}: summary type {summary.get('type')!r}")
    if len(ids) != len(set(ids)):
        problems.append("two entries have the same id")
    return problems


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("slug", ["all", *sorted(registry.feeds)])
def test_atom_feeds_pass_the_rules_the_w3c_validator_checks(client, portal, slug, language):
    address = path("transparency:feed", language, slug=slug)
    response = client.get(address)
    assert atom_problems(response.content, f"http://testserver{address}") == []
    feed = ET.fromstring(response.content)
    # The commune publishes: every entry names it, and so does the feed.
    authors = {author.findtext(f"{ATOM}name") for author in feed.iter(f"{ATOM}author")}
    with translation.override(language):
        assert authors == {registry.site_name()} and registry.site_name()
    assert len(list(feed.iter(f"{ATOM}author"))) == len(feed.findall(f"{ATOM}entry")) + 1


def test_the_rule_checker_finds_what_the_validator_refuses():
    good = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><id>tag:example.ma,2023:fr/feeds/all</id>'
        b"<title>T</title><updated>2024-05-02T00:00:00+01:00</updated><author><name>C</name></author>"
        b'<link rel="self" href="https://example.ma/fr/feeds/all.atom"/>'
        b"<entry><id>tag:example.ma,2023:fr/a</id><title>A</title><updated>2024-05-02T00:00:00Z</updated>"
        b'<link href="https://example.ma/fr/a/"/></entry></feed>'
    )
    assert atom_problems(good, "https://example.ma/fr/feeds/all.atom") == []
    for broken, problem in [
        (good.replace(b"<author><name>C</name></author>", b""), "no author"),
        (good.replace(b'href="https://example.ma/fr/a/"', b'href="/fr/a/"'), "not absolute"),
        (good.replace(b"2024-05-02T00:00:00Z", b"2024-05-02 00:00"), "RFC 3339"),
        (good.replace(b"tag:example.ma,2023:fr/a", b"tag:example.ma:fr/a"), "valid absolute IRI"),
    ]:
        assert any(problem in found for found in atom_problems(broken, "https://example.ma/fr/feeds/all.atom"))


def test_feed_ids_and_links_come_from_the_configured_site_url(client, portal, settings):
    settings.OPENMUN_SITE_URL = SITE
    address = path("transparency:feed", "fr", slug="all")
    first = client.get(address, HTTP_HOST="localhost").content
    assert atom_problems(first, f"{SITE}{address}") == []
    feed = ET.fromstring(first)
    ids = [element.text for element in feed.iter(f"{ATOM}id")]
    assert ids and all(i.startswith("tag:openmun.example.ma,2023:fr/") for i in ids)
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert links and all(link.startswith(f"{SITE}/fr/") for link in links)
    # Another Host header changes nothing a feed reader keys on.
    assert client.get(address, HTTP_HOST="127.0.0.1").content == first


def calendar_events(raw: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(raw)
    assert not calendar.errors
    events = list(calendar.walk("VEVENT"))
    for event in events:
        assert not event.errors, event.errors
    return events


@pytest.mark.parametrize("name", ["transparency:calendar", "council:session-ical"])
def test_calendars_parse_with_icalendar_with_stamps_uids_and_whole_days(client, portal, settings, name):
    settings.OPENMUN_SITE_URL = SITE
    raw = client.get(path(name, "fr"), HTTP_HOST="localhost").content
    events = calendar_events(raw)
    assert events
    for event in events:
        stamp = event.decoded("DTSTAMP")
        assert isinstance(stamp, datetime.datetime) and stamp.utcoffset() == datetime.timedelta(0)
        assert str(event["UID"]).endswith("@openmun.example.ma")
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        # Whole days: dates, which no time zone can move (never a floating date-time).
        assert type(start) is datetime.date and type(end) is datetime.date and end > start
        assert str(event["SUMMARY"])
        if "URL" in event:
            assert str(event["URL"]).startswith(f"{SITE}/fr/")
    assert client.get(path(name, "fr"), HTTP_HOST="127.0.0.1").content.split(b"DTSTAMP")[0] == raw.split(b"DTSTAMP")[0]


def test_calendar_text_keeps_one_line_per_property_whatever_was_typed():
    from openmun.ical import CalendarEvent, calendar_document

    event = CalendarEvent(
        uid="x-1",
        summary="Session\rextraordinaire\x00; ordre, du jour\\",
        description="ligne 1\r\nligne 2\x07\nligne 3",
        start=datetime.date(2026, 2, 2),
        end=datetime.date(2026, 2, 3),
    )
    raw = calendar_document(
        [event], name="N", description="D", host="example.ma", base_url="https://example.ma", language="fr"
    )
    (parsed,) = calendar_events(raw.encode())
    assert str(parsed["SUMMARY"]) == "Session\nextraordinaire; ordre, du jour\\"
    assert str(parsed["DESCRIPTION"]) == "ligne 1\nligne 2\nligne 3"
    assert str(parsed["UID"]) == "x-1@example.ma"
