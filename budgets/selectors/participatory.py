"""Reads of the participatory budget: cycles, proposals, the ballot, results counted from the ballots."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from budgets.charts import share_percent
from budgets.models import Ballot, Cycle, Phase, Proposal, Voter
from openmun.cache import kept_per_version


def cycles_for_listing():
    """Return the published cycles with their phases and their number of published proposals."""
    return (
        Cycle.objects.published()
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "pk")))
        .annotate(proposal_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.PUBLISHED)))
        .order_by("-year", "slug")
    )


def cycle_list_data() -> dict:
    """Return the published cycles of the participatory budget."""
    cycles = list(cycles_for_listing())
    return {
        "cycles": cycles,
        "has_demonstration": any(cycle.is_demonstration for cycle in cycles),
        "today": timezone.localdate(),
    }


@dataclass(frozen=True)
class CycleNow:
    """Where a cycle stands on a day: the phase running, the next one, and whether a citizen can act in it."""

    cycle: Cycle
    phase: Phase | None
    next_phase: Phase | None

    @property
    def is_open(self) -> bool:
        return self.phase is not None and self.phase.kind in (Phase.Kind.PROPOSALS, Phase.Kind.VOTE)


def home_section_data(programme, today: datetime.date) -> dict:
    """Return the published cycles not over on day, each with its running and next phase; two queries."""
    cycles = cycles_for_listing().filter(Exists(Phase.objects.filter(cycle=OuterRef("pk"), ends_on__gte=today)))
    now = [
        CycleNow(cycle=cycle, phase=cycle.phase_on(today), next_phase=cycle.next_phase_on(today))
        for cycle in cycles.order_by("year", "slug")
    ]
    return {"cycles": now, "is_open": any(item.is_open for item in now)}


# Every step of a vote (the form, the link, its button, the ballot) reads its cycle: a handful of rows that change
# only when staff edit them, which moves the content version (openmun/cache.py), read once per change rather than
# compiled and queried at each request. Views and services read these instances, never change them.
@kept_per_version
def published_cycles() -> dict[str, Cycle]:
    """Return the published cycles by slug, with their phases and number of published proposals."""
    return {cycle.slug: cycle for cycle in cycles_for_listing()}


def cycle_get(slug: str) -> Cycle:
    """Return a published cycle with its phases, or raise Http404."""
    try:
        return published_cycles()[slug]
    except KeyError:
        raise Http404("No such cycle.") from None


@dataclass(frozen=True)
class ResultRow:
    proposal: Proposal
    rank: int
    votes: int
    share: Decimal
    is_winner: bool


@dataclass(frozen=True)
class Results:
    """The eligible proposals ranked by votes, and the winners that fit the envelope, chosen greedily."""

    rows: list[ResultRow]
    ballot_count: int
    envelope: Decimal

    @property
    def winners(self) -> list[Proposal]:
        return [row.proposal for row in self.rows if row.is_winner]

    @property
    def winners_cost(self) -> Decimal:
        return sum((proposal.cost for proposal in self.winners), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.winners_cost


def results_compute(cycle: Cycle, proposals: list[Proposal], *, ballot_count: int) -> Results:
    """Return the eligible proposals (annotated with_votes) ranked, and the winners.

    Most votes first; a tie goes to the cheaper proposal, then to the earlier one. Going down the ranking,
    a proposal wins when it still fits in what is left of the envelope; a proposal without a vote never wins.
    """
    eligible = [p for p in proposals if p.eligibility == Proposal.Eligibility.ELIGIBLE and p.is_published]
    ranked = sorted(eligible, key=lambda p: (-p.vote_count, p.cost, p.created_at, p.pk))
    rows, spent, previous_votes, rank = [], Decimal(0), None, 0
    for position, proposal in enumerate(ranked, start=1):
        if proposal.vote_count != previous_votes:
            rank, previous_votes = position, proposal.vote_count
        wins = proposal.vote_count > 0 and spent + proposal.cost <= cycle.envelope
        if wins:
            spent += proposal.cost
        rows.append(
            ResultRow(
                proposal=proposal,
                rank=rank,
                votes=proposal.vote_count,
                share=share_percent(Decimal(proposal.vote_count), Decimal(ballot_count)),
                is_winner=wins,
            )
        )
    return Results(rows=rows, ballot_count=ballot_count, envelope=cycle.envelope)


def with_cycle(proposals: list[Proposal], cycle: Cycle) -> list[Proposal]:
    """Return the proposals with their cycle set, so that their URLs cost no query."""
    for proposal in proposals:
        proposal.cycle = cycle
    return proposals


def cycle_proposals(cycle: Cycle) -> list[Proposal]:
    """Return a cycle's published proposals with their votes and updates, without contact details."""
    return with_cycle(
        list(
            Proposal.objects.published()
            .filter(cycle=cycle)
            .with_votes()
            .defer("email")
            .prefetch_related("updates")
            .order_by("created_at", "pk")
        ),
        cycle,
    )


