"""Reads of citizen participation for the public pages and the moderation queue; fixed query counts.

Public reads never load contact details: e-mail addresses are deferred or left out of the columns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import Comment, Contribution, Round
from following.registry import Followed
from moderation.models import Moderated
from programme.models import Programme, Project
from programme.selectors import programme_get

RESULTS_PAGE_SIZE = 25
QUEUE_SIZE = 200


def rounds_for_listing(programme_id: int) -> QuerySet[Round]:
    """Return a programme's rounds with their meetings and their number of published contributions."""
    return (
        Round.objects.filter(programme_id=programme_id)
        .prefetch_related("meetings")
        .annotate(published_count=Count("contributions", filter=Q(contributions__status=Moderated.Status.PUBLISHED)))
        .order_by("number")
    )


# The list shows first what a citizen can take part in: open rounds, then those to come, then those closed.
STATUS_ORDER = {Round.Status.OPEN: 0, Round.Status.UPCOMING: 1, Round.Status.CLOSED: 2}


def round_list_data() -> dict:
    """Return the consultation rounds of the published programme, open ones first, then upcoming, then closed."""
    programme = programme_get()
    today = timezone.localdate()
    rounds = sorted(rounds_for_listing(programme.pk), key=lambda r: (STATUS_ORDER[r.status_on(today)], r.number))
    return {"programme": programme, "rounds": rounds}


def home_section_data(programme: Programme, today: datetime.date) -> dict:
    """Return the rounds open on day, the soonest to close first, and the next round to open; one query."""
    rounds = list(
        Round.objects.filter(programme=programme, opens_on__isnull=False)
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .annotate(published_count=Count("contributions", filter=Q(contributions__status=Moderated.Status.PUBLISHED)))
        .order_by("opens_on", "number")
    )
    open_rounds = sorted(
        (r for r in rounds if r.opens_on <= today), key=lambda r: (r.closes_on is None, r.closes_on or today, r.number)
    )
    upcoming = [r for r in rounds if r.opens_on > today]
    return {"open_rounds": open_rounds, "next_round": upcoming[0] if upcoming else None, "is_open": bool(open_rounds)}


def round_get(slug: str) -> Round:
    """Return a round of the published programme with its meetings, or raise Http404."""
    programme = programme_get()
    try:
        return rounds_for_listing(programme.pk).select_related("programme").get(slug=slug)
    except Round.DoesNotExist:
        raise Http404("No such consultation round.") from None


def round_detail_data(slug: str) -> dict:
    """Return a round with its meetings and the number of its published contributions."""
    consultation_round = round_get(slug)
    return {"round": consultation_round, "meetings": list(consultation_round.meetings.all())}


@dataclass(frozen=True)
class ChartRow:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class Chart:
    """Counts by one dimension, drawn as bars and read as a table."""

    slug: str
    caption: str
    label_heading: str
    rows: list[ChartRow]
    total: int


