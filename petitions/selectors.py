"""Reads of petitions and council sessions for the public and staff pages; each costs a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Window
from django.http import Http404
from django.utils import timezone

from following.registry import Followed
from openmun.cache import kept_per_version_by_key
from openmun.ical import CalendarEvent
from petitions.models import AgendaItem, CouncilSession, Petition, PetitionEvent, Support, months_add
from programme.models import Commune, Programme
from programme.selectors import commune_get

PAGE_SIZE = 20
# Petitions gathering support that the home page shows; it counts them all and links to the others.
HOME_PETITIONS = 3
# What the public list can be filtered by: every state a published petition can be in.
PUBLIC_STATES = [
    Petition.State.PUBLISHED,
    Petition.State.DEPOSITED,
    Petition.State.UNDER_REVIEW,
    Petition.State.ACCEPTED,
    Petition.State.REFUSED,
    Petition.State.DELIBERATED,
    Petition.State.WITHDRAWN,
]


def signature_threshold_get(commune: Commune | None = None) -> int:
    """Return the signatures a citizens' petition needs, from the commune's population and arrondissements.

    Organic Law 113-14, article 125: 100 in communes under 35 000 inhabitants, 200 in the others, 400 in
    communes with arrondissements. An unknown population counts as a commune of 35 000 or more.
    """
    thresholds = settings.OPENMUN_PETITION_THRESHOLDS
    commune = commune if commune is not None else commune_get()
    if commune is not None and commune.has_arrondissements:
        return thresholds["with_arrondissements"]
    if commune is not None and commune.population is not None and commune.population < thresholds["population_limit"]:
        return thresholds["below_limit"]
    return thresholds["above_limit"]


@dataclass(frozen=True)
class StateFilter:
    value: str
    label: str
    count: int
    current: bool


def petition_list_data(*, state: str = "", page: str | int | None = None) -> dict:
    """Return a page of the published petitions, newest first, optionally in one state, with the filters."""
    public = Petition.objects.public()
    counts = dict(public.values_list("state").annotate(count=Count("pk")).order_by())
    if state not in PUBLIC_STATES:
        state = ""
    petitions = (
        public.select_related("session")
        .defer("contact_email", "contact_phone", "reasons", "moderation_reason")
        .order_by("-published_on", "-pk")
    )
    if state:
        petitions = petitions.filter(state=state)
    filters = [StateFilter(value="", label="", count=sum(counts.values()), current=not state)]
    filters += [
        StateFilter(value=value, label=Petition.State(value).label, count=counts.get(value, 0), current=value == state)
        for value in PUBLIC_STATES
    ]
    paginator = Paginator(petitions, PAGE_SIZE)
    return {"page": paginator.get_page(page), "filters": filters, "state": state}


def home_section_data(programme: Programme, today: datetime.date) -> dict:
    """Return the newest petitions gathering support and how many gather it in all; one query."""
    petitions = list(
        Petition.objects.public()
        # A petition filed on paper has its signatures on paper: it gathers no support online.
        .filter(state=Petition.State.PUBLISHED, channel=Petition.Channel.ONLINE)
        .defer("contact_email", "contact_phone", "reasons", "request", "moderation_reason")
        # How many gather support, counted in the same query as the newest ones.
        .annotate(gathering_count=Window(Count("pk")))
        .order_by("-published_on", "-pk")[:HOME_PETITIONS]
    )
    return {
        "petitions": petitions,
        "gathering_count": petitions[0].gathering_count if petitions else 0,
        "is_open": bool(petitions),
    }


def home_council_data(programme: Programme, today: datetime.date) -> dict:
    """Return the council session being held on day or the next one to come; one query."""
    session = CouncilSession.objects.upcoming(today).first()
    return {"session": session, "in_session": session is not None and session.first_day <= today <= session.last_day}


def petition_get_public(pk: int) -> Petition:
    """Return a published petition with its session, or raise Http404."""
    try:
        return Petition.objects.public().select_related("session").defer("contact_email", "contact_phone").get(pk=pk)
    except Petition.DoesNotExist:
        raise Http404("No such petition.") from None


# The petitions a process keeps for the supports' requests: a peak is about one petition, or a few.
PETITIONS_KEPT = 32


@kept_per_version_by_key(PETITIONS_KEPT)
def petition_get_public_kept(pk: int) -> Petition:
    """Return a published petition as petition_get_public does, read once per content version in each process.

    For the requests of online support (the form sent, the link opened and pressed), hundreds a second at a peak:
    they do not read the petition's row each time. Its count is as a cached page shows it, up to a burst's refresh
    late (openmun.cache.counts_changed); what counts a support is the service's conditional UPDATE, not this copy.
    """
    return petition_get_public(pk)


def petition_detail_data(pk: int, *, petition: Petition | None = None) -> dict:
    """Return a published petition with its public timeline, or raise Http404; petition when already read."""
    petition = petition or petition_get_public(pk)
    events = list(
        petition.events.exclude(action=PetitionEvent.Action.NOT_ADMITTED).order_by("date", "recorded_at", "pk")
    )
    today = timezone.localdate()
    days = petition.days_to_deadline_on(today)
    return {
        "petition": petition,
        "events": events,
        "today": today,
        "notice_state": petition.notice_state_on(today),
        "days_left": max(days, 0) if days is not None else None,
        "days_overdue": max(-days, 0) if days is not None else None,
    }


def support_for_token(support_id: int) -> Support | None:
    """Return the support a confirmation link names, or None when it no longer exists; raise Http404 when its petition
    is not published.

    The petition comes from petition_get_public_kept, the support's row alone from the database: a query without
    the petition's columns, and without ordering, which for a single row would only sort.
    """
    found = list(Support.objects.filter(pk=support_id).order_by()[:1])
    if not found:
        return None
    [support] = found
    support.petition = petition_get_public_kept(support.petition_id)
    return support


def supporters_for_export(petition: Petition) -> QuerySet[Support]:
    """Return a petition's confirmed supporters in the order they confirmed."""
    return petition.supports.confirmed().order_by("confirmed_at", "pk")