def cycle_detail_data(slug: str) -> dict:
    """Return a cycle with its phases, its published proposals and, once public, the results."""
    cycle = cycle_get(slug)
    today = timezone.localdate()
    proposals = cycle_proposals(cycle)
    results = None
    if cycle.results_visible_on(today):
        results = results_compute(cycle, proposals, ballot_count=cycle.ballots.count())
    return {
        "cycle": cycle,
        "today": today,
        "phase": cycle.phase_on(today),
        "next_phase": cycle.next_phase_on(today),
        "phases": [(phase, phase.is_past_on(today), phase.is_running_on(today)) for phase in cycle.phases.all()],
        "proposals": proposals,
        "results": results,
        "winner_ids": {proposal.pk for proposal in results.winners} if results else set(),
    }


def proposal_detail_data(slug: str, pk: int) -> dict:
    """Return a published proposal of a cycle with its updates and, once public, its result; or raise Http404."""
    data = cycle_detail_data(slug)
    proposal = next((p for p in data["proposals"] if p.pk == pk), None)
    if proposal is None:
        raise Http404("No such proposal.")
    row = next((row for row in data["results"].rows if row.proposal.pk == pk), None) if data["results"] else None
    return {**data, "proposal": proposal, "result": row}


def results_date(cycle: Cycle) -> datetime.date | None:
    """Return the first day the cycle's results are public (Cycle.results_visible_on), None without a vote."""
    results, vote = cycle.phase_get(Phase.Kind.RESULTS), cycle.phase_get(Phase.Kind.VOTE)
    if results is not None:
        return results.starts_on
    return vote.ends_on + datetime.timedelta(days=1) if vote is not None else None


def voter_get(cycle: Cycle, voter_id: int | None) -> Voter | None:
    """Return the cycle's confirmed voter with that id, or None."""
    if voter_id is None:
        return None
    return Voter.objects.filter(pk=voter_id, cycle=cycle, confirmed_at__isnull=False).first()


def ballot_proposals(cycle: Cycle) -> list[Proposal]:
    """Return the proposals a voter can choose in a cycle, with their costs, without contact details."""
    return with_cycle(list(Proposal.objects.eligible().filter(cycle=cycle).defer("email").order_by("pk")), cycle)


def ballot_data(cycle: Cycle, voter: Voter | None, proposals: list[Proposal] | None = None) -> dict:
    """Return the voter's ballot, the proposals the voter can choose with their costs, and the current choice.

    proposals, when given, are the cycle's ballot_proposals() read already.
    """
    ballot = Ballot.objects.filter(cycle=cycle, voter=voter).prefetch_related("choices").first() if voter else None
    proposals = ballot_proposals(cycle) if proposals is None else proposals
    chosen = {choice.proposal_id for choice in ballot.choices.all()} if ballot else set()
    return {
        "ballot": ballot,
        "proposals": proposals,
        "chosen_ids": chosen,
        "chosen_cost": sum((p.cost for p in proposals if p.pk in chosen), Decimal(0)),
    }


@dataclass(frozen=True)
class PhaseEvent:
    """A participatory-budget phase starting (starts) or having its last day (not starts) on day."""

    phase: Phase
    day: datetime.date
    starts: bool


def phases_this_week(first: datetime.date, last: datetime.date) -> list[PhaseEvent]:
    """Return the phases of every cycle, published or not, that start or have their last day from first to last,
    by day, with their cycle; one query."""
    phases = (
        Phase.objects.filter(Q(starts_on__range=(first, last)) | Q(ends_on__range=(first, last)))
        .select_related("cycle")
        .order_by("pk")
    )
    events = []
    for phase in phases:
        if first <= phase.starts_on <= last:
            events.append(PhaseEvent(phase=phase, day=phase.starts_on, starts=True))
        if first <= phase.ends_on <= last:
            events.append(PhaseEvent(phase=phase, day=phase.ends_on, starts=False))
    return sorted(events, key=lambda event: (event.day, not event.starts, event.phase.cycle_id, event.phase.pk))


def phases_opening(day: datetime.date) -> list[tuple[str, str, str]]:
    """Return the phases of published cycles that began in the week up to day and still run, to announce once."""
    phases = Phase.objects.filter(
        cycle__is_published=True, starts_on__lte=day, starts_on__gt=day - datetime.timedelta(days=7), ends_on__gte=day
    )
    return [("budget:participatory", "phase_opened", f"{phase.pk}:{phase.starts_on}") for phase in phases]
