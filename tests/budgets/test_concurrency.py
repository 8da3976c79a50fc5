"""Votes stay exact when many people vote, or one person votes several times, at the same moment.

Each vote runs in its own thread, hence with its own database connection, through the service the ballot page
uses. On PostgreSQL the votes run truly in parallel (as many threads as the server has free connections), and
the voter's row lock and the one-ballot-per-voter constraint are what keep the counts exact. SQLite cannot
write from several connections at once: there the same votes, through the same code, take turns, and the test
checks the counting logic rather than the locking.
"""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import translation

from budgets import selectors, services
from budgets.models import Ballot, BallotChoice, Phase, Proposal
from tests.budgets.factories import cycle_build, voter_make

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRESQL = connection.vendor == "postgresql"
VOTERS = 120 if POSTGRESQL else 20


def free_connections() -> int:
    """Return how many more connections the database server accepts, keeping a margin for the test itself."""
    if not POSTGRESQL:
        return VOTERS
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        return max(cursor.fetchone()[0] - 10, 4)


def run_in_parallel(calls: list) -> list:
    """Run each call from its own thread and connection, all released at once; return results or errors."""
    workers = min(len(calls), free_connections())
    barrier = threading.Barrier(workers)
    # SQLite: one writer at a time; PostgreSQL: no turn-taking at all.
    turn = threading.Lock() if not POSTGRESQL else contextlib.nullcontext()
    started = threading.local()

    def run(call):
        if not getattr(started, "done", False):
            started.done = True
            barrier.wait(timeout=60)
        try:
            with turn:
                return call()
        except Exception as error:  # the test inspects what each call gave
            return error
        finally:
            # The thread's own connection: closed, so that the test database can be dropped afterwards.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def test_parallel_votes_are_each_counted_once():
    cycle = cycle_build(current=Phase.Kind.VOTE, proposals=4, envelope=Decimal("10000000"))
    proposals = list(cycle.proposals.order_by("pk"))
    voters = [voter_make(cycle, f"voter{index}@example.ma") for index in range(VOTERS)]
    # Voter i picks the proposals whose position divides into i + 1… a different mix for each voter.
    choices = {
        voter.pk: [p for position, p in enumerate(proposals, start=1) if (index + 1) % position == 0]
        for index, voter in enumerate(voters)
    }
    expected = {p.pk: sum(p in chosen for chosen in choices.values()) for p in proposals}
    # Everybody votes at once, and a quarter of them press the button twice.
    calls = [
        lambda voter=voter: services.ballot_cast(voter=voter, proposals=choices[voter.pk])
        for voter in voters + voters[: VOTERS // 4]
    ]
    results = run_in_parallel(calls)
    assert [r for r in results if not isinstance(r, Ballot)] == []
    assert Ballot.objects.filter(cycle=cycle).count() == VOTERS
    counted = {p.pk: p.vote_count for p in Proposal.objects.filter(cycle=cycle).with_votes()}
    assert counted == expected
    assert BallotChoice.objects.filter(ballot__cycle=cycle).count() == sum(expected.values())
    for voter in voters:
        assert set(Ballot.objects.get(voter=voter).choices.values_list("proposal", flat=True)) == {
            p.pk for p in choices[voter.pk]
        }


def test_one_person_changing_a_ballot_from_many_tabs_keeps_one_whole_choice():
    cycle = cycle_build(current=Phase.Kind.VOTE, proposals=5)  # 200 000 to 600 000 DH, envelope 1 000 000
    proposals = list(cycle.proposals.order_by("estimated_cost"))
    voter = voter_make(cycle, "voter@example.ma")
    options = [
        [proposals[0], proposals[1]],
        [proposals[2]],
        [proposals[0], proposals[3]],
        [proposals[4]],
        [proposals[0], proposals[1], proposals[2]],
    ]
    calls = [
        lambda chosen=chosen: services.ballot_cast(voter=voter, proposals=chosen)
        for chosen in options * (4 if POSTGRESQL else 2)
    ]
    results = run_in_parallel(calls)
    assert [r for r in results if not isinstance(r, Ballot)] == []
    ballot = Ballot.objects.get(cycle=cycle)
    final = set(ballot.choices.values_list("proposal", flat=True))
    # One of the choices sent, never a mix of two.
    assert final in [{p.pk for p in chosen} for chosen in options]
    assert sum(p.vote_count for p in Proposal.objects.filter(cycle=cycle).with_votes()) == len(final)


def test_parallel_votes_over_the_envelope_are_all_refused():
    cycle = cycle_build(current=Phase.Kind.VOTE, proposals=5)
    proposals = list(cycle.proposals.all())
    voters = [voter_make(cycle, f"voter{index}@example.ma") for index in range(min(VOTERS, 30))]
    results = run_in_parallel(
        [lambda voter=voter: services.ballot_cast(voter=voter, proposals=proposals) for voter in voters]
    )
    assert {getattr(r, "code", None) for r in results} == {"over_envelope"}
    assert not Ballot.objects.filter(cycle=cycle).exists()
    assert selectors.ballot_data(cycle, voters[0])["ballot"] is None


def test_a_voting_link_used_from_many_browsers_at_once_opens_one_ballot():
    cycle = cycle_build(current=Phase.Kind.VOTE, slug="v")
    voter = voter_make(cycle, "voter@example.ma", confirmed=False)
    with translation.override("fr"):
        link = reverse("budgets:voter-confirm", kwargs={"slug": "v", "token": services.voter_token_make(voter)})
    browsers = [Client(REMOTE_ADDR=f"10.1.0.{index}") for index in range(min(VOTERS, 30))]
    results = run_in_parallel([lambda browser=browser: browser.post(link).status_code for browser in browsers])
    # The link acts once: one browser holds the ballot, every other one is told the link was used.
    assert sorted(results) == [302] + [410] * (len(browsers) - 1)
    ballots = [browser.get(reverse("budgets:ballot-edit", kwargs={"slug": "v"})).status_code for browser in browsers]
    assert ballots.count(200) == 1
