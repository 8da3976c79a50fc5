"""Sign-in lockout, the per-client POST budget and structured logs without personal data."""

import datetime
import io
import json
import logging
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from openmun.logs import JsonFormatter, ScrubFilter
from tests.factories import programme_build

pytestmark = pytest.mark.django_db

LOGIN = "/fr/admin/login/"
LOCKED = {"ar": "تم قفل تسجيل الدخول", "fr": "Connexion bloquée"}


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("clerk", password="the-right-password-2024", is_staff=True)


def sign_in(client: Client, password: str, *, language: str = "fr", username: str = "clerk"):
    return client.post(
        f"/{language}/admin/login/?next=/{language}/admin/", {"username": username, "password": password}
    )


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_admin_sign_in_locks_out_after_repeated_failures(staff, language):
    client = Client()
    for _ in range(4):
        assert sign_in(client, "wrong", language=language).status_code == 200
    response = sign_in(client, "wrong", language=language)
    assert response.status_code == 429
    assert LOCKED[language] in response.content.decode()
    assert int(response.headers["Retry-After"]) == 15 * 60
    # Locked out: even the right password is refused until the cool-off ends.
    assert sign_in(client, "the-right-password-2024", language=language).status_code == 429


def test_the_lockout_ends_after_the_cool_off(staff):
    client = Client()
    with time_machine.travel("2026-03-02 10:00", tick=False):
        for _ in range(5):
            sign_in(client, "wrong")
        assert sign_in(client, "the-right-password-2024").status_code == 429
    with time_machine.travel("2026-03-02 10:16", tick=False):
        assert sign_in(client, "the-right-password-2024").status_code == 302


def test_a_lockout_is_per_client_and_user_name(staff):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        sign_in(attacker, "wrong")
    assert sign_in(attacker, "the-right-password-2024").status_code == 429
    # A colleague at another address signs in as usual.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.2"), "the-right-password-2024").status_code == 302


def test_a_user_name_is_locked_out_after_failures_from_many_addresses(staff):
    # A guesser who changes address at each try: 10 failures (OPENMUN_LOGIN_NAME_FAILURE_LIMIT) lock the name.
    for number in range(9):
        assert sign_in(Client(REMOTE_ADDR=f"198.51.100.{number}"), "wrong").status_code == 200
    assert sign_in(Client(REMOTE_ADDR="198.51.100.9"), "wrong").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="192.0.2.50"), "the-right-password-2024").status_code == 429
    # Another account is not locked, and the name's lockout ends with the cool-off.
    get_user_model().objects.create_user("editor", password="another-password-2024", is_staff=True)
    assert sign_in(Client(REMOTE_ADDR="192.0.2.50"), "another-password-2024", username="editor").status_code == 302
    with time_machine.travel(datetime.timedelta(minutes=16)):
        assert sign_in(Client(REMOTE_ADDR="192.0.2.50"), "the-right-password-2024").status_code == 302


def test_an_ipv6_client_is_locked_out_in_its_whole_64_network(staff):
    for number in range(1, 5):
        assert sign_in(Client(REMOTE_ADDR=f"2001:db8:1:2::{number:x}"), "wrong").status_code == 200
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:2:ffff::5"), "wrong").status_code == 429
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:2:abcd::6"), "the-right-password-2024").status_code == 429
    # A colleague in another network signs in as usual.
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:3::1"), "the-right-password-2024").status_code == 302


