"""Every URL pattern of the portal, sent hostile requests: never a server error, and every refusal is the
portal's own page, translated into the language of the address (JSON under /api/v1/).

The patterns are found by walking django.urls.get_resolver(): both language prefixes, the API without a prefix,
the admin left out but for its sign-in page. A pattern added to any app is walked as soon as it exists; one that
takes arguments fails until build_site() names the real objects they can point at. Each pattern gets: its real
addresses (one per kind of object), each argument replaced by hostile values, hostile query strings, every
method (a POST without a CSRF token, and with the check off: empty, hostile, odd, malformed), hostile headers and
cookies, a Host that is not allowed, and a signed-in superuser. Where the variants multiply, a deterministic
sample is taken (see plan()). The data is built once for the module, in a transaction rolled back at its end.

Run it on PostgreSQL too: it refuses a NUL in text and integers out of range where SQLite does not.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter, UUIDConverter
from django.urls.resolvers import LocalePrefixPattern, RegexPattern
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import Proposal
from budgets.views import voter_session_key
from consultations.forms import ModerationForm
from following import services as following_services
from following.models import Follow
from openmun.forms import posted_ids
from openmun.tokens import nonce_new
from petitions import services as petition_services
from petitions.models import CouncilSession, Petition
from tests.budgets.factories import Kind, ProposalFactory, cycle_build, voter_make, year_build
from tests.consultations.factories import CommentFactory, ContributionFactory, MeetingFactory, RoundFactory
from tests.factories import programme_build
from tests.petitions.factories import PetitionFactory, SupportFactory, petitions_build
from transparency import opendata
from transparency.registry import registry

pytestmark = pytest.mark.django_db

LANGUAGES = ("ar", "fr")
API_PREFIX = "/api/v1/"

# Path arguments: raw URL text (percent-encoded as a client sends it), for every converter.
HUGE = "9" * 10_000
HOSTILE_SEGMENTS = [
    "%00",
    "a%00b",
    "%01",
    "%1b%5B31m",
    "%7f",
    "%0a",
    "%0d%0aSet-Cookie:%20x=1",
    "x" * 10_000,
    "no-such-thing",
    "..",
    "%2e%2e",
    "a%2Fb",
    "%2F%2Fevil.example",
    quote("مشروع-البيئة"),
    "%ff%fe",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    HUGE,
    "1.5",
    "1e3",
    "abc",
    quote("١٢"),
    "%20",
    "%3Cscript%3E",
]
# Query strings (after "?"), also percent-encoded as sent: the first ones on every pattern, a sample of the others.
HOSTILE_QUERIES = [
    "page=abc",
    "page=",
    "page=1.5",
    "page=99999999999",
    "page=1&page=2",
    "q=%00",
    "q=" + "%D8%A8" * 5_000,
    "kind=%00",
    "state=%00",
    "utm_source=x&utm_medium=y&fbclid=z&gclid=w",
    "unknown=1",
]
MORE_HOSTILE_QUERIES = [
    "page=1e3",
    "page=-1",
    "page=0",
    "page=" + HUGE,
    "page=%00",
    "q=%01%1b%7f%0a",
    "q=" + "x" * 5_000,
    "kind=no-such-kind",
    "state=no-such-state",
    "%00=%00",
    "page[]=1",
    "q=a&q=b&q=c",
    "&&&=&=",
    "%ff=%fe",
    "page=%C2%B2&q=%C2%B2",
    "&".join(f"p{number}=1" for number in range(1_200)),
    "utm_source=x&" + "&".join(f"p{number}=1" for number in range(1_200)),
]
# A form's worth of hostile fields, for the POSTs that pass the CSRF check.
HOSTILE_FORM = {
    "q": "\x00",
    "page": "abc",
    "text": "\x00" * 20,
    "title": "x" * 10_000,
    "name": "\x1b[31m",
    "display_name": "Commune de Beni Mellal",
    "email": "\x00@example.ma",
    "relation": "\x00",
    "consent": "\x00",
    "decision": "\x00",
    "reason": "x" * 10_000,
    # Choices of records: numbers no key can hold (a letter or a NUL would be refused before any query).
    "proposals": ["99999999999999999999", "9223372036854775808"],
    "contributions": ["99999999999999999999"],
    "comments": ["9223372036854775808"],
    "estimated_cost": "1e309",
    "axis": "99999999999999999999",
    "project": "\x00",
    "kind": "\x00",
    "domain": "\x00",
    "association_founded_on": "2023-02-30",
    "hp_check": "",
}
# A form's worth of plausible values among odd ones, so that forms get past their first checks: "²" is a digit to
# str.isdigit() but not to int(), a number of 10 000 digits is more than int() reads.
ODD_FORM = {
    "proposals": ["²", HUGE],
    "contributions": ["²"],
    "comments": [HUGE],
    "decision": "published",
    "reason": "",
    "text": "فكرة لتحسين الإنارة العمومية في الحي",
    "title": "Une idée pour le quartier",
    "request": "نطلب من المجلس إدراج نقطة تتعلق بالإنارة العمومية في الحي.",
    "reasons": "الحي يعاني من الظلام ليلا.",
    "display_name": "Amina",
    "name": "Amina",
    "agent_name": "Amina",
    "email": "amina@example.ma",
    "contact_email": "amina@example.ma",
    "contact_phone": "²²²²²²²²²²",
    "relation": "resident",
    "consent": "on",
    "kind": "citizens",
    "domain": "lighting",
    "neighbourhood": "حي السلام",
    "estimated_cost": "NaN",
    "axis": "²",
    "project": HUGE,
    "association_founded_on": "9999-12-31",
    "page": "²",
    "q": "²",
}
HOSTILE_HEADERS = [
    {"HTTP_ACCEPT_LANGUAGE": "\x00"},
    {"HTTP_ACCEPT_LANGUAGE": "x" * 10_000},
    {"HTTP_IF_NONE_MATCH": '"\x00", W/"x", *'},
    {"HTTP_IF_MODIFIED_SINCE": "Mon, 99 Foo 99999 99:99:99 GMT"},
    {"HTTP_IF_MATCH": '"no-such-etag"', "HTTP_IF_UNMODIFIED_SINCE": "0"},
    {"HTTP_RANGE": "bytes=99999999999999999999-"},
    {"HTTP_X_REQUEST_ID": "\x00" * 100, "HTTP_X_FORWARDED_FOR": "not-an-address, ::ffff:1.2.3.4"},
    {"HTTP_REFERER": "http://testserver/\x00\r\n", "HTTP_ORIGIN": "null", "HTTP_ACCEPT_ENCODING": "gzip;q=abc"},
    {"REMOTE_ADDR": "not-an-address"},
    {"REMOTE_ADDR": "2001:db8::1"},
]
HOSTILE_COOKIES = [
    "sessionid=" + "x" * 10_000,
    "sessionid=%00; csrftoken=%00; messages=%00",
    "csrftoken=short; messages=not-signed:at-all; django_language=xx",
    "=;;;==;\x7f; sessionid",
    "; ".join(f"c{number}=1" for number in range(500)),
]
OTHER_METHODS = ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND")

# What Django shows when the portal's own pages are missing: never in an answer.
DJANGO_PAGES = re.compile(
    r"You(?:&#x27;|')re seeing this error because|<h1>(?:Bad Request|Forbidden|Not Found|Server Error)"
    r"|technical_500|NONE,NOARCHIVE|CSRF verification failed"
)
HTML_LANG = re.compile(r'<html lang="(\w+)" dir="(rtl|ltr)"')
ARABIC = re.compile(r"[\u0600-\u06ff]")

# A cap per pattern on the requests the walk sends; the sample of plan() keeps each pattern under it.
MAX_REQUESTS_PER_PATTERN = 400


# The patterns


@dataclass(frozen=True)
class Route:
    name: str
    template: str  # the address with <kind:argument> markers, without the language prefix
    localized: bool
    converters: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


CONVERTER_KINDS = {
    IntConverter: "int",
    SlugConverter: "slug",
    StringConverter: "str",
    PathConverter: "path",
    UUIDConverter: "uuid",
}
ROUTE_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def route_of(prefix: str, entry: URLPattern, namespace: str, localized: bool) -> Route:
    name = f"{namespace}:{entry.name}" if namespace else entry.name
    if isinstance(entry.pattern, RegexPattern):
        # Only a catch-all is written as a regular expression (the API's JSON 404): any path is its argument.
        names = list(entry.pattern.regex.groupindex)
        assert len(names) == 1, f"{name}: a regular expression the walk cannot fill ({entry.pattern.regex.pattern})"
        return Route(name, f"{prefix}<{names[0]}>", localized, {names[0]: "path"})
    converters = {arg: CONVERTER_KINDS[type(conv)] for arg, conv in entry.pattern.converters.items()}
    return Route(name, prefix + str(entry.pattern), localized, converters)


def routes() -> list[Route]:
    """Return every URL pattern of the portal (the admin's sign-in page only), in the resolver's order."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, localized: bool) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLPattern):
                found.append(route_of(prefix, entry, namespace, localized))
                continue
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            if isinstance(entry.pattern, LocalePrefixPattern):
                walk(entry, prefix, inner, True)
            elif entry.app_name == "admin":
                login = next(item for item in entry.url_patterns if getattr(item, "name", "") == "login")
                found.append(route_of(prefix + str(entry.pattern), login, inner, localized))
            else:
                walk(entry, prefix + str(entry.pattern), inner, localized)

    walk(get_resolver(), "", "", False)
    return found


ROUTES = routes()


# The data: every kind of object the addresses name


@dataclass
class Site:
    arguments: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    session: dict = field(default_factory=dict)  # what the staff client's session holds besides the sign-in
    staff: object = None  # a superuser


def build_site() -> Site:
    """Build the programme, rounds, contributions, comments, petitions, sessions, budgets and cycles."""
    programme = programme_build()
    today = timezone.localdate()
    follow = Follow.objects.create(target="budget:participatory", email="follower@example.ma", language="ar")
    open_round = RoundFactory(
        programme=programme,
        slug="round-open",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=10),
    )
    closed_round = RoundFactory(
        programme=programme,
        slug="round-closed",
        opens_on=today - datetime.timedelta(days=40),
        closes_on=today - datetime.timedelta(days=10),
    )
    upcoming_round = RoundFactory(programme=programme, slug="round-upcoming", opens_on=None, closes_on=None)
    MeetingFactory(round=closed_round)
    contributions = [
        *ContributionFactory.create_batch(3, round=closed_round),
        ContributionFactory(round=open_round),
        ContributionFactory(round=open_round, status="pending"),
    ]
    project = programme.projects.order_by("number").first()
    comment = CommentFactory(project=project)
    hidden_comment = CommentFactory(project=project, status="pending")

    petitions = petitions_build()
    association = PetitionFactory(
        kind=Petition.Kind.ASSOCIATION,
        association_name="جمعية الحي",
        association_founded_on=datetime.date(2015, 1, 1),
        association_seat="بني ملال",
        association_representative="ممثل الجمعية",
    )
    pending = PetitionFactory(status=Petition.Status.PENDING, state=Petition.State.SUBMITTED, published_on=None)
    support = SupportFactory(petition=petitions[0], confirmed_at=None)
    used_support = SupportFactory(petition=petitions[0], confirmed_at=None)
    used_token = petition_services.support_token_make(used_support)
    used_support.confirmed_at = timezone.now()
    used_support.save()
    sessions = list(CouncilSession.objects.order_by("pk"))

    year_build(2024)
    year_build(2025, executed=True, is_published=False)
    proposals_cycle = cycle_build(current=Kind.PROPOSALS, year=2091, slug="proposals-open", proposals=2)
    vote_cycle = cycle_build(current=Kind.VOTE, year=2092, slug="vote-open", proposals=3)
    closed_cycle = cycle_build(current=None, year=2093, slug="closed", proposals=2)
    hidden_proposal = ProposalFactory(cycle=vote_cycle, status=Proposal.Status.PENDING)
    voter = voter_make(vote_cycle, "voter@example.ma", confirmed=False)
    # A voter whose ballot the staff client holds open (as after using the link), so that ballots are posted too.
    ballot_voter = voter_make(vote_cycle, "ballot@example.ma")
    ballot_voter.session_nonce = nonce_new()
    ballot_voter.save()

    rounds = [open_round, closed_round, upcoming_round]
    # The cycle open to votes first: the hostile variants go to the first address, where the ballot is open.
    cycles = [vote_cycle, proposals_cycle, closed_cycle]
    projects = [{"slug": project.slug}]
    cycle_slugs = [{"slug": cycle.slug} for cycle in cycles]
    all_petitions = [*petitions, association, pending]
    staff = get_user_model().objects.create_superuser("walker", "walker@example.ma", password=None)
    site = Site(staff=staff, session={voter_session_key(vote_cycle): [ballot_voter.pk, ballot_voter.session_nonce]})
    site.arguments = {
        "programme:project-detail": projects,
        "programme:project-pdf": projects,
        "programme:project-share": projects,
        "programme:project-history": projects,
        "programme:axis-detail": [{"slug": axis.slug} for axis in programme.axes.order_by("number")[:2]],
        "consultations:comment-create": projects,
        "consultations:comment-report": [{"pk": str(comment.pk)}, {"pk": str(hidden_comment.pk)}],
        "consultations:comment-reply": [{"pk": str(comment.pk)}, {"pk": str(hidden_comment.pk)}],
        "consultations:contribution-report": [{"pk": str(item.pk)} for item in contributions[-2:]],
        "consultations:round-detail": [{"slug": item.slug} for item in rounds],
        "consultations:contribution-create": [{"slug": item.slug} for item in rounds],
        "consultations:contribution-thanks": [{"slug": open_round.slug}],
        "consultations:round-results": [{"slug": item.slug} for item in rounds],
        "petitions:petition-detail": [{"pk": str(item.pk)} for item in all_petitions],
        "petitions:support-create": [{"pk": str(item.pk)} for item in all_petitions],
        "petitions:petition-report": [{"pk": str(item.pk)} for item in all_petitions],
        "petitions:support-sent": [{"pk": str(petitions[0].pk)}, {"pk": str(pending.pk)}],
        "petitions:support-confirmed": [{"pk": str(petitions[0].pk)}, {"pk": str(pending.pk)}],
        "petitions:petition-sheets": [{"pk": str(petitions[0].pk)}, {"pk": str(petitions[1].pk)}],
        "petitions:support-export": [{"pk": str(petitions[0].pk)}],
        "petitions:support-confirm": [
            {"token": petition_services.support_token_make(support)},
            {"token": used_token},
        ],
        "council:session-detail": [{"slug": session.slug} for session in sessions],
        "council:session-report": [{"slug": session.slug} for session in sessions],
        "budgets:year-detail": [{"year": "2024"}, {"year": "2025"}],
        "budgets:year-booklet": [{"year": "2024"}],
        "budgets:cycle-detail": cycle_slugs,
        "budgets:proposal-create": cycle_slugs,
        "budgets:proposal-thanks": [{"slug": proposals_cycle.slug}],
        "budgets:proposal-detail": [
            {"slug": vote_cycle.slug, "pk": str(vote_cycle.proposals.order_by("pk").first().pk)},
            {"slug": vote_cycle.slug, "pk": str(hidden_proposal.pk)},
        ],
        "budgets:voter-create": cycle_slugs,
        "budgets:voter-sent": [{"slug": vote_cycle.slug}],
        "budgets:voter-confirm": [{"slug": vote_cycle.slug, "token": budget_services.voter_token_make(voter)}],
        "budgets:ballot-edit": cycle_slugs,
        "budgets:ballot-recorded": cycle_slugs,
        "transparency:feed": [{"slug": slug} for slug in sorted(registry.feeds)],
        "api:dataset": [{"dataset": slug} for slug in sorted(registry.datasets)],
        "api:dataset-csv": [{"dataset": slug} for slug in sorted(registry.datasets)],
        "api:dataset-schema": [{"dataset": slug} for slug in sorted(registry.datasets)],
        "api:dataset-item": [
            {"dataset": slug, "key": str(rows[0][dataset.key])}
            for slug, dataset in sorted(registry.datasets.items())
            if (rows := opendata.dataset_rows(dataset, dataset.queryset()[:1], base_url=""))
        ],
        "api:not-found": [{"path": "no-such-dataset/1/2/"}, {"path": "projects"}],
        "following:confirm": [{"token": following_services.follow_token_make(follow)}],
        "following:unsubscribe": [{"key": follow.key}],
        "following:stop": [{"key": follow.key}],
    }
    return site


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """Build the data once for the module, inside a transaction rolled back at its end (each test: a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_site()
        yield built
        transaction.set_rollback(True)


# The requests


@dataclass(frozen=True)
class Probe:
    label: str  # how a failure names it
    client: str  # "anonymous", "csrf" (the CSRF check on), "staff"
    method: str
    path: str
    data: dict | bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def fill(template: str, values: dict[str, str]) -> str:
    return "/" + ROUTE_ARGUMENT.sub(lambda match: values[match[1]], template)


def encoded(route: Route, arguments: dict[str, str]) -> dict[str, str]:
    """Return the arguments as a client writes them in an address: percent-encoded, slashes kept only in a path."""
    return {
        name: quote(value, safe="/" if route.converters[name] == "path" else "") for name, value in arguments.items()
    }


def sample(items: list, count: int, seed: str) -> list:
    """Return count items of items, the same ones at every run (chosen by a hash of seed and each item)."""
    if len(items) <= count:
        return items
    return sorted(items, key=lambda item: hashlib.sha256(f"{seed}\n{item!r}".encode()).hexdigest())[:count]


def variants(route: Route, template: str, first: dict[str, str]) -> list[list[Probe]]:
    """Return the hostile variants of the pattern's first real address, each as the requests that send it."""
    found: list[list[Probe]] = []
    # Each argument replaced by each hostile value, the others real; a sample also in other methods.
    for name in route.converters:
        chosen = sample(HOSTILE_SEGMENTS, 3, route.name + name)
        for segment in HOSTILE_SEGMENTS:
            path, label = fill(template, {**first, name: segment}), f"argument {name}"
            found.append([Probe(label, "anonymous", "GET", path)])
            if segment in chosen:
                found[-1] += [
                    Probe(label, "anonymous", "HEAD", path),
                    Probe(label, "anonymous", "POST", path, data=HOSTILE_FORM),
                    Probe(label, "staff", "GET", path),
                    Probe(label, "staff", "POST", path, data=HOSTILE_FORM),
                ]
    # Hostile query strings; a sample also in other methods.
    queries = HOSTILE_QUERIES + sample(MORE_HOSTILE_QUERIES, 4, route.name)
    chosen = sample(queries, 3, route.name)
    for query in queries:
        path = f"{fill(template, first)}?{query}"
        found.append([Probe("query", "anonymous", "GET", path)])
        if query in chosen:
            found[-1] += [
                Probe("query", "anonymous", "HEAD", path),
                Probe("query", "staff", "GET", path),
                Probe("query", "anonymous", "POST", path, data=HOSTILE_FORM),
            ]
    # The other methods, bodies no form sends, headers and cookies no browser sends, a Host not allowed.
    path = fill(template, first)
    found += [[Probe("method", "anonymous", method, path)] for method in OTHER_METHODS]
    found += [
        [Probe("malformed multipart", "anonymous", "POST", path, b"--x\r\n\x00", "multipart/form-data; boundary=x")],
        [Probe("multipart without boundary", "anonymous", "POST", path, b"a=1", "multipart/form-data")],
        [Probe("json body", "anonymous", "POST", path, b'{"a": [1, {"b": null}]', "application/json")],
        [Probe("urlencoded bytes", "anonymous", "POST", path, b"%ff=%00&a", "application/x-www-form-urlencoded")],
        [Probe("1 200 fields", "anonymous", "POST", path, {f"f{n}": "1" for n in range(1_200)})],
    ]
    found += [
        [Probe(f"headers {sorted(headers)}", "anonymous", "GET", path, headers=headers)] for headers in HOSTILE_HEADERS
    ]
    found += [
        [
            Probe("cookie", "anonymous", "GET", path, headers={"HTTP_COOKIE": cookie}),
            Probe("cookie", "csrf", "POST", path, data={"q": "x"}, headers={"HTTP_COOKIE": cookie}),
        ]
        for cookie in HOSTILE_COOKIES
    ]
    found += [
        [Probe("host", "anonymous", "GET", path, headers={"HTTP_HOST": "evil.example"})],
        [Probe("host", "anonymous", "POST", path, headers={"HTTP_HOST": "evil.example:99999"})],
        [Probe("host", "anonymous", "GET", path, headers={"HTTP_HOST": "\x00"})],
    ]
    return found


