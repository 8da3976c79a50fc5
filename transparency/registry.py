"""What each app makes findable and reusable: the registry its `<app>/transparency.py` module fills.

Like the admin's site registry: at start-up, TransparencyConfig.ready() imports `transparency` from every
installed app (autodiscover), and each such module registers what it publishes:

- search sources (register_search): a kind of public object, how to turn one into a title and a text, which
  objects are public, and which other models' changes alter its entries;
- datasets (register_dataset): a table of public data for the API, CSV and the ZIP, with its documented fields;
- feeds (register_feed): dated items for the Atom feeds;
- calendar sources (register_calendar): events for the combined iCalendar feed;
- sitemap sources (register_sitemap): public objects and list pages for sitemap.xml;
- the site's identity (register_site): who publishes (the commune's name) and the portal's title, for feed and
  calendar titles and the portal's share image.

The transparency app knows none of the other apps: one that is absent simply registers nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise

from openmun.ical import CalendarEvent

Label = str | Promise
__all__ = ["CalendarEvent"]  # Re-exported: the events that calendar sources return.


# Search


@dataclass(frozen=True)
class SearchDocument:
    """What the search index keeps of one public object in one language."""

    title: str
    body: str
    url: str
    context: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class SearchSource:
    """A kind of public object that the search finds.

    queryset() returns the public objects, with what document() reads joined. document(obj) is called with
    the language to index active (translated fields and URLs follow it). related maps the label of another
    model ("programme.axis") to a function returning the pks of this source's objects that a change to an
    instance of that model alters.
    """

    kind: str
    label: Label
    model: type[models.Model]
    queryset: Callable[[], models.QuerySet]
    document: Callable[[Any], SearchDocument]
    order: int = 100
    related: dict[str, Callable[[Any], Iterable[int]]] = field(default_factory=dict)


# Open data


@dataclass(frozen=True)
class Field:
    """A documented field of a dataset. type is a JSON Schema type; "translated" is an object {ar, fr}.

    format "uri": the app gives a path of the portal ("/ar/…"), the API an absolute URL under the portal's address.
    """

    name: str
    type: str
    description: Label
    nullable: bool = False
    enum: tuple[str, ...] = ()
    format: str = ""
    # For type "array": the fields of each item; such a field is in the JSON only, never in the CSV.
    items: tuple[Field, ...] = ()

    @property
    def in_csv(self) -> bool:
        return self.type != "array"


@dataclass(frozen=True)
class Dataset:
    """A table of public data: its identifier, its documented fields and how to read its rows.

    rows(queryset) turns a slice of queryset() into JSON-ready dicts with the fields in order; key is the field
    that identifies an item (stable: a slug or a number) and lookup the queryset filter that finds it (or a
    function (queryset, key) -> queryset).
    updated() returns when the data last changed, as known from the data itself (None when unknown).
    """

    slug: str
    title: Label
    description: Label
    fields: tuple[Field, ...]
    queryset: Callable[[], models.QuerySet]
    rows: Callable[[models.QuerySet], list[dict]]
    key: str
    lookup: str | Callable[[models.QuerySet, str], models.QuerySet]
    updated: Callable[[], datetime.datetime | None]
    order: int = 100


# Feeds and calendars


@dataclass(frozen=True)
class FeedItem:
    title: str
    description: str
    url: str
    guid: str
    date: datetime.datetime


@dataclass(frozen=True)
class FeedSource:
    """Dated items of one topic for the Atom feeds; items(limit) is called in the feed's language."""

    slug: str
    title: Label
    items: Callable[[int], list[FeedItem]]
    order: int = 100


@dataclass(frozen=True)
class CalendarSource:
    """Dated events for the combined calendar; url_name names the app's own iCalendar feed, if it has one."""

    slug: str
    title: Label
    events: Callable[[], list[CalendarEvent]]
    order: int = 100
    url_name: str = ""


@dataclass(frozen=True)
class SitemapSource:
    """Public pages for sitemap.xml.

    items() returns objects with get_absolute_url(), URL names, or (URL name, kwargs) pairs such as
    ("programme:project-history", {"slug": …}).
    """

    slug: str
    items: Callable[[], Iterable[Any]]
    lastmod: Callable[[Any], datetime.date | datetime.datetime | None] | None = None
    priority: float | None = None


@dataclass(frozen=True)
class SiteIdentity:
    """Who publishes the portal and under what title; read at each use, in the active language."""

    name: Callable[[], str]
    title: Callable[[], str]


@dataclass
class Registry:
    searches: dict[str, SearchSource] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)
    feeds: dict[str, FeedSource] = field(default_factory=dict)
    calendars: dict[str, CalendarSource] = field(default_factory=dict)
    sitemaps: dict[str, SitemapSource] = field(default_factory=dict)
    site: SiteIdentity | None = None

    @staticmethod
    def _add(table: dict, key: str, value: Any) -> None:
        if key in table:
            raise ValueError(f"{key!r} is registered twice.")
        table[key] = value

    def register_search(self, source: SearchSource) -> None:
        self._add(self.searches, source.kind, source)

    def register_dataset(self, dataset: Dataset) -> None:
        self._add(self.datasets, dataset.slug, dataset)

    def register_feed(self, feed: FeedSource) -> None:
        self._add(self.feeds, feed.slug, feed)

    def register_calendar(self, calendar: CalendarSource) -> None:
        self._add(self.calendars, calendar.slug, calendar)

    def register_sitemap(self, sitemap: SitemapSource) -> None:
        self._add(self.sitemaps, sitemap.slug, sitemap)

    def register_site(self, site: SiteIdentity) -> None:
        if self.site is not None:
            raise ValueError("The site's identity is registered twice.")
        self.site = site

    def site_name(self) -> str:
        """Return who publishes the portal (the commune's name), or "" when no app says."""
        return self.site.name() if self.site else ""

    def site_title(self) -> str:
        """Return the portal's title (its programme's), or "" when no app says."""
        return self.site.title() if self.site else ""

    def search_sources(self) -> list[SearchSource]:
        return sorted(self.searches.values(), key=lambda source: (source.order, source.kind))

    def dataset_list(self) -> list[Dataset]:
        return sorted(self.datasets.values(), key=lambda dataset: (dataset.order, dataset.slug))

    def feed_list(self) -> list[FeedSource]:
        return sorted(self.feeds.values(), key=lambda feed: (feed.order, feed.slug))

    def calendar_list(self) -> list[CalendarSource]:
        return sorted(self.calendars.values(), key=lambda calendar: (calendar.order, calendar.slug))


registry = Registry()
register_search = registry.register_search
register_dataset = registry.register_dataset
register_feed = registry.register_feed
register_calendar = registry.register_calendar
register_sitemap = registry.register_sitemap
register_site = registry.register_site
