"""OPENMUN_SITE_URL: the portal's own address, for links and permanent ids, whatever Host a client sent."""

import pytest
from django.test import RequestFactory

from openmun.links import site_host, site_url
from tests.test_settings import PRODUCTION_ENV, manage


def test_links_follow_the_visitor_without_a_configured_address(settings):
    settings.OPENMUN_SITE_URL = ""
    request = RequestFactory().get("/fr/", HTTP_HOST="localhost:8000")
    assert site_url(request) == "http://localhost:8000"
    assert site_host(request) == "localhost"


def test_the_configured_address_wins_over_the_host_header(settings):
    settings.OPENMUN_SITE_URL = "https://openmun.beni-mellal.ma"
    request = RequestFactory().get("/fr/", HTTP_HOST="127.0.0.1:8000")
    assert site_url(request) == "https://openmun.beni-mellal.ma"
    assert site_host(request) == "openmun.beni-mellal.ma"


@pytest.mark.parametrize("value", ["openmun.example.ma", "https://openmun.example.ma/fr/", "ftp://openmun.example.ma"])
def test_an_address_that_is_not_a_scheme_and_a_host_stops_the_portal(value):
    result = manage("check", env={**PRODUCTION_ENV, "OPENMUN_SITE_URL": value})
    assert result.returncode != 0 and "OPENMUN_SITE_URL" in result.stderr


def test_a_final_slash_is_accepted():
    result = manage("check", env={**PRODUCTION_ENV, "OPENMUN_SITE_URL": "https://openmun.example.ma/"})
    assert result.returncode == 0, result.stderr
