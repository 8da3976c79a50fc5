"""Reads of the citizen budget: a year's figures computed from its lines, its charts and calendar."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from budgets.charts import Chart, chart_build, share_percent
from budgets.models import BudgetLine, BudgetYear, GlossaryTerm
from programme.selectors import commune_get

Part = BudgetLine.Part
Direction = BudgetLine.Direction


def amount_sum(lines: list[BudgetLine]) -> Decimal:
    return sum((line.adopted for line in lines), Decimal(0))


def executed_sum(lines: list[BudgetLine]) -> Decimal | None:
    """Return the executed total of lines, or None unless every line's execution is known."""
    if not lines or any(line.executed is None for line in lines):
        return None
    return sum((line.executed for line in lines), Decimal(0))


@dataclass(frozen=True)
class PartFigures:
    part: str
    label: str
    revenue: Decimal
    expenditure: Decimal
    revenue_executed: Decimal | None
    expenditure_executed: Decimal | None

    @property
    def balance(self) -> Decimal:
        return self.revenue - self.expenditure


@dataclass(frozen=True)
class Figures:
    """A year's key figures, computed from its lines."""

    revenue: Decimal
    expenditure: Decimal
    revenue_executed: Decimal | None
    expenditure_executed: Decimal | None
    population: int | None
    parts: list[PartFigures]
    line_count: int

    @property
    def balance(self) -> Decimal:
        return self.revenue - self.expenditure

    @property
    def has_execution(self) -> bool:
        return self.expenditure_executed is not None or self.revenue_executed is not None

    @property
    def expenditure_execution_rate(self) -> Decimal | None:
        if self.expenditure_executed is None or not self.expenditure:
            return None
        return share_percent(self.expenditure_executed, self.expenditure)

    def per_inhabitant(self, amount: Decimal | None) -> Decimal | None:
        if amount is None or not self.population:
            return None
        return (amount / self.population).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def revenue_per_inhabitant(self) -> Decimal | None:
        return self.per_inhabitant(self.revenue)

    @property
    def expenditure_per_inhabitant(self) -> Decimal | None:
        return self.per_inhabitant(self.expenditure)


def figures_compute(lines: list[BudgetLine], *, population: int | None) -> Figures:
    """Return the key figures of a year's lines."""
    by_direction = {direction: [line for line in lines if line.direction == direction] for direction in Direction}
    parts = []
    for part in Part:
        revenue = [line for line in by_direction[Direction.REVENUE] if line.part == part]
        expenditure = [line for line in by_direction[Direction.EXPENDITURE] if line.part == part]
        parts.append(
            PartFigures(
                part=part.value,
                label=part.label,
                revenue=amount_sum(revenue),
                expenditure=amount_sum(expenditure),
                revenue_executed=executed_sum(revenue),
                expenditure_executed=executed_sum(expenditure),
            )
        )
    return Figures(
        revenue=amount_sum(by_direction[Direction.REVENUE]),
        expenditure=amount_sum(by_direction[Direction.EXPENDITURE]),
        revenue_executed=executed_sum(by_direction[Direction.REVENUE]),
        expenditure_executed=executed_sum(by_direction[Direction.EXPENDITURE]),
        population=population,
        parts=parts,
        line_count=len(lines),
    )


