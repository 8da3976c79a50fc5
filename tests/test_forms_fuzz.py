"""Every public form, sent random and hostile input: never a server error, nothing saved when refused, and the
refusal explained in the visitor's language.

The forms are found as a visitor finds them: by following the links of the public pages from the home page
in each language and reading every <form method="post"> on them (the admin excepted). A form added to any
app is covered as soon as a page links to it; DATA_BUILDERS opens what the commune's fixtures leave closed
(a consultation round, petitions, a participatory budget) when those apps' factories are there.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmun.antiabuse import HONEYPOT_FIELD
from openmun.cache import portal_apps

pytestmark = pytest.mark.django_db(transaction=False)

MAX_PAGES = 120
EXAMPLES_PER_FORM = 25
SKIPPED_LINKS = re.compile(r"/admin/|\.(pdf|ics|csv|xlsx|png|jpe?g|svg)$")
HOSTILE = [
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "\u202egnp.exe\u202c",  # right-to-left override
    "\u2066\u2067hidden\u2069",
    "a\u200bb\u200cc\u200dd\u2060e\ufeff",  # zero-width characters
    "' OR '1'='1' --",
    "Robert'); DROP TABLE programme_project;--",
    "ｆｒｅｅ ｍｏｎｅｙ 𝐜𝐥𝐢𝐜𝐤",  # full-width and mathematical letters
    "pаypаl",  # Cyrillic а among Latin letters
    "http://a.example/ http://b.example/ http://c.example/ www.d.example",
    "{{ 7*7 }} {% debug %} %(name)s {0}",
    "../../../../etc/passwd",
    "\x00\x01\x1b[31m",
    "٠١٢٣٤٥٦٧٨٩",
    "🏛️🇲🇦" * 50,
    "",
    "   ",
    "x" * 100_000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2023-02-30",
    "not-an-email@",
    "a@b",
]
ARABIC = re.compile(r"[\u0600-\u06ff]")
FRENCH = re.compile(
    r"\b(le|la|les|des|du|de|un|une|est|sont|pas|ce|cette|votre|vos|veuillez|champ|"
    r"obligatoire|saisissez|trop|au|aux|et|ou|en|ne|plus|moins|caractères)\b|[dlnj]’|[éèêàç]",
    re.IGNORECASE,
)
ENGLISH = re.compile(r"This field|Enter a |Ensure this|Select a valid|Please correct|is required", re.IGNORECASE)
ERROR_BLOCKS = re.compile(
    r'<(?:ul|div|p)[^>]*class="[^"]*(?:field__errors|error-summary|errorlist|messages?)[^"]*"[^>]*>(.*?)</(?:ul|div|p)>'
    r'|<[^>]*role="alert"[^>]*>(.*?)</\w+>',
    re.DOTALL,
)


def build_open_round() -> None:
    from programme.models import Programme
    from tests.consultations.factories import open_round

    open_round(Programme.objects.current(), number=90, slug="open-round")


def build_petitions() -> None:
    from tests.petitions.factories import petitions_build

    petitions_build()


def build_participatory_budget() -> None:
    from tests.budgets.factories import Kind, cycle_build

    cycle_build(current=Kind.PROPOSALS, year=2091, slug="proposals-open")
    cycle_build(current=Kind.VOTE, year=2092, slug="vote-open")


# What the commune's fixtures leave closed, opened with the apps' own test factories when they are there.
DATA_BUILDERS = [build_open_round, build_petitions, build_participatory_budget]


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, dict] = field(default_factory=dict)


class FormParser(HTMLParser):
    """Collect the links of a page and its POST forms with their fields, options and values."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(urljoin(self.page, attrs["href"]))
        elif tag == "form":
            self.form = None
            if (attrs.get("method") or "get").lower() == "post":
                action = urljoin(self.page, attrs.get("action") or self.page)
                self.form = Form(page=self.page, action=urlsplit(action)._replace(fragment="").geturl())
                self.forms.append(self.form)
        elif self.form is not None and attrs.get("name") and tag in ("input", "textarea", "select"):
            kind = tag if tag != "input" else (attrs.get("type") or "text").lower()
            entry = self.form.fields.setdefault(attrs["name"], {"type": kind, "values": []})
            if kind in ("radio", "checkbox", "hidden", "submit") and attrs.get("value") is not None:
                entry["values"].append(attrs["value"])
            if tag == "select":
                self.select = attrs["name"]
        elif tag == "option" and self.form is not None and self.select:
            self.form.fields[self.select]["values"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


def public_site() -> None:
    call_command("load_commune_data", verbosity=0)
    for builder in DATA_BUILDERS:
        try:
            builder()
        except ImportError:
            continue


def public_forms(client: Client, language: str) -> list[Form]:
    """Follow the public pages' links from the home page and return their POST forms, one per target view."""
    start = f"/{language}/"
    queue, seen, forms, targets = deque([start]), {start}, [], set()
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            path = urlsplit(form.action).path
            if SKIPPED_LINKS.search(path):
                continue
            try:
                match = resolve(path)
            except Resolver404:
                continue
            target = (match.view_name, tuple(sorted(form.fields)))
            if target not in targets:
                targets.add(target)
                forms.append(form)
        for link in parser.links:
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith(start) or SKIPPED_LINKS.search(parts.path):
                continue
            if parts.path not in seen:
                seen.add(parts.path)
                queue.append(parts.path)
    return forms


def value_strategy(name: str, spec: dict):
    """Return a strategy for one field's value; None leaves the field out."""
    if name == HONEYPOT_FIELD:
        # Mostly left empty, as people do: a filled honeypot is only sent on its way as a robot.
        return st.sampled_from([None, None, None, "", "http://spam.example"])
    hostile = st.sampled_from(HOSTILE)
    values = [value for value in spec["values"] if value is not None]
    kind = spec["type"]
    if kind in ("submit",):
        return st.sampled_from(values or [""])
    if kind in ("checkbox", "radio", "select"):
        return st.one_of(st.sampled_from(values or ["on"]), st.none(), hostile)
    if kind == "hidden":
        return st.one_of(st.sampled_from(values or [""]), hostile)
    if kind == "email":
        return st.one_of(st.emails().map(str), hostile, st.none())
    if kind == "date":
        return st.one_of(st.dates().map(lambda day: day.isoformat()), hostile, st.none())
    if kind == "number":
        return st.one_of(st.integers(-(10**6), 10**12).map(str), hostile)
    return st.one_of(
        st.text(max_size=300),
        hostile,
        st.none(),
        st.sampled_from(["فكرة لتحسين الحي", "Une idée pour le quartier", "Amina"]),
    )


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in portal_apps() or model._meta.app_label == "auth"
    }


