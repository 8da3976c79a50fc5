"""What citizen participation publishes through search, open data, feeds, the calendar and the sitemap.

Discovered by the transparency app (transparency/registry.py). Only published contributions are searchable, and
never with their author's name or e-mail address; the open data gives each round's counts, not the
contributions themselves.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.models import Contribution, Meeting, Round
from consultations.selectors import RESULTS_PAGE_SIZE
from following.registry import target_key
from following.selectors import follower_counts
from moderation.models import Moderated
from openmun.links import translated_urls
from programme.models import Programme
from transparency.opendata import translated
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

PUBLISHED = Moderated.Status.PUBLISHED


# Search


def contribution_url(contribution: Contribution) -> str:
    """Return the address of a published contribution on its round's results, on the page that lists it."""
    earlier = (
        Contribution.objects.published()
        .filter(round_id=contribution.round_id)
        .filter(
            Q(created_at__lt=contribution.created_at) | Q(created_at=contribution.created_at, pk__lt=contribution.pk)
        )
        .count()
    )
    page = earlier // RESULTS_PAGE_SIZE + 1
    url = reverse("consultations:round-results", kwargs={"slug": contribution.round.slug})
    return f"{url}{f'?page={page}' if page > 1 else ''}#contribution-{contribution.pk}"


def contribution_document(contribution: Contribution) -> SearchDocument:
    title = contribution.title or _("Contribution %(number)s") % {"number": contribution.pk}
    body = "\n".join(text for text in (contribution.text, contribution.answer) if text)
    return SearchDocument(
        title=title,
        body=body,
        url=contribution_url(contribution),
        context=contribution.round.title,
        date=contribution.submitted_on,
    )


register_search(
    SearchSource(
        kind="contribution",
        label=gettext_lazy("Citizens' contributions"),
        model=Contribution,
        order=30,
        # Public columns only: the name and the e-mail address are never read.
        queryset=lambda: Contribution.objects.published().select_related("round").defer("email", "display_name"),
        document=contribution_document,
        related={"consultations.round": lambda r: Contribution.objects.filter(round=r).values_list("pk", flat=True)},
    )
)


# Open data

OUTCOMES = ("taken", "merged", "not_retained", "out_of_scope")


def round_rows(rounds) -> list[dict]:
    rounds = list(rounds)
    followers = follower_counts(target_key("round", r.pk) for r in rounds)
    return [
        {
            "slug": r.slug,
            "number": r.number,
            "kind": r.kind,
            "title": translated(r, "title"),
            "description": translated(r, "description"),
            "opens_on": r.opens_on,
            "closes_on": r.closes_on,
            "external_platform": translated(r, "external_platform"),
            "external_participation_count": r.external_participation_count,
            "published_contributions": r.published_count,
            **{f"outcome_{outcome}": getattr(r, f"outcome_{outcome}") for outcome in OUTCOMES},
            "outcome_awaiting": r.outcome_awaiting,
            "outcome_summary": translated(r, "outcome_summary"),
            "meetings": [
                {
                    "date": meeting.date,
                    "title": translated(meeting, "title"),
                    "place": translated(meeting, "place"),
                    "participant_count": meeting.participant_count,
                    "women_count": meeting.women_count,
                    "men_count": meeting.men_count,
                    "youth_count": meeting.youth_count,
                }
                for meeting in r.meetings.all()
            ],
            "follower_count": followers[target_key("round", r.pk)],
            "url": translated_urls(r),
        }
        for r in rounds
    ]


def rounds_queryset():
    published = Q(contributions__status=PUBLISHED)
    return (
        Round.objects.prefetch_related("meetings")
        .annotate(
            published_count=Count("contributions", filter=published),
            **{
                f"outcome_{outcome}": Count("contributions", filter=published & Q(contributions__outcome=outcome))
                for outcome in OUTCOMES
            },
            outcome_awaiting=Count("contributions", filter=published & Q(contributions__outcome="")),
        )
        .order_by("programme_id", "number")
    )


def rounds_updated() -> datetime.datetime | None:
    dates = Contribution.objects.published().aggregate(
        created=Max("created_at"), moderated=Max("moderated_at"), answered=Max("answered_at")
    )
    return max((date for date in dates.values() if date), default=None)


def count_field(name: str, description) -> Field:
    return Field(name, "integer", description)