def change_percent(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """Return the change from previous to current in percent with one decimal, or None without a base."""
    if not previous:
        return None
    return (100 * (current - previous) / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """How a year's adopted totals compare with the previous year's."""

    previous_year: int
    revenue_percent: Decimal | None
    expenditure_percent: Decimal | None
    previous_revenue: Decimal
    previous_expenditure: Decimal


def change_compute(figures: Figures, previous: BudgetYear | None) -> Change | None:
    """Return the change on the previous year, from its prefetched lines, or None when it is not published."""
    if previous is None:
        return None
    previous_figures = figures_compute(list(previous.lines.all()), population=None)
    return Change(
        previous_year=previous.year,
        revenue_percent=change_percent(figures.revenue, previous_figures.revenue),
        expenditure_percent=change_percent(figures.expenditure, previous_figures.expenditure),
        previous_revenue=previous_figures.revenue,
        previous_expenditure=previous_figures.expenditure,
    )


def population_of(budget_year: BudgetYear, commune_population: int | None) -> int | None:
    """Return the population a year's figures per inhabitant use: the year's own, else the commune's."""
    return budget_year.population or commune_population


def years_with_lines() -> list[BudgetYear]:
    """Return the published years, latest first, each with its lines."""
    return list(BudgetYear.objects.published().prefetch_related("lines").order_by("-year"))


@dataclass(frozen=True)
class YearSummary:
    budget_year: BudgetYear
    figures: Figures
    change: Change | None


def year_list_data() -> dict:
    """Return the published years with their key figures and a chart of the expenditure by year."""
    commune = commune_get()
    years = years_with_lines()
    by_year = {budget_year.year: budget_year for budget_year in years}
    summaries = []
    for budget_year in years:
        figures = figures_compute(
            list(budget_year.lines.all()), population=population_of(budget_year, commune and commune.population)
        )
        summaries.append(
            YearSummary(
                budget_year=budget_year,
                figures=figures,
                change=change_compute(figures, by_year.get(budget_year.year - 1)),
            )
        )
    chart = chart_build(
        slug="years",
        title=_("Adopted expenditure by year"),
        label_heading=_("Year"),
        items=[
            (
                str(s.budget_year.year),
                str(s.budget_year.year),
                "",
                s.figures.expenditure,
                s.figures.expenditure_executed,
            )
            for s in reversed(summaries)
        ],
        rtl=get_language_bidi(),
        breakdown=False,
    )
    return {
        "summaries": summaries,
        "chart": chart,
        "has_demonstration": any(budget_year.is_demonstration for budget_year in years),
    }


def line_charts(lines: list[BudgetLine], figures: Figures, *, rtl: bool) -> list[Chart]:
    """Return the charts of a year: revenue by category, expenditure by category, and the two parts."""
    part_labels = {part.value: part.label for part in Part}

    def items(direction: str) -> list:
        return [
            (
                f"{line.part}-{line.code}",
                line.label,
                _("%(part)s part · code %(code)s") % {"part": part_labels[line.part], "code": line.code},
                line.adopted,
                line.executed,
            )
            for line in lines
            if line.direction == direction
        ]

    parts = []
    for part in figures.parts:
        parts.append(
            (
                f"{part.part}-revenue",
                capfirst(_("%(part)s: revenue") % {"part": part.label}),
                "",
                part.revenue,
                part.revenue_executed,
            )
        )
        parts.append(
            (
                f"{part.part}-expenditure",
                capfirst(_("%(part)s: expenditure") % {"part": part.label}),
                "",
                part.expenditure,
                part.expenditure_executed,
            )
        )
    return [
        chart_build(
            slug="revenue",
            title=_("Where the money comes from: revenue by category"),
            label_heading=_("Category"),
            items=items(Direction.REVENUE),
            rtl=rtl,
        ),
        chart_build(
            slug="expenditure",
            title=_("Where the money goes: expenditure by category"),
            label_heading=_("Category"),
            items=items(Direction.EXPENDITURE),
            rtl=rtl,
        ),
        chart_build(
            slug="parts",
            title=_("Revenue and expenditure of each part"),
            label_heading=_("Part"),
            items=parts,
            rtl=rtl,
            breakdown=False,
        ),
    ]


@dataclass(frozen=True)
class CalendarStep:
    key: str
    title: str
    description: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    note: str
    state: str  # "past", "current", "upcoming" or "unknown"


def step_state(starts_on: datetime.date | None, ends_on: datetime.date | None, today: datetime.date) -> str:
    if starts_on is None and ends_on is None:
        return "unknown"
    if (ends_on or starts_on) < today:
        return "past"
    if (starts_on or ends_on) <= today:
        return "current"
    return "upcoming"


def calendar_build(budget_year: BudgetYear, *, today: datetime.date) -> list[CalendarStep]:
    """Return the four steps of a year's budget: preparation, vote, execution and administrative account."""
    preparation_end = budget_year.adoption_date - datetime.timedelta(days=1) if budget_year.adoption_date else None
    steps = [
        (
            "preparation",
            _("Preparation"),
            _(
                "The president of the council prepares the draft budget with the commune's services, from the needs "
                "of the year to come and the expected revenue."
            ),
            budget_year.preparation_starts_on,
            preparation_end,
            "",
        ),
        (
            "vote",
            _("Vote at the October session"),
            _(
                "The council debates and votes the budget at its ordinary session of October, before the year starts; "
                "it then goes to the supervising authority for approval."
            ),
            budget_year.adoption_date,
            budget_year.adoption_date,
            budget_year.adoption_session,
        ),
        (
            "execution",
            _("Execution"),
            _("From January to December the commune collects the revenue and spends within the adopted amounts."),
            budget_year.execution_starts_on,
            budget_year.execution_ends_on,
            "",
        ),
        (
            "account",
            _("Administrative account"),
            _(
                "After the year closes, the council examines the administrative account: what was actually collected "
                "and spent."
            ),
            budget_year.administrative_account_on,
            budget_year.administrative_account_on,
            "" if budget_year.administrative_account_on else _("Date not known yet."),
        ),
    ]
    return [
        CalendarStep(
            key=key,
            title=title,
            description=description,
            starts_on=start,
            ends_on=end,
            note=note,
            state=step_state(start, end, today),
        )
        for key, title, description, start, end, note in steps
    ]


def year_get(year: int) -> BudgetYear:
    """Return a published year with its lines, or raise Http404."""
    try:
        return (
            BudgetYear.objects.published()
            .prefetch_related(
                Prefetch("lines", queryset=BudgetLine.objects.order_by("part", "direction", "position", "code"))
            )
            .get(year=year)
        )
    except BudgetYear.DoesNotExist:
        raise Http404("No such budget year.") from None


def year_detail_data(year: int) -> dict:
    """Return a year's budget: key figures, change on the previous year, charts, calendar and glossary."""
    budget_year = year_get(year)
    commune = commune_get()
    lines = list(budget_year.lines.all())
    figures = figures_compute(lines, population=population_of(budget_year, commune and commune.population))
    previous = BudgetYear.objects.published().filter(year=year - 1).prefetch_related("lines").first()
    years = list(BudgetYear.objects.published().order_by("year").values_list("year", flat=True))
    sections = [
        {
            "part": part,
            "direction": direction,
            "lines": [line for line in lines if line.part == part and line.direction == direction],
        }
        for part in Part
        for direction in Direction
    ]
    return {
        "budget_year": budget_year,
        "commune": commune,
        "figures": figures,
        "change": change_compute(figures, previous),
        "charts": line_charts(lines, figures, rtl=get_language_bidi()),
        "sections": sections,
        "calendar": calendar_build(budget_year, today=timezone.localdate()),
        "glossary": list(GlossaryTerm.objects.all()),
        "years": years,
        "population_is_the_communes": not budget_year.population,
    }
