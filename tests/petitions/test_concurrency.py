"""Counts stay exact when many people support a petition at the same moment.

Each request runs in its own thread, hence with its own database connection, through the view and the
service that production uses. On PostgreSQL the requests run truly in parallel (as many threads as the server
has free connections). SQLite cannot write from several connections at once: there the same requests, through
the same code, take turns, and the test checks the counting logic rather than the locking.
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from petitions import services
from petitions.models import Petition, Support
from tests.petitions.factories import PetitionFactory, SupportFactory

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRESQL = connection.vendor == "postgresql"
SUPPORTERS = 120 if POSTGRESQL else 20


def free_connections() -> int:
    """Return how many more connections the database server accepts, keeping a margin for the test itself."""
    if not POSTGRESQL:
        return SUPPORTERS
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        return max(cursor.fetchone()[0] - 10, 4)


def run_in_parallel(requests: list) -> tuple[list[int], int]:
    """Send each request from its own thread and address, all released at once.

    Return the status codes and the largest number of requests that were in flight at the same moment.
    """
    workers = min(len(requests), free_connections())
    barrier = threading.Barrier(workers)
    # SQLite: one writer at a time; PostgreSQL: no turn-taking at all.
    turn = threading.Lock() if not POSTGRESQL else contextlib.nullcontext()
    started = threading.local()
    statuses = []
    counting = threading.Lock()
    in_flight = [0, 0]  # now, most

    def send(index_and_request):
        index, request = index_and_request
        if not getattr(started, "done", False):
            started.done = True
            barrier.wait(timeout=60)
        try:
            with turn:
                with counting:
                    in_flight[0] += 1
                    in_flight[1] = max(in_flight)
                response = request(Client(REMOTE_ADDR=f"10.{index // 65536}.{index // 256 % 256}.{index % 256}"))
                with counting:
                    in_flight[0] -= 1
            statuses.append(response.status_code)
        finally:
            # The thread's own connection: closed, so that the test database can be dropped afterwards.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(send, enumerate(requests)))
    return statuses, in_flight[1]


def test_parallel_confirmations_are_each_counted_once(commune):
    petition = PetitionFactory()
    supports = SupportFactory.create_batch(SUPPORTERS, petition=petition, confirmed_at=None)
    urls = [reverse("petitions:support-confirm", kwargs={"token": services.support_token_make(s)}) for s in supports]
    # Everybody confirms at once, and a quarter of them press the button twice.
    requests = [lambda client, url=url: client.post(url) for url in urls + urls[: SUPPORTERS // 4]]
    statuses, most_at_once = run_in_parallel(requests)
    assert statuses == [302] * len(requests)
    # Truly at once on PostgreSQL; one after the other, through the same code, on SQLite.
    assert most_at_once > 10 if POSTGRESQL else most_at_once == 1
    petition.refresh_from_db()
    assert petition.support_count == SUPPORTERS
    assert Support.objects.confirmed().filter(petition=petition).count() == SUPPORTERS


def test_the_same_address_sent_at_once_gives_one_support(commune, mailoutbox):
    petition = PetitionFactory()
    url = reverse("petitions:support-create", kwargs={"pk": petition.pk})
    data = {"name": "سعيد", "relation": "resident", "email": "said@example.ma", "consent": "on"}
    requests = [lambda client: client.post(url, data) for _ in range(min(SUPPORTERS, 40))]
    statuses, _most_at_once = run_in_parallel(requests)
    assert set(statuses) == {302}
    assert Support.objects.filter(petition=petition).count() == 1
    assert Petition.objects.get(pk=petition.pk).support_count == 0
