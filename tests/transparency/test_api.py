"""The open data API as a third-party client sees it: JSON errors, strict parameters, 304s, CORS, absolute URLs."""

import csv
import io
import json
import zipfile

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from programme.models import Project
from tests.budgets.factories import year_build
from tests.factories import programme_build
from tests.petitions.factories import petitions_build
from transparency import opendata
from transparency.registry import registry

pytestmark = pytest.mark.django_db

SITE = "https://openmun.example.ma"


@pytest.fixture
def portal(db):
    programme = programme_build()
    petitions_build()
    year_build(2024, executed=True)
    return programme


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def endpoints() -> list[str]:
    """Return one address of each kind of endpoint: index, dataset page, item, CSV, schema, ZIP."""
    return [
        api("index"),
        api("dataset", dataset="projects"),
        api("dataset-item", dataset="projects", key="project-1"),
        api("dataset-csv", dataset="projects"),
        api("dataset-schema", dataset="projects"),
        api("zip"),
    ]


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    error = response.json()["error"]
    assert error["status"] == status and error["message"]
    if code is not None:
        assert error["code"] == code
    return error


# 1. No 500, and errors in JSON


@pytest.mark.parametrize(
    "page", ["abc", "", "1.5", "1e3", "-1", "0", "+1", " 1", "99999999999999999999", "٢", "1\x00", "1\x07"]
)
def test_a_page_that_is_not_a_whole_number_from_1_gets_a_json_400_on_every_dataset(client, portal, page):
    for slug in registry.datasets:
        error = assert_json_error(client.get(api("dataset", dataset=slug), {"page": page}), 400, "page_invalid")
        assert "page" in error["message"]


def test_a_page_beyond_the_last_or_given_twice_gets_a_json_400_that_names_the_range(client, portal):
    error = assert_json_error(client.get(api("dataset", dataset="projects") + "?page=2"), 400, "page_invalid")
    assert "1" in error["message"]
    assert_json_error(client.get(api("dataset", dataset="projects") + "?page=1&page=1"), 400, "page_invalid")
    assert client.get(api("dataset", dataset="projects") + "?page=1").status_code == 200


@pytest.mark.parametrize(
    ("dataset", "key"),
    [
        ("projects", "ab\x00"),
        ("projects", "project-1\x00"),
        ("projects", "x" * 300),
        ("axes", "a b"),
        ("budget-years", "abc"),
        ("budget-years", "99999999999999999999"),
        ("budget-years", "2024.0"),
        ("budget-years", "٢٠٢٤"),
        ("petitions", "²"),
        ("petitions", "0001"),
        ("petitions", "-1"),
        ("activities", "1e3"),
        ("budget-lines", "²-operating-revenue-10"),
        ("budget-lines", "2024-operating-revenue-\x00"),
        ("budget-lines", "99999999999999999999-operating-revenue-10"),
        ("participatory-cycles", "\x1b[31m"),
    ],
)
def test_an_identifier_that_cannot_be_one_gets_a_json_404(client, portal, dataset, key):
    assert_json_error(client.get(api("dataset-item", dataset=dataset, key=key)), 404, "item_not_found")


def test_identifiers_are_found_as_the_api_writes_them(client, portal):
    assert client.get(api("dataset-item", dataset="budget-years", key="2024")).json()["year"] == 2024
    petition = client.get(api("dataset", dataset="petitions")).json()["results"][0]
    assert client.get(api("dataset-item", dataset="petitions", key=str(petition["id"]))).json() == petition


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing/",
        "/api/v1/nothing.csv",
        "/api/v1/nothing.schema.json",
        "/api/v1/ab%00/",
        "/api/v1/projects/project-1/more/",
        "/api/v1/%ff%fe/",
        "/api/v2/",
    ],
)
def test_an_unknown_address_of_the_api_gets_a_json_404(client, portal, path):
    response = client.get(path)
    if path.startswith("/api/v2/"):
        # Another version of the API is not the API's: the site's own 404 page.
        assert response.status_code == 404
        return
    assert_json_error(response, 404)