def plan(route: Route, site: Site) -> list[Probe]:
    """Return the requests the walk sends for one pattern.

    The real addresses are sent in every language. Each hostile variant is sent once, in one language, the
    languages taking turns: every variant reaches the view, and both languages get error pages.
    """
    if route.converters:
        assert route.name in site.arguments, (
            f"{route.name} ({route.template}) takes arguments: name the real objects they can point at in "
            "build_site()'s arguments"
        )
        real = [encoded(route, arguments) for arguments in site.arguments[route.name]]
    else:
        real = [{}]
    templates = [f"{language}/{route.template}" for language in LANGUAGES] if route.localized else [route.template]
    probes: list[Probe] = []
    # Every real address, with the methods a browser and a client use.
    for template in templates:
        for number, arguments in enumerate(real):
            path = fill(template, arguments)
            probes += [
                Probe("real", "anonymous", "GET", path),
                Probe("real", "anonymous", "HEAD", path),
                Probe("real, post hostile, CSRF off", "anonymous", "POST", path, data=HOSTILE_FORM),
                Probe("real, post odd, CSRF off", "anonymous", "POST", path, data=ODD_FORM),
                Probe("real", "staff", "GET", path),
                Probe("real, post hostile, CSRF off", "staff", "POST", path, data=HOSTILE_FORM),
                Probe("real, post odd, CSRF off", "staff", "POST", path, data=ODD_FORM),
            ]
            if number == 0:
                probes += [
                    Probe("real, post empty, CSRF off", "anonymous", "POST", path),
                    Probe("post without token", "csrf", "POST", path, data={"q": "x"}),
                ]
    by_language = [variants(route, template, real[0]) for template in templates]
    for number in range(len(by_language[0])):
        probes += by_language[number % len(templates)][number]
    assert len(probes) <= MAX_REQUESTS_PER_PATTERN, f"{route.name}: {len(probes)} requests, sample more"
    return probes