register_dataset(
    Dataset(
        slug="consultation-rounds",
        order=40,
        key="slug",
        lookup="slug",
        title=gettext_lazy("Consultation rounds"),
        description=gettext_lazy(
            "The rounds of citizen participation, their meetings, and what became of the published "
            "contributions (counts by outcome)."
        ),
        fields=(
            Field("slug", "string", gettext_lazy("Stable identifier of the round.")),
            Field("number", "integer", gettext_lazy("Number of the round.")),
            Field(
                "kind",
                "string",
                gettext_lazy("Kind: ideas (collecting ideas) or draft (consultation on a draft)."),
                enum=tuple(Round.Kind.values),
            ),
            Field("title", "translated", gettext_lazy("Title, in Arabic and French.")),
            Field("description", "translated", gettext_lazy("Description.")),
            Field(
                "opens_on",
                "string",
                gettext_lazy("First day of the digital consultation; null when not known."),
                nullable=True,
                format="date",
            ),
            Field(
                "closes_on",
                "string",
                gettext_lazy("Last day of the digital consultation; null when open-ended."),
                nullable=True,
                format="date",
            ),
            Field("external_platform", "translated", gettext_lazy("Other platform where participation was gathered.")),
            Field(
                "external_participation_count",
                "integer",
                gettext_lazy("Participations gathered on that platform; null when not known."),
                nullable=True,
            ),
            count_field("published_contributions", gettext_lazy("Contributions published on this portal.")),
            count_field("outcome_taken", gettext_lazy("Published contributions taken into a project.")),
            count_field("outcome_merged", gettext_lazy("Published contributions merged with another.")),
            count_field("outcome_not_retained", gettext_lazy("Published contributions not retained, with a reason.")),
            count_field(
                "outcome_out_of_scope", gettext_lazy("Published contributions outside the commune's competences.")
            ),
            count_field("outcome_awaiting", gettext_lazy("Published contributions awaiting an answer.")),
            Field("outcome_summary", "translated", gettext_lazy("The commune's summary of the outcome.")),
            Field(
                "meetings",
                "array",
                gettext_lazy("In-person meetings of the round."),
                items=(
                    Field("date", "string", gettext_lazy("Date."), format="date"),
                    Field("title", "translated", gettext_lazy("Title.")),
                    Field("place", "translated", gettext_lazy("Place.")),
                    Field(
                        "participant_count",
                        "integer",
                        gettext_lazy("Participants; null when not known."),
                        nullable=True,
                    ),
                    Field(
                        "women_count", "integer", gettext_lazy("Women among them; null when not known."), nullable=True
                    ),
                    Field("men_count", "integer", gettext_lazy("Men among them; null when not known."), nullable=True),
                    Field(
                        "youth_count",
                        "integer",
                        gettext_lazy("Young people among them; null when not known."),
                        nullable=True,
                    ),
                ),
            ),
            Field(
                "follower_count",
                "integer",
                gettext_lazy("Number of confirmed e-mail followers of its page; their addresses are never published."),
            ),
            Field(
                "url",
                "translated",
                gettext_lazy("Address of its page on the portal, in each language."),
                format="uri",
            ),
        ),
        queryset=rounds_queryset,
        rows=round_rows,
        updated=rounds_updated,
    )
)


# Feeds


def round_items(limit: int) -> list[FeedItem]:
    rounds = Round.objects.filter(opens_on__isnull=False).order_by("-opens_on", "-pk")[:limit]
    return [
        FeedItem(
            title=_("Consultation opens: %(title)s") % {"title": r.title},
            description=r.description,
            url=r.get_absolute_url(),
            guid=f"consultation-round-{r.pk}-opens",
            date=timezone.make_aware(datetime.datetime.combine(r.opens_on, datetime.time.min)),
        )
        for r in rounds
    ]


register_feed(FeedSource(slug="rounds", order=30, title=gettext_lazy("Consultation rounds opening"), items=round_items))


# Calendar


def consultation_events() -> list[CalendarEvent]:
    events = []
    for r in Round.objects.filter(opens_on__isnull=False).order_by("opens_on", "pk"):
        events.append(
            CalendarEvent(
                uid=f"consultation-round-{r.pk}-window",
                summary=_("Digital consultation: %(title)s") % {"title": r.title},
                start=r.opens_on,
                end=r.closes_on or r.opens_on,
                url=r.get_absolute_url(),
                description=r.description,
            )
        )
    for meeting in Meeting.objects.select_related("round").order_by("date", "pk"):
        events.append(
            CalendarEvent(
                uid=f"consultation-meeting-{meeting.pk}",
                summary=meeting.title or _("Consultation meeting: %(title)s") % {"title": meeting.round.title},
                start=meeting.date,
                end=meeting.date,
                url=meeting.round.get_absolute_url(),
                description=meeting.place,
            )
        )
    return events


register_calendar(
    CalendarSource(
        slug="consultations", order=30, title=gettext_lazy("Citizen participation"), events=consultation_events
    )
)


# Sitemap

register_sitemap(SitemapSource(slug="consultation-pages", items=lambda: ["consultations:round-list"]))


def published_rounds():
    """Return the rounds of the programme the portal publishes (those of an older one have no page)."""
    return Round.objects.filter(programme=Programme.objects.current()).order_by("number")


register_sitemap(SitemapSource(slug="consultation-rounds", items=published_rounds))
register_sitemap(
    SitemapSource(
        slug="consultation-results",
        items=lambda: [
            ("consultations:round-results", {"slug": item.slug}) for item in published_rounds().only("slug")
        ],
    )
)
