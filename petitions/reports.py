"""Petitions in the session report (programme/reports.py), and the council session the programme is printed for.

- the steps of published petitions dated in the period (PetitionEvent), never who signed or filed them;
- each council session's report: the period since the previous session, with the session's agenda after the
  sections (the petitions accepted for it and staff's items), at /<language>/council/<session>/report.pdf;
- the next ordinary session of the council's calendar, which the printed programme names when staff choose none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from openmun.pdf import PdfFile
from petitions.models import CouncilSession, Petition, PetitionEvent
from petitions.selectors import council_session_detail_data
from programme.pdf import period_report_get
from programme.reports import Period, PeriodSection, next_session_source_register, period_section_register

# What the public timeline of a petition leaves out: its pre-check.
HIDDEN_ACTIONS = [PetitionEvent.Action.NOT_ADMITTED]


def next_ordinary_session_label(day: datetime.date) -> str:
    """Return the title of the ordinary session held on day or the next one, in the active language, or ""."""
    session = CouncilSession.objects.ordinary().upcoming(day).first()
    return session.title if session else ""


@dataclass(frozen=True)
class StepCount:
    action: str
    label: str
    count: int


def petition_steps_in(period: Period) -> list[PetitionEvent]:
    """Return the steps of published petitions dated in the period, with their petition's public fields; one query."""
    return list(
        PetitionEvent.objects.filter(period.dates("date"))
        .filter(petition__status=Petition.Status.PUBLISHED, petition__published_on__isnull=False)
        .exclude(action__in=HIDDEN_ACTIONS)
        .select_related("petition")
        .only("date", "action", "recorded_at", "petition__id", "petition__title", "petition__language")
        .order_by("date", "recorded_at", "pk")
    )


def period_data(period: Period) -> dict:
    """Return what the session report shows of the petitions in the period: their steps and how many of each."""
    steps = petition_steps_in(period)
    counts = {action: sum(step.action == action for step in steps) for action in PetitionEvent.Action.values}
    return {
        "steps": steps,
        "step_counts": [
            StepCount(action=action, label=label, count=counts[action])
            for action, label in PetitionEvent.Action.choices
            if counts[action]
        ],
        "petition_count": len({step.petition_id for step in steps}),
    }


period_section_register(
    PeriodSection(name="petitions", template="petitions/pdf/_period.html", context=period_data, order=30)
)
next_session_source_register(next_ordinary_session_label)


def session_period(session: CouncilSession) -> Period:
    """Return the days between the previous session (of either kind) and this one, both excluded."""
    previous = (
        CouncilSession.objects.filter(
            Q(period_start__lt=session.period_start) | Q(period_start=session.period_start, pk__lt=session.pk)
        )
        .order_by("-period_start", "-pk")
        .first()
    )
    start = previous.last_day + datetime.timedelta(days=1) if previous else None
    return Period(start=start, end=session.first_day - datetime.timedelta(days=1))


def session_agenda_html(session: CouncilSession) -> str:
    """Return the session's agenda as the report prints it, in the active language."""
    return render_to_string("petitions/pdf/_agenda.html", council_session_detail_data(session.slug))


def session_report_get(session: CouncilSession, *, language: str) -> PdfFile:
    """Return the report of what happened before the session, in the language, rendered once per printed text."""
    return period_report_get(
        period=session_period(session),
        language=language,
        session_key=f"council:{session.pk}:{session.slug}",
        session_label=session_title(session, language),
        filename=f"council-{session.slug}-report-{language}.pdf",
        appendix=lambda: session_agenda_html(session),
    )


def session_title(session: CouncilSession, language: str) -> str:
    """Return the session's title in the language."""
    with translation.override(language):
        return str(session.title)
