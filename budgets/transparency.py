"""What the citizen and participatory budgets publish through search, open data, feeds, the calendar, the sitemap.

Discovered by the transparency app (transparency/registry.py). Only published budget years and cycles appear,
and only the published proposals of a published cycle, without their author's name or e-mail. Votes appear nowhere
here: the cycle's page shows their counts once its results are public (budgets/selectors/participatory.py).
"""

from __future__ import annotations

import datetime
import re

from django.db.models import Count, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.models import BudgetLine, BudgetYear, Cycle, Phase, Proposal
from openmun.links import translated_urls
from transparency.opendata import admin_log_updated, translated
from transparency.registry import (
    CalendarEvent,
    CalendarSource,
    Dataset,
    FeedItem,
    FeedSource,
    Field,
    SearchDocument,
    SearchSource,
    SitemapSource,
    register_calendar,
    register_dataset,
    register_feed,
    register_search,
    register_sitemap,
)


def public_lines():
    return BudgetLine.objects.filter(year__is_published=True).select_related("year")


def public_proposals():
    return Proposal.objects.published().filter(cycle__is_published=True).defer("email", "display_name")


# Search


def line_document(line: BudgetLine) -> SearchDocument:
    part = line.get_part_display()
    direction = line.get_direction_display()
    return SearchDocument(
        title=f"{line.code} {line.label}",
        body=line.explanation,
        url=line.year.get_absolute_url() + "#lines-title",
        context=_("Budget %(year)s · %(part)s · %(direction)s")
        % {"year": line.year.year, "part": part, "direction": direction},
    )


register_search(
    SearchSource(
        kind="budget-line",
        label=gettext_lazy("Budget lines"),
        model=BudgetLine,
        order=50,
        queryset=public_lines,
        document=line_document,
        # Publishing a year (after its lines were imported in bulk) indexes its lines.
        related={"budgets.budgetyear": lambda year: BudgetLine.objects.filter(year=year).values_list("pk", flat=True)},
    )
)


def proposal_document(proposal: Proposal) -> SearchDocument:
    body = "\n".join(
        text for text in (proposal.description, proposal.neighbourhood, proposal.eligibility_reason) if text
    )
    return SearchDocument(
        title=proposal.title,
        body=body,
        url=proposal.get_absolute_url(),
        context=proposal.cycle.title,
        date=proposal.submitted_on,
    )


register_search(
    SearchSource(
        kind="proposal",
        label=gettext_lazy("Participatory budget proposals"),
        model=Proposal,
        order=60,
        queryset=lambda: public_proposals().select_related("cycle"),
        document=proposal_document,
        related={"budgets.cycle": lambda cycle: Proposal.objects.filter(cycle=cycle).values_list("pk", flat=True)},
    )
)


# Open data


def year_rows(years) -> list[dict]:
    return [
        {
            "year": y.year,
            "is_demonstration": y.is_demonstration,
            "population": y.population,
            "adoption_session": translated(y, "adoption_session"),
            "adoption_date": y.adoption_date,
            "administrative_account_on": y.administrative_account_on,
            "revenue_adopted": y.revenue_adopted or 0,
            "expenditure_adopted": y.expenditure_adopted or 0,
            "revenue_executed": y.revenue_executed,
            "expenditure_executed": y.expenditure_executed,
            "line_count": y.line_count,
            "introduction": translated(y, "introduction"),
            "notes": translated(y, "notes"),
            "url": translated_urls(y),
        }
        for y in years
    ]


def sum_of(field: str, direction: str):
    return Sum(f"lines__{field}", filter=Q(lines__direction=direction))


