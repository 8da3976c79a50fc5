"""The anonymous page cache: a burst of readers costs no query, a change shows at once, nothing personal leaks."""

import datetime
import gzip
import re
import zoneinfo

import pytest
import time_machine
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import _unmask_cipher_token
from django.template import RequestContext, Template
from django.test import Client
from django.urls import path
from django.utils import translation

from consultations.models import Comment
from programme.models import Project
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
PROJECT = "/fr/programme/projects/project-1/"
COMMENTS = "/fr/consultations/projects/project-1/comments/"


def tokens_in(response) -> set[str]:
    return set(CSRF_VALUE.findall(response.content.decode()))


def test_a_second_anonymous_request_costs_no_query(client, django_assert_num_queries):
    programme_build()
    first = client.get("/ar/")
    assert first.status_code == 200 and first.headers["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get("/ar/")
    assert second.status_code == 200 and second.headers["X-Cache"] == "hit"
    assert second.content == first.content
    # The headers added outside the cache are there on a hit too.
    assert second.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in second.headers["Content-Security-Policy"]


def test_a_change_to_the_data_shows_on_the_next_request(client, django_assert_max_num_queries):
    programme_build()
    assert "Projet 1" in client.get(PROJECT).content.decode()
    project = Project.objects.get(slug="project-1")
    project.title_fr = "Un nouveau titre"
    project.save()
    with django_assert_max_num_queries(20) as queries:
        response = client.get(PROJECT)
    assert len(queries) > 0
    assert response.headers["X-Cache"] == "miss"
    assert "Un nouveau titre" in response.content.decode()


def test_a_change_to_a_relation_moves_the_version_too(client):
    programme_build()
    assert client.get(PROJECT).headers["X-Cache"] == "miss"
    assert client.get(PROJECT).headers["X-Cache"] == "hit"
    Project.objects.get(slug="project-1").partners.clear()
    assert client.get(PROJECT).headers["X-Cache"] == "miss"


def test_each_language_is_cached_on_its_own(client):
    programme_build()
    client.get("/ar/")
    client.get("/fr/")
    arabic, french = client.get("/ar/"), client.get("/fr/")
    assert arabic.headers["X-Cache"] == french.headers["X-Cache"] == "hit"
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode()
    assert '<html lang="fr" dir="ltr">' in french.content.decode()


def test_pages_are_rendered_again_after_midnight_in_casablanca(client):
    # Phases open and projects become late at midnight, Africa/Casablanca time, without any save.
    programme_build()
    # During Ramadan (here 2026-03-02) Morocco is at UTC+0, otherwise at UTC+1: midnight moves with it.
    for day in [datetime.date(2026, 3, 2), datetime.date(2026, 6, 10)]:
        next_day = day + datetime.timedelta(days=1)
        with time_machine.travel(casablanca(day, 23, 58), tick=False):
            assert client.get("/fr/").headers["X-Cache"] == "miss"
            assert client.get("/fr/").headers["X-Cache"] == "hit"
        with time_machine.travel(casablanca(next_day, 0, 1), tick=False):
            assert client.get("/fr/").headers["X-Cache"] == "miss"
            assert client.get("/fr/").headers["X-Cache"] == "hit"
        with time_machine.travel(casablanca(day, 23, 59), tick=False):
            assert client.get("/fr/").headers["X-Cache"] == "hit"


def casablanca(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zoneinfo.ZoneInfo("Africa/Casablanca"))


def test_a_browser_with_the_current_page_gets_304(client):
    programme_build()
    etag = client.get("/fr/").headers["ETag"]
    response = client.get("/fr/", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert "no-cache" in response.headers["Cache-Control"]
    project = Project.objects.get(slug="project-1")
    project.title_fr = "Changé"
    project.save()
    assert client.get("/fr/", headers={"if-none-match": etag}).status_code == 200


def test_a_cached_form_gives_each_visitor_their_own_csrf_token():
    programme_build()
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first = alice.get(PROJECT)
    second = bob.get(PROJECT)
    assert second.headers["X-Cache"] == "hit"
    assert "ETag" not in second.headers and "private" in second.headers["Cache-Control"]
    alice_tokens, bob_tokens = tokens_in(first), tokens_in(second)
    assert len(bob_tokens) == 1 and not alice_tokens & bob_tokens
    assert "openmun-csrf-token-placeholder" not in second.content.decode()
    # Bob's token goes with the cookie he was given: his form is accepted (no 403 from the CSRF check).
    assert "csrftoken" in second.cookies
    response = bob.post(
        "/fr/consultations/projects/project-1/comments/", {"csrfmiddlewaretoken": bob_tokens.pop(), "text": ""}
    )
    assert response.status_code != 403


def test_a_returning_visitor_keeps_their_secret_under_a_new_mask_at_each_hit():
    """The cache's own token maker (openmun.pagecache.visitor_token) makes what Django's CSRF check accepts."""
    programme_build()
    Client().get(PROJECT)
    carol = Client(enforce_csrf_checks=True)
    first, second = carol.get(PROJECT), carol.get(PROJECT)
    assert first.headers["X-Cache"] == second.headers["X-Cache"] == "hit"
    (first_token,), (second_token,) = tokens_in(first), tokens_in(second)
    assert first_token != second_token
    secret = carol.cookies["csrftoken"].value
    assert _unmask_cipher_token(first_token) == _unmask_cipher_token(second_token) == secret
    response = carol.post(
        "/fr/consultations/projects/project-1/comments/", {"csrfmiddlewaretoken": second_token, "text": ""}
    )
    assert response.status_code != 403


def test_staff_are_never_served_nor_stored(client, admin_client):
    programme_build()
    staff_page = admin_client.get("/fr/")
    assert "X-Cache" not in staff_page.headers
    assert client.get("/fr/").headers["X-Cache"] == "miss"
    assert "X-Cache" not in admin_client.get("/fr/").headers


def test_the_admin_and_made_up_query_strings_are_not_cached(client):
    programme_build()
    assert "X-Cache" not in client.get("/fr/admin/login/").headers
    assert "X-Cache" not in client.get("/fr/admin/login/").headers
    assert "X-Cache" not in client.get("/fr/?spam=1").headers
    assert "X-Cache" not in client.get("/fr/?page=" + "9" * 70).headers
    assert client.get("/fr/?page=2").headers["X-Cache"] == "miss"


def test_tracking_parameters_neither_split_nor_bypass_the_cache(django_assert_num_queries):
    programme_build()
    shared = "/fr/programme/projects/?utm_source=facebook&utm_medium=social&fbclid=IwAR0" + "x" * 80
    first = Client().get(shared)
    assert first.headers["X-Cache"] == "miss"
    # The page does not repeat them (in its language switch, for instance): it is the page without them.
    assert "utm_" not in first.content.decode() and "fbclid" not in first.content.decode()
    with django_assert_num_queries(0):
        for url in ["/fr/programme/projects/", "/fr/programme/projects/?gclid=abc&UTM_Campaign=x&_ga=1.2"]:
            response = Client().get(url)
            assert response.headers["X-Cache"] == "hit" and response.content == first.content
    assert Client().get("/fr/?page=2").headers["X-Cache"] == "miss"
    assert Client().get("/fr/?utm_source=x&page=2&mc_cid=y").headers["X-Cache"] == "hit"


def test_a_hit_carries_what_the_middleware_below_the_cache_add(client):
    programme_build()
    miss = client.get("/ar/programme/calendar/")
    hit = Client().get("/ar/programme/calendar/")
    assert (miss.headers["X-Cache"], hit.headers["X-Cache"]) == ("miss", "hit")
    for header in ("Content-Language", "Content-Security-Policy", "X-Frame-Options", "Content-Type", "Vary"):
        assert hit.headers[header] == miss.headers[header], header
    assert hit.headers["Content-Length"] == str(len(hit.content))


def test_a_compressed_hit_is_the_same_page_and_revalidates(client):
    programme_build()
    plain = client.get("/fr/")
    compressed = Client().get("/fr/", headers={"accept-encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip" and compressed.headers["X-Cache"] == "hit"
    assert gzip.decompress(compressed.content) == plain.content
    assert compressed.headers["ETag"] == "W/" + plain.headers["ETag"]
    assert "Accept-Encoding" in compressed.headers["Vary"] and "Accept-Encoding" in client.get("/fr/").headers["Vary"]
    again = Client().get("/fr/", headers={"accept-encoding": "gzip", "if-none-match": compressed.headers["ETag"]})
    assert again.status_code == 304


def test_pdfs_keep_their_own_cache(client):
    programme_build()
    assert "X-Cache" not in client.get("/fr/programme/projects/project-1/sheet.pdf").headers


# Views for the tests below: what a view may do that makes its response personal.
PAGE = Template("{% for message in messages %}<p>{{ message }}</p>{% endfor %}<p>page</p>")


def page(request):
    return HttpResponse(PAGE.render(RequestContext(request)))


def message_then_page(request):
    messages.success(request, "Alice's comment is received")
    return page(request)


def message_then_redirect(request):
    messages.success(request, "Alice's comment is received")
    return HttpResponseRedirect("/page/")


def cookie_page(request):
    response = page(request)
    response.set_cookie("visitor", "alice")
    return response


def session_page(request):
    request.session["visitor"] = "alice"
    return page(request)


def language_page(request):
    return HttpResponse(f"<p>{translation.get_language()}</p>")


urlpatterns = [
    path("page/", page),
    path("language/", language_page),
    path("message-page/", message_then_page),
    path("message-redirect/", message_then_redirect),
    path("cookie/", cookie_page),
    path("session/", session_page),
]


@pytest.mark.urls(__name__)
def test_one_visitors_messages_never_reach_another(client):
    alice, bob = Client(), Client()
    assert "Alice" in alice.get("/message-redirect/", follow=True).content.decode()
    assert "Alice" in alice.get("/message-page/").content.decode()
    for _ in range(2):
        response = bob.get("/page/")
        assert "Alice" not in response.content.decode()
    assert response.headers["X-Cache"] == "hit"
    # A page whose view adds a message shows it to its own visitor only, and is never kept.
    assert Client().get("/message-page/").headers.get("X-Cache") is None


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/cookie/", "/session/"])
def test_responses_that_set_a_cookie_or_a_session_are_not_cached(url):
    Client().get(url)
    response = Client().get(url)
    assert response.headers.get("X-Cache") is None
    assert response.cookies


@pytest.mark.urls(__name__)
def test_a_visitor_with_a_session_is_not_served_from_the_cache():
    Client().get("/page/")
    assert Client().get("/page/").headers["X-Cache"] == "hit"
    visitor = Client()
    visitor.get("/session/")
    assert visitor.get("/page/").headers.get("X-Cache") is None


@pytest.mark.urls(__name__)
def test_a_page_without_a_language_prefix_is_cached_per_language():
    # The cache answers before the locale middleware runs: it reads the language as that middleware would.
    for _ in range(2):
        french = Client(headers={"accept-language": "fr"}).get("/language/")
        arabic = Client(headers={"accept-language": "ar"}).get("/language/")
    assert french.headers["X-Cache"] == arabic.headers["X-Cache"] == "hit"
    assert (french.content, arabic.content) == (b"<p>fr</p>", b"<p>ar</p>")


@pytest.mark.urls(__name__)
def test_a_post_that_writes_nothing_leaves_the_cache_intact():
    # Only writes move the content version (openmun/cache.py): a POST answered by a redirect is not one.
    Client().get("/page/")
    assert Client().get("/page/").headers["X-Cache"] == "hit"
    assert Client().post("/message-redirect/").status_code == 302
    assert Client().get("/page/").headers["X-Cache"] == "hit"


# On the real project page: only a comment that is saved empties the cache (openmun/cache.py).
@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"text": "Quand le projet commence-t-il ?", "consent": "on", "hp_check": "http://spam.example"}, 302),
        ({"text": ""}, 200),
    ],
    ids=["honeypot", "invalid"],
)
def test_a_comment_that_is_not_saved_leaves_the_cache_intact(client, data, status):
    programme_build()
    client.get(PROJECT)
    assert client.get(PROJECT).headers["X-Cache"] == "hit"
    assert Client().post(COMMENTS, data).status_code == status
    assert client.get(PROJECT).headers["X-Cache"] == "hit"
    assert not Comment.objects.exists()


