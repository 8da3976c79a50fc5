"""HTTP as clients other than a browser see it: HEAD, compression, the favicon, a refused method, a bad Host."""

import gzip
import io
import logging

import pytest
from django.test import Client

from openmun.logs import ScrubFilter
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

PROJECT = "/fr/programme/projects/project-1/"


@pytest.fixture
def programme(db):
    programme_build()


@pytest.fixture
def console():
    """Return what the portal's configured log handler (settings.LOGGING) writes during the test."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, ScrubFilter) for item in handler.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream.getvalue
    handler.setStream(previous)


@pytest.mark.parametrize(
    "url",
    [
        "/fr/",
        "/ar/programme/projects/",
        "/fr/programme/calendar/",
        "/fr/search/?q=projet",
        "/fr/programme/projects/project-1/sheet.pdf",
        "/fr/feeds/all.atom",
        "/fr/feeds/calendar.ics",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/favicon.ico",
        "/api/v1/",
        "/api/v1/projects/",
        "/api/v1/projects.csv",
        "/api/v1/openmun-open-data.zip",
    ],
)
def test_head_answers_as_get_does_without_a_body(programme, url):
    get = Client().get(url)
    head = Client().head(url)
    assert get.status_code == head.status_code == 200, url
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]
    if get.has_header("Content-Length"):
        assert head["Content-Length"] == get["Content-Length"]


def test_head_on_a_cached_page_gives_the_pages_headers(programme):
    get = Client().get("/fr/")
    head = Client().head("/fr/")
    assert head.status_code == 200 and head.content == b""
    assert head["X-Cache"] == "hit" and head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def test_pages_are_compressed_for_clients_that_accept_gzip(programme):
    plain = Client().get("/fr/programme/calendar/?page=1")
    compressed = Client().get("/fr/programme/calendar/?page=1", headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain.headers
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert len(compressed.content) < len(plain.content) / 2
    assert gzip.decompress(compressed.content) == plain.content


def test_a_page_with_a_form_is_compressed_with_the_visitors_own_token(programme):
    client = Client(enforce_csrf_checks=True)
    client.get(PROJECT)
    response = client.get(PROJECT, headers={"accept-encoding": "gzip"})
    assert response["X-Cache"] == "hit" and response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assert 'name="csrfmiddlewaretoken"' in html and "openmun-csrf-token-placeholder" not in html


def test_feeds_are_compressed_and_pdfs_are_not(programme):
    feed = Client().get("/fr/feeds/all.atom", headers={"accept-encoding": "gzip"})
    assert feed["Content-Encoding"] == "gzip" and gzip.decompress(feed.content).startswith(b"<?xml")
    pdf = Client().get("/fr/programme/projects/project-1/sheet.pdf", headers={"accept-encoding": "gzip"})
    assert pdf.status_code == 200 and "Content-Encoding" not in pdf.headers
    assert pdf.content.startswith(b"%PDF")


def test_the_favicon_is_served_at_the_root_and_kept_by_browsers(programme):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")  # an ICO file
    assert "max-age=604800" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert '<link rel="icon" href="/static/favicon.ico">' in Client().get("/fr/").content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [("ar", "لا يمكن استعمال هذا العنوان بهذه الطريقة"), ("fr", "Cette adresse ne peut pas être utilisée")],
)
def test_a_refused_method_gets_the_translated_405_page(programme, language, text):
    response = Client().post(f"/{language}/programme/calendar/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    html = response.content.decode()
    assert text in html
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html


def test_the_apis_own_405_is_left_as_it_is(programme):
    response = Client().delete("/api/v1/")
    assert response.status_code == 405
    assert "<html" not in response.content.decode()


@pytest.mark.parametrize("url", ["/healthz", "/robots.txt", "/fr/", "/ar/programme/projects/", "/fr/no-such-page/"])
def test_a_request_for_another_host_gets_400_not_500(programme, url, console):
    client = Client(raise_request_exception=False)
    response = client.get(url, headers={"host": "evil.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "evil.example" not in html
    # The language of the path, although the request stopped before the locale middleware.
    if url.startswith("/fr/"):
        assert '<html lang="fr" dir="ltr">' in html and "Requête invalide" in html
    # Logged once by the request log, with its status: no traceback, no ERROR.
    lines = console().splitlines()
    assert len(lines) == 1 and '"status": 400' in lines[0] and "ERROR" not in lines[0]