register_dataset(
    Dataset(
        slug="budget-years",
        order=70,
        key="year",
        lookup="year",
        title=gettext_lazy("Budget years"),
        description=gettext_lazy("The published years of the commune's budget with their adopted and executed totals."),
        fields=(
            Field("year", "integer", gettext_lazy("The year: its stable identifier.")),
            Field(
                "is_demonstration", "boolean", gettext_lazy("True when the figures are invented for a demonstration.")
            ),
            Field(
                "population",
                "integer",
                gettext_lazy("Population used for the figures per inhabitant; null for the commune's."),
                nullable=True,
            ),
            Field("adoption_session", "translated", gettext_lazy("Session that voted the budget.")),
            Field("adoption_date", "string", gettext_lazy("Vote date."), nullable=True, format="date"),
            Field(
                "administrative_account_on",
                "string",
                gettext_lazy("When the council examines the account of its execution."),
                nullable=True,
                format="date",
            ),
            Field("revenue_adopted", "number", gettext_lazy("Adopted revenue, in dirhams.")),
            Field("expenditure_adopted", "number", gettext_lazy("Adopted expenditure, in dirhams.")),
            Field(
                "revenue_executed",
                "number",
                gettext_lazy("Executed revenue, in dirhams; null until known."),
                nullable=True,
            ),
            Field(
                "expenditure_executed",
                "number",
                gettext_lazy("Executed expenditure, in dirhams; null until known."),
                nullable=True,
            ),
            Field("line_count", "integer", gettext_lazy("Number of budget lines (dataset budget-lines).")),
            Field("introduction", "translated", gettext_lazy("Introduction in plain words.")),
            Field("notes", "translated", gettext_lazy("Sources and caveats.")),
            Field(
                "url",
                "translated",
                gettext_lazy("Address of its page on the portal, in each language."),
                format="uri",
            ),
        ),
        queryset=lambda: (
            BudgetYear.objects.published()
            .annotate(
                revenue_adopted=sum_of("adopted", "revenue"),
                expenditure_adopted=sum_of("adopted", "expenditure"),
                revenue_executed=sum_of("executed", "revenue"),
                expenditure_executed=sum_of("executed", "expenditure"),
                line_count=Count("lines"),
            )
            .order_by("year")
        ),
        rows=year_rows,
        updated=lambda: admin_log_updated(BudgetYear, BudgetLine),
    )
)


LINE_YEAR = re.compile(r"[0-9]{4}")
CODE_LENGTH = BudgetLine._meta.get_field("code").max_length


def line_key(line: BudgetLine) -> str:
    return f"{line.year.year}-{line.part}-{line.direction}-{line.code}"


def line_lookup(queryset, key: str):
    """Find a line by its identifier year-part-direction-code (the code may itself contain dashes)."""
    parts = key.split("-", 3)
    if len(parts) != 4:
        return queryset.none()
    year, part, direction, code = parts
    # Checked before the query: "²".isdigit() is true but int() refuses it, and PostgreSQL refuses an integer out
    # of range (a year has four digits).
    if not LINE_YEAR.fullmatch(year) or part not in BudgetLine.Part.values:
        return queryset.none()
    if direction not in BudgetLine.Direction.values or not code or len(code) > CODE_LENGTH:
        return queryset.none()
    return queryset.filter(year__year=int(year), part=part, direction=direction, code=code)


def line_rows(lines) -> list[dict]:
    return [
        {
            "id": line_key(line),
            "year": line.year.year,
            "part": line.part,
            "direction": line.direction,
            "code": line.code,
            "position": line.position,
            "label": translated(line, "label"),
            "explanation": translated(line, "explanation"),
            "adopted": line.adopted,
            "executed": line.executed,
        }
        for line in lines
    ]


register_dataset(
    Dataset(
        slug="budget-lines",
        order=80,
        key="id",
        lookup=line_lookup,
        title=gettext_lazy("Budget lines"),
        description=gettext_lazy(
            "Every line of the published budget years: revenue and expenditure by category, adopted and executed."
        ),
        fields=(
            Field("id", "string", gettext_lazy("Stable identifier: year-part-direction-code.")),
            Field("year", "integer", gettext_lazy("Budget year.")),
            Field("part", "string", gettext_lazy("Part of the budget."), enum=tuple(BudgetLine.Part.values)),
            Field(
                "direction", "string", gettext_lazy("Revenue or expenditure."), enum=tuple(BudgetLine.Direction.values)
            ),
            Field("code", "string", gettext_lazy("Code of the category in the budget nomenclature.")),
            Field("position", "integer", gettext_lazy("Order within its part and direction.")),
            Field("label", "translated", gettext_lazy("Label.")),
            Field("explanation", "translated", gettext_lazy("What the category covers, in plain words.")),
            Field("adopted", "number", gettext_lazy("Adopted amount, in dirhams.")),
            Field("executed", "number", gettext_lazy("Executed amount, in dirhams; null until known."), nullable=True),
        ),
        queryset=lambda: public_lines().order_by("year__year", "part", "direction", "position", "code", "pk"),
        rows=line_rows,
        updated=lambda: admin_log_updated(BudgetYear, BudgetLine),
    )
)


