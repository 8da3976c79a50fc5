"""When the database or Redis is down: a translated 503 page, nothing saved in part, and recovery without a restart."""

import pytest
from django.db import OperationalError, connection, transaction
from django.shortcuts import redirect
from django.test import Client
from django.urls import path

from openmun.urls import urlpatterns as site_urlpatterns
from programme.models import Partner
from tests.factories import programme_build

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# Nothing listens on the discard port: connecting is refused at once, as when Redis is stopped.
REDIS_DOWN = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:9/0",
    "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
}
UNAVAILABLE = {"ar": "الخدمة غير متاحة مؤقتا", "fr": "Service temporairement indisponible"}


def partner_add(request):
    with transaction.atomic():
        Partner.objects.create(slug=f"partner-{Partner.objects.count()}", name_ar="شريك", name_fr="Partenaire")
    return redirect("/fr/")


urlpatterns = [path("partners/add/", partner_add), *site_urlpatterns]
handler500 = "openmun.views.server_error"


def database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def redis_down(settings) -> None:
    settings.CACHES = {
        "default": REDIS_DOWN,
        "pages": {**REDIS_DOWN, "OPTIONS": {**REDIS_DOWN["OPTIONS"], "IGNORE_EXCEPTIONS": True}},
    }


def assert_unavailable(response, language: str):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert UNAVAILABLE[language] in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_database_outage_shows_the_translated_503_page_then_recovers(language):
    programme_build()
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_down):
        assert_unavailable(client.get(f"/{language}/programme/projects/"), language)
    # The same process, no restart: the next request is answered.
    assert client.get(f"/{language}/programme/projects/").status_code == 200


def test_a_form_sent_while_the_database_is_down_saves_nothing_and_can_be_sent_again():
    programme_build()
    client = Client(raise_request_exception=False)
    before = Partner.objects.count()
    with connection.execute_wrapper(database_down):
        assert_unavailable(client.post("/partners/add/"), "ar")
    assert Partner.objects.count() == before
    assert client.post("/partners/add/").status_code == 302
    assert Partner.objects.count() == before + 1


def test_cached_pages_are_still_served_while_the_database_is_down():
    programme_build()
    Client().get("/fr/")
    with connection.execute_wrapper(database_down):
        response = Client().get("/fr/")
    assert response.status_code == 200 and response.headers["X-Cache"] == "hit"


def test_while_redis_is_down_pages_render_and_forms_get_the_503_page(settings):
    programme_build()
    redis_down(settings)
    client = Client(raise_request_exception=False)
    response = client.get("/fr/programme/projects/")
    assert response.status_code == 200 and "X-Cache" not in response.headers
    before = Partner.objects.count()
    # The rate limits count in Redis: a form is refused rather than accepted without a limit.
    assert_unavailable(client.post("/partners/add/"), "ar")
    assert Partner.objects.count() == before


def test_forms_work_again_when_redis_is_back(settings):
    programme_build()
    caches_up = settings.CACHES
    redis_down(settings)
    client = Client(raise_request_exception=False)
    assert client.post("/partners/add/").status_code == 503
    settings.CACHES = caches_up
    assert client.post("/partners/add/").status_code == 302
    assert client.get("/fr/").status_code == 200


def test_healthz_reports_each_service(client, settings):
    assert client.get("/healthz").json() == {"database": "ok", "cache": "ok"}
    with connection.execute_wrapper(database_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "cache": "ok"}
    redis_down(settings)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable"}