def test_an_address_without_its_final_slash_is_redirected_as_elsewhere(client, portal):
    response = client.get("/api/v1/projects?page=1")
    assert response.status_code == 301 and response["Location"] == "/api/v1/projects/?page=1"
    assert response["Access-Control-Allow-Origin"] == "*"
    response = client.get("/api/v1/projects/ab%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/projects/ab%0D%0ASet-Cookie:%20x%3D1/" and not response.cookies


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "trace"])
def test_writing_methods_get_a_json_405_even_without_a_csrf_token(portal, method):
    client = Client(enforce_csrf_checks=True)
    for path in [*endpoints(), "/api/v1/nothing/"]:
        response = getattr(client, method)(path)
        assert_json_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_writes_to_the_api_from_another_site_do_not_spend_a_visitors_post_budget(portal, settings):
    settings.OPENMUN_POST_RATE_LIMIT = (3, 600)
    office = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.20")
    # The API needs no CSRF token (it writes nothing), so the CSRF check cannot stop these: they must not count.
    for _ in range(10):
        assert office.post(api("index")).status_code == 405
    # The office's own forms still have their whole budget: the page's 405, not 429.
    assert Client(REMOTE_ADDR="203.0.113.20").post("/fr/").status_code == 405


def test_an_unexpected_failure_is_a_json_500_and_an_outage_a_json_503(client, portal, monkeypatch):
    client.raise_request_exception = False

    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(opendata, "catalogue_data", broken)
    assert_json_error(client.get(api("index")), 500, "server_error")

    def down(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(opendata, "catalogue_data", down)
    response = client.get(api("index"))
    assert_json_error(response, 503, "unavailable")
    assert response["Retry-After"]


@pytest.mark.parametrize(("language", "word"), [("ar", "الصفحة"), ("fr", "page")])
def test_error_messages_are_in_the_language_the_client_asks_for(client, portal, language, word):
    response = client.get(api("dataset", dataset="projects"), {"page": "x"}, HTTP_ACCEPT_LANGUAGE=language)
    assert word in assert_json_error(response, 400)["message"]


# 2. Unknown parameters


def test_an_unknown_query_parameter_gets_a_400_that_lists_the_known_ones(client, portal):
    error = assert_json_error(client.get(api("dataset", dataset="projects"), {"pag": "2"}), 400, "unknown_parameter")
    assert error["parameters"] == ["pag"] and error["known_parameters"] == ["page"]
    assert "pag" in error["message"] and "page" in error["message"]
    for path in [api("index"), api("dataset-csv", dataset="projects"), api("zip")]:
        error = assert_json_error(client.get(path, {"format": "json"}), 400, "unknown_parameter")
        assert error["known_parameters"] == []
    # A shared link's tracking parameters are dropped before the API reads the query (docs/transparency.md).
    assert client.get(api("dataset", dataset="projects"), {"utm_source": "x", "fbclid": "1"}).status_code == 200


# 3. Conditional requests and caching


@pytest.mark.parametrize("index", range(6))
def test_every_answer_has_validators_and_a_current_copy_gets_304_without_a_query(
    client, portal, index, django_assert_num_queries
):
    path = endpoints()[index]
    response = client.get(path)
    assert response.status_code == 200
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert response["Cache-Control"] == "public, max-age=60"
    with django_assert_num_queries(0):
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.head(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert_json_error(client.get(path, HTTP_IF_MATCH='"something-else"'), 412, "precondition_failed")
    project = Project.objects.get(slug="project-1")
    project.estimated_cost += 1
    project.save()
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_validators_move_at_midnight_when_late_flags_may_change(client, portal):
    # Casablanca is at UTC+1 in June (outside Ramadan).
    with time_machine.travel("2026-06-10 23:59:00+01:00", tick=False):
        first = client.get(api("dataset", dataset="projects"))
    with time_machine.travel("2026-06-11 00:00:30+01:00", tick=False):
        response = client.get(api("dataset", dataset="projects"), HTTP_IF_NONE_MATCH=first["ETag"])
        assert response.status_code == 200
        assert response["Last-Modified"] == "Wed, 10 Jun 2026 23:00:00 GMT"
        stale = client.get(api("dataset", dataset="projects"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert stale.status_code == 200


def test_head_answers_like_get_without_a_body(client, portal):
    for path in endpoints():
        response = client.head(path)
        assert response.status_code == 200 and response.content == b"", path
        assert response["ETag"] and response["Access-Control-Allow-Origin"] == "*"


# 4. CORS


@pytest.mark.parametrize("path", [*endpoints(), "/api/v1/nothing/"])
def test_a_cors_preflight_is_answered(client, portal, path):
    response = client.options(
        path,
        HTTP_ORIGIN="https://reuser.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "If-Modified-Since" in response["Access-Control-Allow-Headers"]
    assert int(response["Access-Control-Max-Age"]) >= 3600


def test_every_answer_lets_other_sites_read_it_and_its_etag(client, portal):
    for path in [*endpoints(), "/api/v1/nothing/", api("dataset", dataset="projects") + "?page=x"]:
        response = client.get(path, HTTP_ORIGIN="https://reuser.example.org")
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "ETag" in response["Access-Control-Expose-Headers"], path


# 5. and 6. Absolute URLs, from the configured site URL


def uri_fields(schema: dict) -> list[str]:
    return [
        name
        for name, field in schema["properties"].items()
        if field.get("format") == "uri" or field.get("properties", {}).get("ar", {}).get("format") == "uri"
    ]


def test_every_address_the_api_gives_is_absolute(client, portal):
    index = client.get(api("index")).json()
    links = [index["zip"], *index["documentation"].values()]
    for item in index["datasets"]:
        links += [item["json"], item["csv"], item["schema"]]
        schema = client.get(item["schema"]).json()
        fields = uri_fields(schema)
        page = client.get(item["json"]).json()
        for row in page["results"]:
            for name in fields:
                links += row[name].values() if isinstance(row[name], dict) else [row[name]]
        rows = list(csv.DictReader(io.StringIO(client.get(item["csv"]).content.decode().lstrip("\ufeff"))))
        for name in fields:
            links += [row[f"{name}_ar"] for row in rows] + [row[f"{name}_fr"] for row in rows]
    assert links and all(link.startswith("http://testserver/") for link in links), [
        link for link in links if not link.startswith("http://testserver/")
    ][:5]
    project = client.get(api("dataset-item", dataset="projects", key="project-1")).json()
    assert project["url"] == {
        "ar": "http://testserver/ar/programme/projects/project-1/",
        "fr": "http://testserver/fr/programme/projects/project-1/",
    }


def test_the_configured_site_url_is_used_whatever_host_the_client_sent(client, portal, settings):
    settings.OPENMUN_SITE_URL = SITE
    index = client.get(api("index"), HTTP_HOST="localhost").json()
    assert index["zip"] == f"{SITE}/api/v1/openmun-open-data.zip"
    assert all(item["json"].startswith(f"{SITE}/api/v1/") for item in index["datasets"])
    page = client.get(api("dataset", dataset="projects"), HTTP_HOST="127.0.0.1").json()
    assert page["results"][0]["url"]["fr"].startswith(f"{SITE}/fr/programme/projects/")
    schema = client.get(api("dataset-schema", dataset="projects"), HTTP_HOST="localhost").json()
    assert schema["$id"] == f"{SITE}/api/v1/projects.schema.json"
    archive = zipfile.ZipFile(io.BytesIO(client.get(api("zip"), HTTP_HOST="localhost").content))
    projects = json.loads(archive.read("projects.json"))
    assert projects["results"][0]["url"]["ar"].startswith(f"{SITE}/ar/")
    assert f"Source: {SITE}" in archive.read("README.txt").decode()


# Hostile requests: whatever a scanner sends to the API, the feeds, the sitemap and the search, never a 5xx


HOSTILE_QUERIES = ["page=%00", "page=abc", "page=1e3", "page=-1", "q=%00%1b&kind=%00", "x=" + "9" * 5000, "page=%ff%fe"]


@pytest.mark.parametrize(
    "path",
    [
        *endpoints(),
        "/api/v1/budget-lines/2024-operating-revenue-10/",
        "/api/v1/budget-years/2024/",
        "/fr/feeds/all.atom",
        "/ar/feeds/calendar.ics",
        "/sitemap.xml",
        "/fr/search/",
        "/ar/open-data/",
        "/fr/open-data/api/",
    ],
)
def test_hostile_requests_never_get_a_server_error(portal, path):
    client = Client(raise_request_exception=False)
    requests = [(method, path) for method in ("get", "head", "options", "post", "put", "delete")]
    requests += [("get", f"{path}?{query}") for query in HOSTILE_QUERIES]
    broken = path.rstrip("/").rsplit("/", 1)
    requests += [("get", f"{broken[0]}/%00{broken[1]}"), ("get", f"{broken[0]}/{broken[1]}%00/")]
    for method, address in requests:
        status = getattr(client, method)(address).status_code
        assert status < 500, (method, address, status)