def error_text(html: str, status: int) -> str:
    if status == 429:
        return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[-1])
    blocks = [next(part for part in match.groups() if part is not None) for match in ERROR_BLOCKS.finditer(html)]
    return re.sub(r"<[^>]+>", " ", " ".join(blocks))


def assert_translated(text: str, language: str) -> None:
    assert text.strip(), "the refusal shows no error message"
    if language == "ar":
        assert ARABIC.search(text), f"the error is not in Arabic: {text[:300]!r}"
    else:
        assert FRENCH.search(text) and not ENGLISH.search(text), f"the error is not in French: {text[:300]!r}"


def fuzz(client: Client, form: Form, language: str) -> None:
    names = [name for name, spec in form.fields.items() if name != "csrfmiddlewaretoken"]
    token = (form.fields.get("csrfmiddlewaretoken", {}).get("values") or [""])[0]

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({name: value_strategy(name, form.fields[name]) for name in names}))
    def post(values):
        cache.clear()  # each example starts with fresh rate limits and duplicate checks
        # As a browser sends it: the page's CSRF token always comes along.
        data = {"csrfmiddlewaretoken": token, **{name: value for name, value in values.items() if value is not None}}
        before = row_counts()
        response = client.post(form.action, data)
        assert response.status_code < 500, f"{form.action} answered {response.status_code} to {data!r:.500}"
        if response.status_code in (301, 302, 303):
            return  # accepted, or a robot sent on its way
        assert row_counts() == before, f"{form.action} saved something it refused: {data!r:.500}"
        if response.status_code in (200, 400, 429):
            assert_translated(error_text(response.content.decode(), response.status_code), language)

    post()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_public_form_survives_random_and_hostile_input(language):
    public_site()
    client = Client()
    forms = public_forms(client, language)
    # The commune's fixtures alone give the project pages' comment form and the petition form.
    assert len(forms) >= 2, [form.action for form in forms]
    for form in forms:
        fuzz(client, form, language)


def test_the_crawler_finds_forms_on_the_pages_that_show_them():
    html = (
        '<a href="/fr/x/">x</a><form method="post" action="/fr/send/"><input type="hidden" '
        'name="csrfmiddlewaretoken" value="t"><input name="title"><select name="axis"><option value="1">A'
        '</option></select><textarea name="text"></textarea><input type="checkbox" name="consent"></form>'
        '<form method="get"><input name="q"></form>'
    )
    parser = FormParser("/fr/")
    parser.feed(html)
    assert parser.links == ["/fr/x/"]
    assert len(parser.forms) == 1
    assert parser.forms[0].action == "/fr/send/"
    assert parser.forms[0].fields == {
        "csrfmiddlewaretoken": {"type": "hidden", "values": ["t"]},
        "title": {"type": "text", "values": []},
        "axis": {"type": "select", "values": ["1"]},
        "text": {"type": "textarea", "values": []},
        "consent": {"type": "checkbox", "values": []},
    }


def test_the_language_check_tells_translated_errors_from_english_ones():
    assert_translated("هذا الحقل إلزامي.", "ar")
    assert_translated("Ce champ est obligatoire.", "fr")
    with pytest.raises(AssertionError):
        assert_translated("This field is required.", "fr")
    with pytest.raises(AssertionError):
        assert_translated("This field is required.", "ar")
    with pytest.raises(AssertionError):
        assert_translated("  ", "fr")