# The checks


@dataclass
class Walker:
    clients: dict[str, Client]
    exceptions: list[str] = field(default_factory=list)

    def send(self, probe: Probe):
        client = self.clients[probe.client]
        self.exceptions.clear()
        extra = dict(probe.headers)
        if probe.content_type:
            extra["content_type"] = probe.content_type
        if probe.method in ("GET", "HEAD", "OPTIONS", "TRACE", "DELETE"):
            return client.generic(probe.method, probe.path, **extra)
        if probe.method == "POST":
            if probe.data is None:
                return client.post(probe.path, **extra)
            return client.post(probe.path, probe.data, **extra)
        return client.generic(probe.method, probe.path, b"a=%00", **extra)


def problems_in(probe: Probe, response, exceptions: list[str]) -> list[str]:
    """Return what is wrong with one answer: a server error, or a 4xx that is not the portal's own."""
    status = response.status_code
    if status >= 500:
        return [f"{status} ({', '.join(exceptions) or 'no exception'})"]
    if not 400 <= status < 500 or probe.method == "HEAD":
        return []
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    if status == 412 and not body:
        return []  # a conditional request whose condition failed: nothing to show
    text = body.decode("utf-8", errors="replace")
    if DJANGO_PAGES.search(text):
        return [f"{status}: Django's own page, not the portal's"]
    content_type = response.get("Content-Type", "")
    if probe.path.startswith(API_PREFIX):
        if not content_type.startswith("application/json"):
            return [f"{status}: an API error as {content_type or 'nothing'}, not JSON"]
        try:
            error = json.loads(text)["error"]
        except (ValueError, KeyError, TypeError):
            return [f"{status}: an API error without its JSON error object"]
        return [] if error.get("status") == status and error.get("message") else [f"{status}: incomplete {error}"]
    if not content_type.startswith("text/html"):
        return [f"{status}: an error as {content_type or 'nothing'}, not the portal's page"]
    match = HTML_LANG.search(text)
    if match is None:
        return [f"{status}: an error page without <html lang dir>"]
    language = probe.path.split("/")[1] if probe.path.split("/")[1] in LANGUAGES else None
    if language and match[1] != language:
        return [f"{status}: a page in {match[1]!r} at a {language!r} address"]
    if match[1] == "ar" and not ARABIC.search(text):
        return [f"{status}: an Arabic page without Arabic"]
    return []