def test_a_sign_in_whose_next_address_is_refused_lands_on_the_admin(staff):
    response = Client().post(
        "/fr/admin/login/?next=https://evil.example/", {"username": "clerk", "password": "the-right-password-2024"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/admin/"


def test_a_successful_sign_in_resets_the_count(staff):
    client = Client()
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, "the-right-password-2024").status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200


@pytest.mark.parametrize(("language", "text"), [("ar", "طلبات كثيرة"), ("fr", "Trop de requêtes")])
def test_every_post_counts_against_a_per_client_budget(settings, language, text):
    settings.OPENMUN_POST_RATE_LIMIT = (3, 600)
    programme_build()
    client = Client()
    for _ in range(3):
        # Any POST counts, even one a page refuses.
        assert client.post(f"/{language}/").status_code == 405
    response = client.post(f"/{language}/")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 600
    assert f'<html lang="{language}"' in response.content.decode()
    assert text in response.content.decode()
    # Reading is never limited, and another client has its own budget.
    assert client.get(f"/{language}/").status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.2").post(f"/{language}/").status_code == 405


def test_posts_refused_by_the_csrf_check_do_not_spend_the_budget(settings, staff):
    settings.OPENMUN_POST_RATE_LIMIT = (3, 600)
    office = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.20")
    # Another site makes the office's browsers send forms without a token: refused, and not counted.
    for _ in range(10):
        assert office.post(LOGIN, {"username": "clerk", "password": "x"}).status_code == 403
    page = office.get(LOGIN).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="(\w+)"', page).group(1)
    response = office.post(
        LOGIN, {"csrfmiddlewaretoken": token, "username": "clerk", "password": "the-right-password-2024"}
    )
    assert response.status_code == 302


@pytest.fixture
def console():
    """Return what the portal's configured log handler (settings.LOGGING) writes during the test, as JSON lines."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, ScrubFilter) for item in handler.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


@pytest.mark.parametrize(
    ("url", "route"),
    [
        ("/fr/petitions/confirm/{token}/", "/fr/petitions/confirm/<str:token>/"),
        (
            "/ar/budget/participatory/cycle-1/vote/confirm/{token}/",
            "/ar/budget/participatory/<slug:slug>/vote/confirm/<str:token>/",
        ),
        # A link cut or lengthened by a mail program matches no route: its long segments are left out.
        ("/fr/petitions/confirm/{token}/extra/", "/fr/petitions/confirm/…/extra/"),
    ],
)
def test_a_confirmation_links_token_never_reaches_the_logs(console, url, route):
    token = "eyJzIjo0Mn0:1tZq7s:Qm9uam91ci1sZS1zZWNyZXQtZGUtbGEtdm90YW50ZQ"
    response = Client().get(url.format(token=token))
    assert response.status_code == 404
    entries = console()
    assert token not in json.dumps(entries) and "Qm9uam91" not in json.dumps(entries)
    request_line = next(entry for entry in entries if entry["logger"] == "openmun.request")
    assert request_line["path"] == route and request_line["message"] == f"GET {route} 404"
    # Django's own line for the 404 names the route too.
    assert any(entry["logger"] == "django.request" and route in entry["message"] for entry in entries)


@pytest.fixture
def log_lines():
    """Capture what the console handler writes: the portal's JSON lines, scrubbed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ScrubFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_each_request_is_logged_as_one_json_line_without_its_query_string(client, log_lines):
    programme_build()
    response = client.get("/fr/?page=2&email=amina@example.ma", headers={"x-request-id": "lb-1234567890"})
    entries = [entry for entry in log_lines() if entry["logger"] == "openmun.request"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["request_id"] == "lb-1234567890" == response.headers["X-Request-ID"]
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/fr/", 200)
    assert entry["duration_ms"] >= 0
    assert "amina" not in json.dumps(log_lines())


def test_request_ids_from_outside_are_checked(client, log_lines):
    response = client.get("/robots.txt", headers={"x-request-id": "<script>"})
    assert len(response.headers["X-Request-ID"]) == 32
    assert "<script>" not in json.dumps(log_lines())


def test_email_addresses_are_scrubbed_from_any_message_and_traceback(log_lines):
    logger = logging.getLogger("some.library")
    logger.warning("Could not send to %s", "Fatima.Zahra+petition@mail.example.ma")
    try:
        raise ValueError("duplicate key (email)=(amina@example.ma)")
    except ValueError:
        logger.exception("Saving failed")
    entries = log_lines()
    assert entries[0]["message"] == "Could not send to [e-mail removed]"
    assert "ValueError" in entries[1]["exception"]
    assert "@" not in json.dumps(entries)


def test_a_failed_sign_in_logs_no_user_name_nor_address(staff, log_lines):
    client = Client(REMOTE_ADDR="203.0.113.7")
    sign_in(client, "wrong", username="fatima.admin")
    text = json.dumps(log_lines())
    assert "AXES" in text
    assert "fatima" not in text and "203.0.113.7" not in text