def _with_agenda_counts(sessions: QuerySet[CouncilSession]) -> QuerySet[CouncilSession]:
    return sessions.annotate(
        item_count=Count("agenda_items", distinct=True),
        petition_count=Count(
            "petitions",
            filter=Q(
                petitions__status=Petition.Status.PUBLISHED,
                petitions__published_on__isnull=False,
                petitions__state__in=[Petition.State.ACCEPTED, Petition.State.DELIBERATED],
            ),
            distinct=True,
        ),
    )


def council_session_list_data(*, today: datetime.date | None = None) -> dict:
    """Return the council's sessions to come and those held, with the size of their agendas."""
    today = today or timezone.localdate()
    sessions = _with_agenda_counts(CouncilSession.objects.all())
    return {
        "upcoming": list(sessions.upcoming(today)),
        "past": list(sessions.past(today)),
        "today": today,
    }


def council_session_detail_data(slug: str) -> dict:
    """Return a session with the agenda items known to the portal: accepted petitions and staff's items."""
    try:
        session = CouncilSession.objects.get(slug=slug)
    except CouncilSession.DoesNotExist:
        raise Http404("No such session.") from None
    items = list(AgendaItem.objects.filter(session=session).select_related("project").order_by("order", "pk"))
    petitions = list(
        Petition.objects.public()
        .filter(session=session, state__in=[Petition.State.ACCEPTED, Petition.State.DELIBERATED])
        .defer("contact_email", "contact_phone", "reasons")
        .order_by("decided_on", "pk")
    )
    today = timezone.localdate()
    return {
        "session": session,
        "items": items,
        "petitions": petitions,
        "today": today,
        "is_past": session.last_day < today,
    }


def council_session_events() -> list[CalendarEvent]:
    """Return every session as an all-day event, for sessions.ics and the portal's combined calendar.

    A session is tentative while the president has not set its date; once its period is over it is no longer
    expected, and its event is confirmed even when its dates were never recorded.
    """
    today = timezone.localdate()
    return [
        CalendarEvent(
            # The same UID in both feeds: a calendar that subscribes to both shows each session once.
            uid=f"council-session-{session.pk}",
            summary=session.title,
            start=session.first_day,
            end=session.last_day,
            url=session.get_absolute_url(),
            description=session.notes,
            tentative=session.starts_on is None and session.last_day >= today,
        )
        for session in CouncilSession.objects.order_by("period_start", "pk")
    ]


@dataclass(frozen=True)
class DeadlineRow:
    petition: Petition
    deadline: datetime.date
    days: int
    state: str

    @property
    def days_left(self) -> int:
        return max(self.days, 0)

    @property
    def days_overdue(self) -> int:
        return max(-self.days, 0)


def deadline_dashboard_data(*, today: datetime.date | None = None) -> dict:
    """Return the deposited petitions whose refusal notice is due, the most urgent first."""
    today = today or timezone.localdate()
    petitions = Petition.objects.awaiting_notice().defer("reasons", "request")
    rows = sorted(
        (
            DeadlineRow(
                petition=p,
                deadline=p.notice_deadline,
                days=p.days_to_deadline_on(today),
                state=p.notice_state_on(today),
            )
            for p in petitions
        ),
        key=lambda row: (row.deadline, row.petition.pk),
    )
    return {
        "past": [row for row in rows if row.state == "past"],
        "near": [row for row in rows if row.state == "near"],
        "open": [row for row in rows if row.state == "open"],
        "today": today,
        "warning_days": settings.OPENMUN_PETITION_DEADLINE_WARNING_DAYS,
    }


def deposit_cutoff(last_day: datetime.date) -> datetime.date:
    """Return the latest deposit date whose limit for notifying a refusal falls on or before last_day.

    The limit is three months after the deposit, on the month's last day when the day does not exist there
    (months_add), so it never decreases as the deposit moves later: the deposits up to this date are the ones.
    """
    day = months_add(last_day, -3)
    while months_add(day + datetime.timedelta(days=1), 3) <= last_day:
        day += datetime.timedelta(days=1)
    while months_add(day, 3) > last_day:
        day -= datetime.timedelta(days=1)
    return day


def deadlines_near(today: datetime.date, *, limit: int) -> tuple[list[DeadlineRow], int]:
    """Return the petitions awaiting a decision or its notice whose limit is past or within the warning days,
    the most urgent first (at most limit of them), and how many there are in all; one query."""
    last_day = today + datetime.timedelta(days=settings.OPENMUN_PETITION_DEADLINE_WARNING_DAYS)
    petitions = list(
        Petition.objects.awaiting_notice()
        .filter(deposited_on__lte=deposit_cutoff(last_day))
        .only("pk", "title", "language", "state", "status", "deposited_on", "refusal_notified_on")
        .annotate(near_count=Window(Count("pk")))
        .order_by("deposited_on", "pk")[:limit]
    )
    rows = [
        DeadlineRow(
            petition=petition,
            deadline=petition.notice_deadline,
            days=petition.days_to_deadline_on(today),
            state=petition.notice_state_on(today),
        )
        for petition in petitions
    ]
    return rows, petitions[0].near_count if petitions else 0


def petition_followed(ident: str) -> Followed | None:
    """Return the title and page of a public petition, to follow it by e-mail."""
    petition = Petition.objects.public().filter(pk=int(ident)).first()
    return Followed(title=petition.title, path=petition.get_absolute_url()) if petition else None
