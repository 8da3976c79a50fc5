"""What petitions and council sessions publish through search, open data, feeds, the calendar and the sitemap.

Discovered by the transparency app (transparency/registry.py). Only public petitions (published after the
pre-check and not hidden since) appear, in whatever state of the procedure; never a petition awaiting or refused
at the pre-check. No name is published here: not the agent's, the association's representative's, nor a
supporter's, and never a contact detail or receipt number.
"""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from following.registry import target_key
from following.selectors import follower_counts
from openmun.links import translated_urls
from petitions.models import AgendaItem, CouncilSession, Petition, PetitionEvent
from petitions.selectors import council_session_events
from transparency.opendata import admin_log_updated, translated
from transparency.registry import (
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

# Columns no public read ever loads.
PRIVATE = (
    "contact_email",
    "contact_phone",
    "agent_name",
    "association_representative",
    "association_seat",
    "moderation_reason",
    "receipt_number",
)
DECISIONS = (PetitionEvent.Action.ACCEPTED, PetitionEvent.Action.REFUSED, PetitionEvent.Action.DELIBERATED)


def public_petitions():
    return Petition.objects.public().defer(*PRIVATE)


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# Search


def petition_document(petition: Petition) -> SearchDocument:
    body = "\n".join(text for text in (petition.request, petition.reasons, petition.decision_summary) if text)
    return SearchDocument(
        title=petition.title,
        body=body,
        url=petition.get_absolute_url(),
        context=str(petition.get_state_display()),
        date=petition.published_on,
    )


register_search(
    SearchSource(
        kind="petition",
        label=gettext_lazy("Petitions"),
        model=Petition,
        order=40,
        queryset=public_petitions,
        document=petition_document,
    )
)


# Open data


def petition_rows(petitions) -> list[dict]:
    petitions = list(petitions)
    followers = follower_counts(target_key("petition", p.pk) for p in petitions)
    return [
        {
            "id": p.pk,
            "kind": p.kind,
            "title": p.title,
            "request": p.request,
            "reasons": p.reasons,
            "language": p.language,
            "channel": p.channel,
            "domain": p.domain,
            "state": p.state,
            "signature_threshold": p.signature_threshold,
            "online_supports": p.support_count,
            "paper_signatures": p.paper_signature_count,
            "published_on": p.published_on,
            "deposited_on": p.deposited_on,
            "review_started_on": p.review_started_on,
            "decided_on": p.decided_on,
            "refusal_notified_on": p.refusal_notified_on,
            "session": p.session.slug if p.session_id else None,
            "committees": translated(p, "committees"),
            "refusal_reasons": translated(p, "refusal_reasons"),
            "deliberated_on": p.deliberated_on,
            "outcome": p.outcome or None,
            "decision_reference": p.decision_reference,
            "decision_summary": translated(p, "decision_summary"),
            "closed_on": p.closed_on,
            "follower_count": followers[target_key("petition", p.pk)],
            "url": translated_urls(p),
        }
        for p in petitions
    ]


def date_field(name: str, description) -> Field:
    return Field(name, "string", description, nullable=True, format="date")


def petitions_updated() -> datetime.datetime | None:
    created = Petition.objects.public().aggregate(last=Max("created_at"))["last"]
    event = PetitionEvent.objects.filter(petition__in=Petition.objects.public()).aggregate(last=Max("recorded_at"))[
        "last"
    ]
    return max((date for date in (created, event) if date), default=None)


register_dataset(
    Dataset(
        slug="petitions",
        order=50,
        key="id",
        lookup="pk",
        title=gettext_lazy("Petitions"),
        description=gettext_lazy(
            "The petitions to the council published on the portal, and where each stands in the "
            "statutory procedure (Organic Law 113-14, articles 121 to 125). No name of a person."
        ),
        fields=(
            Field("id", "integer", gettext_lazy("Stable identifier of the petition.")),
            Field("kind", "string", gettext_lazy("citizens or association."), enum=tuple(Petition.Kind.values)),
            Field("title", "string", gettext_lazy("Title, in the language it was written in.")),
            Field("request", "string", gettext_lazy("The point the council is asked to put on its agenda.")),
            Field("reasons", "string", gettext_lazy("Reasons and objectives.")),
            Field("language", "string", gettext_lazy("Language the petition is written in."), enum=("ar", "fr")),
            Field(
                "channel",
                "string",
                gettext_lazy(
                    "online: submitted on this portal; paper: filed on paper at the commune and typed in by staff."
                ),
                enum=tuple(Petition.Channel.values),
            ),
            Field(
                "domain",
                "string",
                gettext_lazy("Competence of the commune concerned."),
                enum=tuple(Petition.Domain.values),
            ),
            Field(
                "state",
                "string",
                gettext_lazy("Where the petition stands in the procedure."),
                enum=tuple(s for s in Petition.State.values if s not in ("submitted", "not_admitted")),
            ),
            Field(
                "signature_threshold",
                "integer",
                gettext_lazy("Signatures a citizens' petition needs; null for an association."),
                nullable=True,
            ),
            Field(
                "online_supports", "integer", gettext_lazy("Confirmed online supports (no legal value; counted only).")
            ),
            Field(
                "paper_signatures",
                "integer",
                gettext_lazy("Valid paper signatures, once deposited; null before."),
                nullable=True,
            ),
            date_field("published_on", gettext_lazy("Published on the portal.")),
            date_field("deposited_on", gettext_lazy("Deposited with the council president.")),
            date_field("review_started_on", gettext_lazy("Review by the bureau started.")),
            date_field("decided_on", gettext_lazy("Decided by the bureau.")),
            date_field("refusal_notified_on", gettext_lazy("Refusal notified to the agent.")),
            Field(
                "session",
                "string",
                gettext_lazy("Council session it is scheduled to (slug of council-sessions)."),
                nullable=True,
            ),
            Field("committees", "translated", gettext_lazy("Standing committees it is referred to.")),
            Field("refusal_reasons", "translated", gettext_lazy("Reasons for a refusal.")),
            date_field("deliberated_on", gettext_lazy("Deliberated by the council.")),
            Field(
                "outcome",
                "string",
                gettext_lazy("The council's decision."),
                nullable=True,
                enum=tuple(Petition.Outcome.values),
            ),
            Field("decision_reference", "string", gettext_lazy("Reference of the council's decision.")),
            Field("decision_summary", "translated", gettext_lazy("Summary of the council's decision.")),
            date_field("closed_on", gettext_lazy("The day the procedure ended.")),
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
        queryset=lambda: public_petitions().select_related("session").order_by("published_on", "pk"),
        rows=petition_rows,
        updated=petitions_updated,
    )
)


def session_rows(sessions) -> list[dict]:
    return [
        {
            "slug": s.slug,
            "kind": s.kind,
            "title": translated(s, "title"),
            "period_start": s.period_start,
            "period_end": s.period_end,
            "starts_on": s.starts_on,
            "ends_on": s.ends_on,
            "notes": translated(s, "notes"),
            "agenda": [
                {
                    "order": item.order,
                    "title": translated(item, "title"),
                    "description": translated(item, "description"),
                    "project": item.project.slug if item.project_id else None,
                }
                for item in s.agenda_items.all()
            ],
            "url": translated_urls(s),
        }
        for s in sessions
    ]


register_dataset(
    Dataset(
        slug="council-sessions",
        order=60,
        key="slug",
        lookup="slug",
        title=gettext_lazy("Council sessions"),
        description=gettext_lazy(
            "The council's sessions, ordinary and extraordinary, with the agenda items known to the portal."
        ),
        fields=(
            Field("slug", "string", gettext_lazy("Stable identifier of the session.")),
            Field("kind", "string", gettext_lazy("ordinary or extraordinary."), enum=tuple(CouncilSession.Kind.values)),
            Field("title", "translated", gettext_lazy("Title.")),
            Field("period_start", "string", gettext_lazy("First day of the period it is expected in."), format="date"),
            Field("period_end", "string", gettext_lazy("Last day of that period."), format="date"),
            date_field("starts_on", gettext_lazy("Opening date, once convened.")),
            date_field("ends_on", gettext_lazy("Closing date.")),
            Field("notes", "translated", gettext_lazy("Place, time, how to attend.")),
            Field(
                "agenda",
                "array",
                gettext_lazy("Agenda items."),
                items=(
                    Field("order", "integer", gettext_lazy("Order on the agenda.")),
                    Field("title", "translated", gettext_lazy("Title.")),
                    Field("description", "translated", gettext_lazy("Description.")),
                    Field(
                        "project", "string", gettext_lazy("Slug of the programme's project it concerns."), nullable=True
                    ),
                ),
            ),
            Field(
                "url",
                "translated",
                gettext_lazy("Address of its page on the portal, in each language."),
                format="uri",
            ),
        ),
        queryset=lambda: CouncilSession.objects.prefetch_related("agenda_items__project").order_by(
            "period_start", "pk"
        ),
        rows=session_rows,
        updated=lambda: admin_log_updated(CouncilSession, AgendaItem),
    )
)


# Feeds


def petition_items(limit: int) -> list[FeedItem]:
    items = [
        FeedItem(
            title=_("New petition: %(title)s") % {"title": p.title},
            description=p.request,
            url=p.get_absolute_url(),
            guid=f"petition-{p.pk}-published",
            date=day_start(p.published_on),
        )
        for p in public_petitions().order_by("-published_on", "-pk")[:limit]
    ]
    events = (
        PetitionEvent.objects.filter(action__in=DECISIONS, petition__in=Petition.objects.public())
        .select_related("petition")
        .order_by("-date", "-pk")[:limit]
    )
    items += [
        FeedItem(
            title=f"{event.get_action_display()}: {event.petition.title}",
            description=event.note,
            url=event.petition.get_absolute_url(),
            guid=f"petition-event-{event.pk}",
            date=day_start(event.date),
        )
        for event in events
    ]
    return items


register_feed(
    FeedSource(slug="petitions", order=20, title=gettext_lazy("Petitions and decisions"), items=petition_items)
)


# Calendar


register_calendar(
    CalendarSource(
        slug="council",
        order=20,
        title=gettext_lazy("Council sessions"),
        events=council_session_events,
        url_name="council:session-ical",
    )
)


# Sitemap

register_sitemap(
    SitemapSource(
        slug="petition-pages",
        items=lambda: ["petitions:petition-list", "petitions:petition-guide", "council:session-list"],
    )
)
register_sitemap(SitemapSource(slug="petitions", items=lambda: public_petitions().order_by("pk")))
register_sitemap(
    SitemapSource(slug="council-sessions", items=lambda: CouncilSession.objects.order_by("period_start", "pk"))
)
