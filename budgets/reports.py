"""The participatory budget in the session report (programme/reports.py): its phases, proposals and progress.

A published cycle is reported when one of its phases ran on a day of the period: which phases ran, how many
proposals were published from those submitted in the period, and the implementation updates dated in it. Never who
proposed or voted. A cycle invented for a demonstration is said to be one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from budgets.models import Cycle, Phase, ProposalUpdate
from moderation.models import Moderated
from programme.reports import Period, PeriodSection, period_section_register


@dataclass(frozen=True)
class CycleActivity:
    """What a participatory-budget cycle did in a period."""

    cycle: Cycle
    phases: list[Phase]
    proposals: int
    updates: list[ProposalUpdate]


def overlapping(period: Period) -> Q:
    """Return the filter on phases that ran on a day of the period."""
    condition = Q(starts_on__lte=period.end)
    return condition & Q(ends_on__gte=period.start) if period.start else condition


def cycles_in_period(period: Period) -> list[CycleActivity]:
    """Return the published cycles with a phase in the period, their phases, proposals and updates; three queries."""
    phases = Phase.objects.filter(overlapping(period)).order_by("starts_on", "pk")
    published = Q(proposals__status=Moderated.Status.PUBLISHED)
    cycles = (
        Cycle.objects.published()
        .filter(phases__in=phases.values("pk"))
        .distinct()
        .annotate(
            period_proposals=Count(
                "proposals", filter=published & period.moments("proposals__created_at"), distinct=True
            )
        )
        .prefetch_related(Prefetch("phases", queryset=phases, to_attr="period_phases"))
        .order_by("-year", "slug")
    )
    cycles = list(cycles)
    updates = (
        ProposalUpdate.objects.filter(period.dates("date"))
        .filter(proposal__cycle__in=cycles, proposal__status=Moderated.Status.PUBLISHED)
        .select_related("proposal")
        .only("date", "text", "amount_spent", "proposal__id", "proposal__title", "proposal__cycle_id")
        .order_by("date", "pk")
    )
    by_cycle: dict[int, list[ProposalUpdate]] = {}
    for update in updates:
        by_cycle.setdefault(update.proposal.cycle_id, []).append(update)
    return [
        CycleActivity(
            cycle=cycle,
            phases=cycle.period_phases,
            proposals=cycle.period_proposals,
            updates=by_cycle.get(cycle.pk, []),
        )
        for cycle in cycles
    ]


def period_data(period: Period) -> dict:
    """Return what the session report shows of the participatory budget in the period."""
    return {"cycles": cycles_in_period(period)}


period_section_register(
    PeriodSection(name="budgets", template="budgets/pdf/_period.html", context=period_data, order=40)
)