def cycle_rows(cycles) -> list[dict]:
    return [
        {
            "slug": c.slug,
            "year": c.year,
            "title": translated(c, "title"),
            "envelope": c.envelope,
            "is_demonstration": c.is_demonstration,
            "phases": [{"kind": p.kind, "starts_on": p.starts_on, "ends_on": p.ends_on} for p in c.phases.all()],
            "published_proposals": c.proposal_count,
            "eligible_proposals": c.eligible_count,
            "url": translated_urls(c),
        }
        for c in cycles
    ]


register_dataset(
    Dataset(
        slug="participatory-cycles",
        order=90,
        key="slug",
        lookup="slug",
        title=gettext_lazy("Participatory budget cycles"),
        description=gettext_lazy(
            "The published cycles of the participatory budget, their envelope and phases, and how "
            "many proposals were published and found eligible."
        ),
        fields=(
            Field("slug", "string", gettext_lazy("Stable identifier of the cycle.")),
            Field("year", "integer", gettext_lazy("Year of the cycle.")),
            Field("title", "translated", gettext_lazy("Title.")),
            Field("envelope", "number", gettext_lazy("Envelope citizens decide on, in dirhams.")),
            Field("is_demonstration", "boolean", gettext_lazy("True when the cycle is invented for a demonstration.")),
            Field(
                "phases",
                "array",
                gettext_lazy("Dated phases."),
                items=(
                    Field("kind", "string", gettext_lazy("Phase."), enum=tuple(Phase.Kind.values)),
                    Field("starts_on", "string", gettext_lazy("First day."), format="date"),
                    Field("ends_on", "string", gettext_lazy("Last day."), format="date"),
                ),
            ),
            Field("published_proposals", "integer", gettext_lazy("Proposals published.")),
            Field("eligible_proposals", "integer", gettext_lazy("Published proposals found eligible.")),
            Field(
                "url",
                "translated",
                gettext_lazy("Address of its page on the portal, in each language."),
                format="uri",
            ),
        ),
        queryset=lambda: (
            Cycle.objects.published()
            .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "pk")))
            .annotate(
                proposal_count=Count("proposals", filter=Q(proposals__status=Proposal.Status.PUBLISHED)),
                eligible_count=Count(
                    "proposals",
                    filter=Q(
                        proposals__status=Proposal.Status.PUBLISHED,
                        proposals__eligibility=Proposal.Eligibility.ELIGIBLE,
                    ),
                ),
            )
            .order_by("year", "slug")
        ),
        rows=cycle_rows,
        updated=lambda: admin_log_updated(Cycle, Phase, Proposal),
    )
)


# Feeds and calendar


def phase_title(phase: Phase) -> str:
    return _("%(cycle)s: %(phase)s phase") % {"cycle": phase.cycle.title, "phase": phase.get_kind_display()}


def phase_items(limit: int) -> list[FeedItem]:
    today = timezone.localdate()
    phases = (
        Phase.objects.filter(cycle__is_published=True, starts_on__lte=today)
        .select_related("cycle")
        .order_by("-starts_on", "-pk")[:limit]
    )
    return [
        FeedItem(
            title=phase_title(phase),
            description=phase.description,
            url=phase.cycle.get_absolute_url(),
            guid=f"budget-phase-{phase.pk}",
            date=timezone.make_aware(datetime.datetime.combine(phase.starts_on, datetime.time.min)),
        )
        for phase in phases
    ]


register_feed(
    FeedSource(
        slug="participatory-budget", order=40, title=gettext_lazy("Participatory budget phases"), items=phase_items
    )
)


def phase_events() -> list[CalendarEvent]:
    return [
        CalendarEvent(
            uid=f"budget-phase-{phase.pk}",
            summary=phase_title(phase),
            start=phase.starts_on,
            end=phase.ends_on,
            url=phase.cycle.get_absolute_url(),
            description=phase.description,
        )
        for phase in Phase.objects.filter(cycle__is_published=True).select_related("cycle").order_by("starts_on", "pk")
    ]


register_calendar(
    CalendarSource(
        slug="participatory-budget", order=40, title=gettext_lazy("Participatory budget"), events=phase_events
    )
)


# Sitemap

register_sitemap(SitemapSource(slug="budget-pages", items=lambda: ["budgets:year-list", "budgets:cycle-list"]))
register_sitemap(SitemapSource(slug="budget-years", items=lambda: BudgetYear.objects.published().order_by("year")))
register_sitemap(
    SitemapSource(slug="participatory-cycles", items=lambda: Cycle.objects.published().order_by("year", "slug"))
)
register_sitemap(
    SitemapSource(
        slug="participatory-proposals", items=lambda: public_proposals().select_related("cycle").order_by("pk")
    )
)