def describe(probe: Probe) -> str:
    path = probe.path if len(probe.path) <= 120 else f"{probe.path[:100]}…({len(probe.path)} characters)"
    return f"{probe.method} {path!r} [{probe.label}, {probe.client}]"


@pytest.fixture
def walker(site, settings, monkeypatch) -> Iterator[Walker]:
    from weasyprint import HTML

    # The PDFs' data and templates are read and rendered to HTML as always; WeasyPrint's layout, seconds per
    # document and never reached by what a request carries (tests/*/test_pdf.py check it), is left out.
    monkeypatch.setattr(HTML, "write_pdf", lambda self, *args, **kwargs: b"%PDF-1.7 (layout left out)")
    # Limits stay out of the way: the walk is not a flood, and a 429 would hide what the view does.
    settings.OPENMUN_RATE_LIMIT = (10**9, 1)
    settings.OPENMUN_POST_RATE_LIMIT = (10**9, 1)
    settings.OPENMUN_MAIL_PER_RECIPIENT = (10**9, 1)
    clients = {
        "anonymous": Client(raise_request_exception=False),
        "csrf": Client(enforce_csrf_checks=True, raise_request_exception=False),
        "staff": Client(raise_request_exception=False),
    }
    clients["staff"].force_login(site.staff)
    session = clients["staff"].session
    session.update(site.session)
    session.save()
    walker = Walker(clients)

    def record(sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        walker.exceptions.append(f"{type(error).__module__}.{type(error).__name__}: {str(error)[:200]}")

    got_request_exception.connect(record, dispatch_uid="hostile-walk")
    yield walker
    got_request_exception.disconnect(dispatch_uid="hostile-walk")


def walk(walker: Walker, probes: list[Probe]) -> tuple[list[str], list[int]]:
    """Send every probe; return what went wrong, and the statuses of the real addresses."""
    failures, real = [], []
    for probe in probes:
        response = walker.send(probe)
        failures += [f"{describe(probe)}: {problem}" for problem in problems_in(probe, response, walker.exceptions)]
        if probe.label.startswith("real"):
            real.append(response.status_code)
    return failures, real


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_no_hostile_request_gets_a_server_error(walker, site, route):
    probes = plan(route, site)
    failures, real = walk(walker, probes)
    assert not failures, f"{route.name}: {len(failures)} of {len(probes)} requests:\n" + "\n".join(failures)
    # The real objects are found: the hostile variants are refused by the view's own checks, not by a lookup of
    # data that is not there.
    assert any(status < 400 for status in real), f"{route.name}: no real address answers, only {sorted(set(real))}"


# What the walk found, each fixed where it arose


def test_a_host_not_allowed_gets_the_apis_json_400_in_the_language_asked_for():
    response = Client().get("/api/v1/projects/", headers={"host": "evil.example", "accept-language": "fr"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"status": 400, "code": "bad_request", "message": "La requête n’est pas valide."}
    }
    assert response["Access-Control-Allow-Origin"] == "*" and "evil.example" not in response.content.decode()


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "²", "9" * 5_000, "\x00"])
def test_a_choice_no_key_can_hold_is_refused_before_any_query(django_assert_num_queries, value):
    form = ModerationForm(data={"contributions": [value], "decision": "published"})
    with django_assert_num_queries(0):
        assert not form.is_valid()
    assert form.errors.as_data()["contributions"][0].code == "invalid_pk_value"


def test_only_ids_a_key_can_hold_are_read_from_a_posted_list():
    assert posted_ids(["1", "²", "٣", "-1", "1.5", "", "9" * 20, "9" * 5_000, "9223372036854775807"]) == {
        1,
        9223372036854775807,
    }