def test_a_comment_that_is_saved_empties_the_cache(client):
    programme_build()
    client.get(PROJECT)
    assert client.get(PROJECT).headers["X-Cache"] == "hit"
    response = Client().post(COMMENTS, {"text": "Quand le projet commence-t-il ?", "consent": "on"})
    assert response.status_code == 302 and Comment.objects.count() == 1
    assert client.get(PROJECT).headers["X-Cache"] == "miss"


# With Redis (production), each worker keeps the pages it served last under the content version it read less than
# OPENMUN_PAGE_CACHE_VERSION_SECONDS ago (the redis_caches fixture: tests/conftest.py).


def test_with_redis_a_worker_serves_its_recent_pages_without_a_round_trip(redis_caches, settings, monkeypatch):
    from openmun import pagecache

    settings.OPENMUN_PAGE_CACHE_VERSION_SECONDS = 60
    programme_build()
    assert Client().get(PROJECT).headers["X-Cache"] == "miss"
    assert Client().get(PROJECT).headers["X-Cache"] == "hit"

    def no_redis(*args, **kwargs):
        raise AssertionError("a recent page must be served without asking Redis")

    monkeypatch.setattr(pagecache, "get_redis_connection", no_redis)
    response = Client().get(PROJECT)
    assert response.headers["X-Cache"] == "hit" and "Projet 1" in response.content.decode()
    monkeypatch.undo()
    # A change made by this worker shows at once: it forgets the version it trusted.
    project = Project.objects.get(slug="project-1")
    project.title_fr = "Un titre changé ici"
    project.save()
    response = Client().get(PROJECT)
    assert response.headers["X-Cache"] == "miss" and "Un titre changé ici" in response.content.decode()


def test_with_redis_another_workers_change_shows_once_the_trusted_version_is_old(redis_caches, settings):
    from django.core.cache import cache

    from openmun.cache import CONTENT, version_key

    settings.OPENMUN_PAGE_CACHE_VERSION_SECONDS = 60
    programme_build()
    Client().get(PROJECT)
    assert Client().get(PROJECT).headers["X-Cache"] == "hit"
    # Another worker moves the version in Redis: this one trusts its own for OPENMUN_PAGE_CACHE_VERSION_SECONDS.
    cache.set(version_key(CONTENT), "moved-by-another-worker", timeout=None)
    assert Client().get(PROJECT).headers["X-Cache"] == "hit"
    settings.OPENMUN_PAGE_CACHE_VERSION_SECONDS = 0
    assert Client().get(PROJECT).headers["X-Cache"] == "miss"
