import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from budgets.models import Ballot, BallotChoice, BudgetLine, Cycle, Phase, Proposal
from tests.budgets.factories import (
    BudgetLineFactory,
    BudgetYearFactory,
    CycleFactory,
    ProposalFactory,
    phases_build,
    voter_make,
)

pytestmark = pytest.mark.django_db
Kind = Phase.Kind


def test_amounts_cannot_be_negative_in_the_database():
    line = BudgetLineFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(adopted=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.filter(pk=line.pk).update(executed=Decimal("-0.01"))
    BudgetLine.objects.filter(pk=line.pk).update(executed=None)


def test_a_code_is_unique_within_a_year_part_and_direction():
    line = BudgetLineFactory(code="R-1")
    BudgetLineFactory(year=line.year, code="R-1", direction=BudgetLine.Direction.EXPENDITURE)
    BudgetLineFactory(year=line.year, code="R-1", part=BudgetLine.Part.EQUIPMENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLineFactory(year=line.year, code="R-1")


def test_a_budget_cannot_be_voted_after_its_year():
    budget_year = BudgetYearFactory.build(year=2024, adoption_date=datetime.date(2025, 1, 5))
    with pytest.raises(ValidationError) as error:
        budget_year.full_clean()
    assert error.value.error_dict["adoption_date"][0].code == "vote_after_year"


def test_a_phase_cannot_end_before_it_starts_and_each_kind_is_unique():
    cycle = CycleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(
            cycle=cycle, kind=Kind.VOTE, starts_on=datetime.date(2025, 5, 2), ends_on=datetime.date(2025, 5, 1)
        )
    Phase.objects.create(
        cycle=cycle, kind=Kind.VOTE, starts_on=datetime.date(2025, 5, 1), ends_on=datetime.date(2025, 5, 1)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(
            cycle=cycle, kind=Kind.VOTE, starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2025, 6, 2)
        )


def test_the_envelope_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleFactory(envelope=Decimal("0"))


@pytest.mark.parametrize(
    ("day", "phase", "proposals", "votes", "results", "paper"),
    [
        (datetime.date(2025, 1, 10), None, False, False, False, False),
        (datetime.date(2025, 2, 1), Kind.INFORMATION, False, False, False, False),
        (datetime.date(2025, 3, 1), Kind.PROPOSALS, True, False, False, False),
        (datetime.date(2025, 3, 31), Kind.PROPOSALS, True, False, False, False),
        (datetime.date(2025, 4, 1), Kind.REVIEW, False, False, False, False),
        (datetime.date(2025, 5, 1), Kind.VOTE, False, True, False, True),
        (datetime.date(2025, 5, 31), Kind.VOTE, False, True, False, True),
        # Between the vote and the results: paper ballots are still being entered, nothing is public.
        (datetime.date(2025, 6, 3), None, False, False, False, True),
        (datetime.date(2025, 6, 10), Kind.RESULTS, False, False, True, False),
        (datetime.date(2025, 9, 1), Kind.IMPLEMENTATION, False, False, True, False),
        (datetime.date(2027, 1, 1), None, False, False, True, False),
    ],
)
def test_the_current_phase_and_what_it_allows_follow_the_dates(day, phase, proposals, votes, results, paper):
    cycle = CycleFactory()
    for kind, start, end in [
        (Kind.INFORMATION, (2025, 2, 1), (2025, 2, 28)),
        (Kind.PROPOSALS, (2025, 3, 1), (2025, 3, 31)),
        (Kind.REVIEW, (2025, 4, 1), (2025, 4, 30)),
        (Kind.VOTE, (2025, 5, 1), (2025, 5, 31)),
        (Kind.RESULTS, (2025, 6, 10), (2025, 6, 30)),
        (Kind.IMPLEMENTATION, (2025, 7, 1), (2026, 12, 31)),
    ]:
        Phase.objects.create(cycle=cycle, kind=kind, starts_on=datetime.date(*start), ends_on=datetime.date(*end))
    cycle = Cycle.objects.prefetch_related("phases").get(pk=cycle.pk)
    with time_machine.travel(datetime.datetime(*day.timetuple()[:3], 12, tzinfo=datetime.UTC), tick=False):
        assert (cycle.current_phase.kind if cycle.current_phase else None) == phase
        assert cycle.accepts_proposals is proposals
        assert cycle.accepts_votes is votes
        assert cycle.results_visible is results
        assert cycle.accepts_paper_ballots_on(day) is paper
        assert cycle.review_open_on(day) is (day < datetime.date(2025, 5, 1))
    assert cycle.starts_on == datetime.date(2025, 2, 1) and cycle.ends_on == datetime.date(2026, 12, 31)


def test_one_ballot_per_voter_and_cycle_in_the_database():
    cycle = CycleFactory()
    phases_build(cycle, current=Kind.VOTE)
    voter = voter_make(cycle, "a@example.ma")
    Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.ONLINE, voter=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.ONLINE, voter=voter)


def test_an_online_ballot_has_a_voter_and_a_paper_ballot_a_number():
    cycle = CycleFactory()
    voter = voter_make(cycle, "a@example.ma")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.ONLINE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, voter=voter, paper_reference="P-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER)
    Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference="P-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference="P-1")


def test_a_proposal_is_chosen_once_per_ballot():
    proposal = ProposalFactory()
    ballot = Ballot.objects.create(cycle=proposal.cycle, channel=Ballot.Channel.PAPER, paper_reference="1")
    BallotChoice.objects.create(ballot=ballot, proposal=proposal)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotChoice.objects.create(ballot=ballot, proposal=proposal)


def test_an_ineligible_proposal_needs_a_reason_in_one_language():
    proposal = ProposalFactory(eligibility=Proposal.Eligibility.INELIGIBLE)
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert error.value.error_dict[NON_FIELD_ERRORS][0].code == "reason_required"
    proposal.eligibility_reason_fr = "Hors compétences."
    proposal.full_clean()


def test_the_cost_on_the_ballot_is_the_revised_one_when_set():
    proposal = ProposalFactory(estimated_cost=Decimal("100000"))
    assert proposal.cost == Decimal("100000")
    proposal.revised_cost = Decimal("0")
    assert proposal.cost == Decimal("0")


def test_str_never_shows_personal_data():
    proposal = ProposalFactory(email="secret@example.ma", display_name="Samira")
    voter = voter_make(proposal.cycle, "voter@example.ma")
    assert "secret" not in str(proposal) and "Samira" not in str(proposal)
    assert "voter" not in str(voter) and "example" not in str(voter)
