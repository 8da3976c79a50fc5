"""The citizen budget's figures and the participatory budget's results: computed, never typed."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone, translation

from budgets import selectors
from budgets.charts import chart_build, geometry
from budgets.models import Ballot, BallotChoice, BudgetLine, Cycle, Phase, Proposal
from tests.budgets.factories import BudgetLineFactory, CycleFactory, ProposalFactory, phases_build, year_build

pytestmark = pytest.mark.django_db
Part, Direction = BudgetLine.Part, BudgetLine.Direction


def test_totals_balance_and_figures_per_inhabitant_are_computed_from_the_lines(commune):
    year_build(2024, population=200000)
    data = selectors.year_detail_data(2024)
    figures = data["figures"]
    assert figures.revenue == Decimal("8000000.00")
    assert figures.expenditure == Decimal("6000000.00")
    assert figures.balance == Decimal("2000000.00")
    assert figures.revenue_per_inhabitant == Decimal("40.00")
    assert figures.expenditure_per_inhabitant == Decimal("30.00")
    assert [(p.part, p.revenue, p.expenditure, p.balance) for p in figures.parts] == [
        ("operating", Decimal("4000000"), Decimal("3000000"), Decimal("1000000")),
        ("equipment", Decimal("4000000"), Decimal("3000000"), Decimal("1000000")),
    ]
    # Nothing executed yet: no execution figures, rather than zeros.
    assert figures.expenditure_executed is None and figures.expenditure_execution_rate is None


def test_the_communes_population_is_used_when_the_year_has_none(commune):
    year_build(2024, population=None)
    figures = selectors.year_detail_data(2024)["figures"]
    assert figures.population == 190000
    # 6 000 000 / 190 000 = 31.578… rounded half up.
    assert figures.expenditure_per_inhabitant == Decimal("31.58")


def test_per_inhabitant_figures_are_empty_without_a_population(db):
    year_build(2024, population=None)
    assert selectors.year_detail_data(2024)["figures"].expenditure_per_inhabitant is None


def test_change_on_the_previous_year(commune):
    previous = year_build(2023)
    BudgetLineFactory(year=previous, direction=Direction.EXPENDITURE, adopted=Decimal("2000000"))
    year_build(2024)
    change = selectors.year_detail_data(2024)["change"]
    assert change.previous_year == 2023
    assert change.revenue_percent == Decimal("0.0")
    # 6 000 000 against 8 000 000: a quarter less.
    assert change.expenditure_percent == Decimal("-25.0")
    assert selectors.year_detail_data(2023)["change"] is None


def test_an_unpublished_previous_year_is_not_compared(commune):
    year_build(2023, is_published=False)
    year_build(2024)
    assert selectors.year_detail_data(2024)["change"] is None


def test_execution_totals_and_rate_when_every_line_is_executed(commune):
    year_build(2023, executed=True)
    figures = selectors.year_detail_data(2023)["figures"]
    assert figures.expenditure_executed == Decimal("5400000.00")
    assert figures.expenditure_execution_rate == Decimal("90.0")
    # One line without its execution: the total would be wrong, so there is none.
    line = BudgetLine.objects.filter(direction=Direction.EXPENDITURE).first()
    BudgetLine.objects.filter(pk=line.pk).update(executed=None)
    figures = selectors.year_detail_data(2023)["figures"]
    assert figures.expenditure_executed is None and figures.revenue_executed == Decimal("7200000.00")


def test_chart_bars_grow_from_the_right_in_arabic():
    ltr, rtl = geometry(Decimal(50), Decimal(200), rtl=False), geometry(Decimal(50), Decimal(200), rtl=True)
    assert (ltr.x, ltr.width) == ("0.00", "25.00")
    assert (rtl.x, rtl.width) == ("75.00", "25.00")
    chart = chart_build(
        slug="x",
        title="x",
        label_heading="x",
        rtl=True,
        items=[("a", "a", "", Decimal(10), None), ("b", "b", "", Decimal(30), Decimal(15))],
    )
    # Largest first, filling the view box; shares of the total.
    assert [bar.key for bar in chart.bars] == ["b", "a"]
    assert (chart.bars[0].bar.x, chart.bars[0].bar.width) == ("0.00", "100.00")
    assert (chart.bars[0].executed_bar.x, chart.bars[0].executed_bar.width) == ("50.00", "50.00")
    assert [bar.share for bar in chart.bars] == [Decimal("75.0"), Decimal("25.0")]
    assert chart.total == Decimal(40) and chart.total_executed is None


def test_chart_coordinates_use_a_decimal_point_in_french(commune):
    year_build(2024)
    BudgetLineFactory(year_id=selectors.year_get(2024).pk, adopted=Decimal("333333.33"))
    with translation.override("fr"):
        data = selectors.year_detail_data(2024)
    widths = [bar.bar.width for chart in data["charts"] for bar in chart.bars]
    assert all("," not in width for width in widths)
    assert "33.33" in widths


def test_years_list_compares_each_year_with_the_one_before(commune):
    year_build(2023)
    year_build(2024)
    data = selectors.year_list_data()
    assert [s.budget_year.year for s in data["summaries"]] == [2024, 2023]
    assert data["summaries"][0].change.expenditure_percent == Decimal("0.0")
    assert data["summaries"][1].change is None
    # Oldest first in the chart, so that time reads in the direction of the text.
    assert [bar.label for bar in data["chart"].bars] == ["2023", "2024"]


def votes_for(cycle: Cycle, counts: dict[Proposal, int]) -> None:
    number = 0
    for proposal, count in counts.items():
        for _ in range(count):
            number += 1
            ballot = Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference=str(number))
            BallotChoice.objects.create(ballot=ballot, proposal=proposal)


def test_results_rank_by_votes_and_choose_the_winners_that_fit_the_envelope_greedily():
    with time_machine.travel(datetime.date(2025, 6, 1), tick=False):
        cycle = CycleFactory(envelope=Decimal("1000000"))
        phases_build(cycle, current=Phase.Kind.RESULTS)
        big = ProposalFactory(cycle=cycle, estimated_cost=Decimal("700000"))
        too_big = ProposalFactory(cycle=cycle, estimated_cost=Decimal("400000"))
        small = ProposalFactory(cycle=cycle, estimated_cost=Decimal("300000"))
        tie_cheap = ProposalFactory(cycle=cycle, estimated_cost=Decimal("100000"), revised_cost=Decimal("0"))
        unvoted = ProposalFactory(cycle=cycle, estimated_cost=Decimal("1"))
        ProposalFactory(cycle=cycle, eligibility=Proposal.Eligibility.INELIGIBLE, eligibility_reason_fr="Non")
        ProposalFactory(cycle=cycle, status=Proposal.Status.HIDDEN)
        votes_for(cycle, {big: 10, too_big: 8, small: 5, tie_cheap: 5})
        data = selectors.cycle_detail_data(cycle.slug)
    results = data["results"]
    assert [(row.proposal, row.rank, row.votes) for row in results.rows] == [
        (big, 1, 10),
        (too_big, 2, 8),
        (tie_cheap, 3, 5),
        (small, 3, 5),
        (unvoted, 5, 0),
    ]
    # 700 000 wins; 400 000 no longer fits; the free one and 300 000 do; a proposal without votes never wins.
    assert results.winners == [big, tie_cheap, small]
    assert results.winners_cost == Decimal("1000000") and results.remaining == Decimal("0")
    assert results.ballot_count == 28
    assert results.rows[0].share == Decimal("35.7")


def test_results_are_not_computed_before_they_are_public():
    cycle = CycleFactory()
    phases_build(cycle, current=Phase.Kind.VOTE)
    ProposalFactory(cycle=cycle)
    assert selectors.cycle_detail_data(cycle.slug)["results"] is None


def test_a_cycle_is_read_once_then_again_as_soon_as_staff_change_it(django_assert_num_queries):
    cycle = CycleFactory(slug="v")
    phases_build(cycle, current=Phase.Kind.VOTE)
    ProposalFactory(cycle=cycle)
    assert selectors.cycle_get("v").accepts_votes
    with django_assert_num_queries(0):
        assert selectors.cycle_get("v").proposal_count == 1
    vote = cycle.phases.get(kind=Phase.Kind.VOTE)
    vote.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    vote.save()
    assert not selectors.cycle_get("v").accepts_votes
    ProposalFactory(cycle=cycle)
    assert selectors.cycle_get("v").proposal_count == 2
    cycle.is_published = False
    cycle.save()
    with pytest.raises(Http404):
        selectors.cycle_get("v")