def chart_build(*, slug: str, caption: str, label_heading: str, counts: list[tuple[str, int]]) -> Chart:
    """Return a chart of the counts, each with its share of the total in whole percent."""
    total = sum(count for _label, count in counts)
    rows = [
        ChartRow(label=label, count=count, percent=(100 * count + total // 2) // total if total else 0)
        for label, count in counts
    ]
    return Chart(slug=slug, caption=caption, label_heading=label_heading, rows=rows, total=total)


def results_charts(consultation_round: Round) -> list[Chart]:
    """Return the published contributions of a round counted by axis, by channel and by outcome."""
    by_axis: dict[int | None, int] = {}
    by_channel: dict[str, int] = {}
    by_outcome: dict[str, int] = {}
    rows = (
        Contribution.objects.published()
        .filter(round=consultation_round)
        .rewrite(False)
        .values_list("axis_id", "channel", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for axis_id, channel, outcome, count in rows:
        by_axis[axis_id] = by_axis.get(axis_id, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
        by_outcome[outcome] = by_outcome.get(outcome, 0) + count
    axes = list(consultation_round.programme.axes.order_by("number"))
    axis_counts = [
        (_("Axis %(number)s: %(title)s") % {"number": axis.number, "title": axis.title}, by_axis.get(axis.pk, 0))
        for axis in axes
    ]
    axis_counts.append((_("No axis given"), by_axis.get(None, 0)))
    outcome_counts = [(label, by_outcome.get(value, 0)) for value, label in Contribution.Outcome.choices]
    outcome_counts.append((_("Awaiting an answer"), by_outcome.get("", 0)))
    return [
        chart_build(slug="axis", caption=_("Contributions by axis"), label_heading=_("Axis"), counts=axis_counts),
        chart_build(
            slug="channel",
            caption=_("Contributions by channel"),
            label_heading=_("Channel"),
            counts=[(label, by_channel.get(value, 0)) for value, label in Contribution.Channel.choices],
        ),
        chart_build(
            slug="outcome", caption=_("Contributions by outcome"), label_heading=_("Outcome"), counts=outcome_counts
        ),
    ]


def published_contributions(consultation_round: Round) -> QuerySet[Contribution]:
    """Return a round's published contributions with what their outcome names, without contact details."""
    return (
        Contribution.objects.published()
        .filter(round=consultation_round)
        .select_related("axis", "project", "outcome_project", "merged_into__round")
        .defer("email", "merged_into__email")
        .order_by("created_at", "pk")
    )


def round_results_data(slug: str, *, page: str | int | None = 1) -> dict:
    """Return what became of a round's contributions: the charts and one page of published contributions."""
    consultation_round = round_get(slug)
    contributions: Page = Paginator(published_contributions(consultation_round), RESULTS_PAGE_SIZE).get_page(page)
    return {
        "round": consultation_round,
        "charts": results_charts(consultation_round),
        "contributions": contributions,
    }


@dataclass(frozen=True)
class ShownText:
    """A text as the page shows it: in the visitor's language, or in the one it was given in, which is named."""

    text: str
    language: str = ""
    direction: str = "auto"
    # The visitor's language was not given: what the page says about the language the text is in.
    language_note: str = ""


@dataclass(frozen=True)
class PublicComment:
    pk: int
    text: str
    display_name: str
    created_at: datetime.datetime
    replies: list[PublicComment] = field(default_factory=list)
    # An official reply's text in each language it was given in, in the order of settings.LANGUAGES.
    translations: tuple[tuple[str, str], ...] = ()

    @property
    def submitted_on(self) -> datetime.date:
        return timezone.localdate(self.created_at)

    @property
    def shown(self) -> ShownText:
        """Return the text in the active language, else in the first language it was given in."""
        given = [(code, text) for code, text in self.translations if text]
        if not given:
            return ShownText(text=self.text)
        active = translation.get_language()
        code, text = next(((c, t) for c, t in given if c == active), given[0])
        notes = {
            "ar": _("The commune gave this reply in Arabic only."),
            "fr": _("The commune gave this reply in French only."),
        }
        return ShownText(
            text=text,
            language=code,
            direction="rtl" if translation.get_language_info(code)["bidi"] else "ltr",
            language_note=notes.get(code, "") if code != active else "",
        )


@dataclass(frozen=True)
class ShapingContribution:
    pk: int
    title: str
    text: str
    display_name: str
    created_at: datetime.datetime
    round_title: str
    round_slug: str
    answer: str

    @property
    def submitted_on(self) -> datetime.date:
        return timezone.localdate(self.created_at)


def project_participation_data(project: Project) -> dict:
    """Return a project's published comments with their official replies, and the contributions taken into it.

    Two queries, whatever the data; only public columns are read.
    """
    threads: dict[int, PublicComment] = {}
    replies: list[tuple[int, PublicComment]] = []
    languages = [code for code, _name in settings.LANGUAGES]
    comments = Comment.objects.public_thread(project).values_list(
        "pk",
        "parent_id",
        "text",
        "display_name",
        "created_at",
        "is_official",
        *(f"official_text_{code}" for code in languages),
    )
    for pk, parent, text, name, created, official, *official_texts in comments:
        if parent is None:
            threads[pk] = PublicComment(pk=pk, text=text, display_name=name, created_at=created)
        elif official:
            texts = tuple(zip(languages, (value or "" for value in official_texts), strict=True))
            replies.append(
                (parent, PublicComment(pk=pk, text=text, display_name="", created_at=created, translations=texts))
            )
    for parent, reply in replies:
        # A reply to a comment that is no longer published goes with it.
        if parent in threads:
            threads[parent].replies.append(reply)
    contributions = (
        Contribution.objects.published()
        .filter(outcome=Contribution.Outcome.TAKEN, outcome_project=project)
        .select_related("round")
        .defer("email")
        .order_by("created_at", "pk")
    )
    shaping = [
        ShapingContribution(
            pk=contribution.pk,
            title=contribution.title,
            text=contribution.text,
            display_name=contribution.display_name,
            created_at=contribution.created_at,
            round_title=contribution.round.title,
            round_slug=contribution.round.slug,
            answer=contribution.answer or "",
        )
        for contribution in contributions
    ]
    return {"comments": list(threads.values()), "shaping_contributions": shaping}


def moderation_queue_data() -> dict:
    """Return the contributions and comments awaiting a moderator, oldest first."""
    contributions = (
        Contribution.objects.for_review()
        .select_related("round", "axis", "project")
        .defer("email")
        .order_by("created_at", "pk")
    )
    comments = (
        Comment.objects.for_review()
        .select_related("project", "parent")
        .defer("email", "parent__email")
        .order_by("created_at", "pk")
    )
    return {
        "contributions": list(contributions[:QUEUE_SIZE]),
        "comments": list(comments[:QUEUE_SIZE]),
        "contribution_total": contributions.count(),
        "comment_total": comments.count(),
        "queue_size": QUEUE_SIZE,
        "today": timezone.localdate(),
    }


@dataclass(frozen=True)
class RoundEvent:
    """A round's digital consultation opening (opens) or having its last day (not opens) on day."""

    round: Round
    day: datetime.date
    opens: bool


def rounds_this_week(first: datetime.date, last: datetime.date) -> list[RoundEvent]:
    """Return the rounds whose digital consultation opens or has its last day from first to last, by day; one query."""
    rounds = Round.objects.filter(Q(opens_on__range=(first, last)) | Q(closes_on__range=(first, last))).order_by("pk")
    events = []
    for consultation_round in rounds:
        if consultation_round.opens_on and first <= consultation_round.opens_on <= last:
            events.append(RoundEvent(round=consultation_round, day=consultation_round.opens_on, opens=True))
        if consultation_round.closes_on and first <= consultation_round.closes_on <= last:
            events.append(RoundEvent(round=consultation_round, day=consultation_round.closes_on, opens=False))
    return sorted(events, key=lambda event: (event.day, not event.opens, event.round.number, event.round.pk))


def round_followed(ident: str) -> Followed | None:
    """Return the title and page of a consultation round, to follow it by e-mail."""
    found = Round.objects.filter(pk=int(ident)).only("pk", "slug", "title").first()
    return Followed(title=found.title, path=found.get_absolute_url()) if found else None


def rounds_opening(day: datetime.date) -> list[tuple[str, str, str]]:
    """Return the rounds whose digital window opened in the week up to day and is still open, to announce once."""
    rounds = Round.objects.accepting_contributions_on(day).filter(opens_on__gt=day - datetime.timedelta(days=7))
    return [(f"round:{found.pk}", "opened", f"{found.pk}:{found.opens_on}") for found in rounds.only("pk", "opens_on")]
