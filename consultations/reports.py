"""What the consultation rounds did in a period, for the session report (programme/reports.py).

A round is reported when its digital window or one of its meetings falls in the period, or when contributions were
received or answered in it. Only published contributions are counted, and never who wrote them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from consultations.models import Contribution, Meeting, Round
from moderation.models import Moderated
from programme.reports import Period, PeriodSection, period_section_register


@dataclass(frozen=True)
class OutcomeCount:
    label: str
    count: int


@dataclass(frozen=True)
class RoundActivity:
    """What a consultation round did in a period."""

    round: Round
    window_in_period: bool
    meetings: list[Meeting]
    received: int
    answered: int
    outcomes: list[OutcomeCount]

    @property
    def participants(self) -> int | None:
        """Return the participants of the period's meetings where the number is known, else None."""
        counts = [m.participant_count for m in self.meetings if m.participant_count is not None]
        return sum(counts) if counts else None


def window_in(round_: Round, period: Period) -> bool:
    """Return whether the round's digital window was open on a day of the period."""
    if round_.opens_on is None or round_.opens_on > period.end:
        return False
    return period.start is None or round_.closes_on is None or round_.closes_on >= period.start


def rounds_in_period(period: Period) -> list[RoundActivity]:
    """Return the rounds with something in the period, their meetings and their counts; two queries."""
    published = Q(contributions__status=Moderated.Status.PUBLISHED)
    answered = published & ~Q(contributions__outcome="") & period.moments("contributions__answered_at")
    outcomes = {
        f"answered_{value}": Count("contributions", filter=answered & Q(contributions__outcome=value), distinct=True)
        for value in Contribution.Outcome.values
    }
    rounds = (
        Round.objects.annotate(
            received=Count(
                "contributions", filter=published & period.moments("contributions__created_at"), distinct=True
            ),
            answered=Count("contributions", filter=answered, distinct=True),
            **outcomes,
        )
        .prefetch_related(
            Prefetch("meetings", queryset=Meeting.objects.filter(period.dates("date")), to_attr="period_meetings")
        )
        .order_by("programme", "number")
    )
    activity = []
    for round_ in rounds:
        item = RoundActivity(
            round=round_,
            window_in_period=window_in(round_, period),
            meetings=round_.period_meetings,
            received=round_.received,
            answered=round_.answered,
            outcomes=[
                OutcomeCount(label=label, count=getattr(round_, f"answered_{value}"))
                for value, label in Contribution.Outcome.choices
                if getattr(round_, f"answered_{value}")
            ],
        )
        if item.window_in_period or item.meetings or item.received or item.answered:
            activity.append(item)
    return activity


def period_data(period: Period) -> dict:
    """Return what the session report shows of the consultations in the period."""
    rounds = rounds_in_period(period)
    return {
        "rounds": rounds,
        "received": sum(item.received for item in rounds),
        "answered": sum(item.answered for item in rounds),
    }


period_section_register(
    PeriodSection(name="consultations", template="consultations/pdf/_period.html", context=period_data, order=20)
)
