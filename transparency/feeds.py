"""Atom feeds of what changes, per language: every topic together ("all"), or one topic registered by an app.

What the W3C feed validator checks of Atom 1.0 (RFC 4287) holds: the feed and each entry have an author (the
commune, from the registry's site identity), a permanent tag: id (RFC 4151), an updated date and absolute links.
Addresses and ids come from the portal's configured address (openmun.links.site_url), never from the Host header.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openmun.links import site_host, site_url
from transparency.registry import FeedItem, registry

ITEMS = 50
ALL = "all"
# The first year of the portal: part of each entry's permanent tag: URI (RFC 4151).
TAG_YEAR = 2023


@dataclass(frozen=True)
class Topic:
    """The feed asked for: the topic, the host its permanent ids are minted under, the address of its links."""

    slug: str
    host: str
    base_url: str


def publisher() -> str:
    """Return who publishes the feeds: the commune, or the portal when no app names it (an author is required)."""
    return registry.site_name() or _("Open commune portal")


class TopicFeed(Feed):
    # One instance serves every request: what belongs to a request travels in the Topic object.
    feed_type = Atom1Feed

    def get_object(self, request, slug: str) -> Topic:
        if slug != ALL and slug not in registry.feeds:
            raise Http404("No such feed.")
        return Topic(slug=slug, host=site_host(request), base_url=site_url(request))

    def title(self, topic: Topic) -> str:
        name = _("Everything that changes") if topic.slug == ALL else str(registry.feeds[topic.slug].title)
        publisher = registry.site_name()
        return f"{publisher} – {name}" if publisher else name

    def subtitle(self, topic: Topic) -> str:
        return _(
            "What changes on the open commune portal: project updates, petitions and their decisions, "
            "consultation rounds and budget cycles."
        )

    def link(self, topic: Topic) -> str:
        return topic.base_url + reverse("programme:home")

    def feed_url(self, topic: Topic) -> str:
        return topic.base_url + reverse("transparency:feed", kwargs={"slug": topic.slug})

    def author_name(self, topic: Topic) -> str:
        return publisher()

    def author_link(self, topic: Topic) -> str:
        return topic.base_url + reverse("programme:home")

    def feed_guid(self, topic: Topic) -> str:
        return f"tag:{topic.host},{TAG_YEAR}:{get_language()}/feeds/{topic.slug}"

    def items(self, topic: Topic) -> list[tuple[Topic, FeedItem]]:
        sources = registry.feed_list() if topic.slug == ALL else [registry.feeds[topic.slug]]
        items = [item for source in sources for item in source.items(ITEMS)]
        items = sorted(items, key=lambda item: (item.date, item.guid), reverse=True)[:ITEMS]
        return [(topic, item) for item in items]

    def item_title(self, entry: tuple[Topic, FeedItem]) -> str:
        return entry[1].title

    def item_description(self, entry: tuple[Topic, FeedItem]) -> str:
        # Plain text from the database, sent as HTML: escaped here.
        return linebreaks(escape(entry[1].description))

    def item_link(self, entry: tuple[Topic, FeedItem]) -> str:
        topic, item = entry
        return topic.base_url + item.url

    def item_author_name(self, entry: tuple[Topic, FeedItem]) -> str:
        return publisher()

    def item_author_link(self, entry: tuple[Topic, FeedItem]) -> str:
        return entry[0].base_url + reverse("programme:home")

    def item_guid(self, entry: tuple[Topic, FeedItem]) -> str:
        topic, item = entry
        return f"tag:{topic.host},{TAG_YEAR}:{get_language()}/{item.guid}"

    item_guid_is_permalink = False

    def item_pubdate(self, entry: tuple[Topic, FeedItem]):
        return entry[1].date

    def item_updateddate(self, entry: tuple[Topic, FeedItem]):
        return entry[1].date
