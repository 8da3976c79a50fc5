"""Content versions: cache keys that move whenever the portal's data changes, so nothing cached goes stale.

The one way the caches learn of a change is model_changed(model):
- the receivers of openmun/signals.py call it for every save, delete and many-to-many change, and for the
  bulk writes that services announce with objects_bulk_saved, whoever made them (admin, services, fixtures);
- a service that writes with QuerySet.update() calls it itself, right after the write.
Nothing else moves the versions (restore, which replaces the whole database, aside).

Two versions:
- CONTENT moves on any change to a model of an app declared as the portal's (openmun.apps.PortalAppConfig), but
  for the models it declares derived from others (the search index) or private (unconfirmed supports and voters,
  which no page shows); the page cache (openmun/pagecache.py) keys
  every page under it, so a change shows on the next request;
- PRINTED moves only when what printed documents show changes (each app's printed_models); the PDFs are keyed
  under it, so a vote or a petition support does not throw away a render that took seconds. Once a change to them
  commits, the background worker renders the programme's PDF anew (openmun.tasks.printed_render_soon).

Counts that citizens move by the hundred at a petition's peak (confirmed supports, followers) are the
exception: counts_changed() moves CONTENT once per burst, OPENMUN_COUNTS_REFRESH_SECONDS after the first change,
through a background job, instead of at each confirmation, which would throw away every cached page and every value
kept per version many times a second, when visitors are most numerous. The counts themselves are always exact in
the database; the pages show them at most that many seconds late.

The versions live in the default cache, shared by every worker and server when it is Redis.
"""

import copy
import functools
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import redis.exceptions
from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import models, transaction
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from django_tasks import task

from openmun.apps import PortalAppConfig
from openmun.tasks import once_per_burst, printed_render_soon

# What a cache that is down raises (django-redis wraps redis's own errors in ConnectionInterrupted).
CACHE_ERRORS = (ConnectionInterrupted, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

CONTENT = "content"
PRINTED = "printed"
# Set while a refresh of the counts waits in the queue: the counts that move meanwhile need no other.
COUNTS_REFRESH_PENDING = "openmun:counts-refresh-pending"
# How long that mark outlives the delay, in case the worker is down or late: then the next change queues another.
COUNTS_REFRESH_MARGIN = 60

logger = logging.getLogger(__name__)

Value = TypeVar("Value")
Key = TypeVar("Key", bound=Hashable)
Model = TypeVar("Model", bound=models.Model)


def portal_apps() -> frozenset[str]:
    """Return the labels of the apps whose data the portal publishes (declared by their AppConfig)."""
    return frozenset(config.label for config in apps.get_app_configs() if isinstance(config, PortalAppConfig))


def version_key(scope: str) -> str:
    return f"openmun:version:{scope}"


def version_get(scope: str) -> str:
    """Return the current version of scope, creating one when the cache has none."""
    version = cache.get(version_key(scope))
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key(scope), version, timeout=None):
            version = cache.get(version_key(scope), version)
    return version


def versions_bump(*scopes: str) -> None:
    """Give each scope a new version, so that everything cached under the old one is rebuilt."""
    # This process forgets the versions it trusted (version_recent), so that its next request sees the change.
    _recent.clear()
    cache.set_many({version_key(scope): uuid.uuid4().hex for scope in scopes}, timeout=None)


# The versions this process read last, with when it read them (time.monotonic()): the page cache trusts them for
# OPENMUN_PAGE_CACHE_VERSION_SECONDS instead of asking Redis at every request.
_recent: dict[str, tuple[str, float]] = {}


def version_recent(scope: str, *, max_age: float) -> str | None:
    """Return the version of scope this process read less than max_age seconds ago, or None."""
    remembered = _recent.get(scope)
    if remembered is None or time.monotonic() - remembered[1] >= max_age:
        return None
    return remembered[0]


def version_remember(scope: str, version: str) -> None:
    """Note that version is the current version of scope, as read just now."""
    _recent[scope] = (version, time.monotonic())


def scopes_for(model: type[models.Model]) -> tuple[str, ...]:
    """Return the versions that a change to the model moves: none for an app that is not the portal's."""
    # Not every model belongs to an installed app (Django's migration records, migrations' historical models).
    config = apps.app_configs.get(model._meta.app_label)
    if not isinstance(config, PortalAppConfig):
        return ()
    if model._meta.model_name in config.derived_models | config.private_models:
        return ()
    if model._meta.model_name in config.printed_models:
        return (CONTENT, PRINTED)
    return (CONTENT,)


def model_changed(model: type[models.Model]) -> None:
    """Tell the caches that rows of model changed: the versions it affects move now and after the commit.

    Now, so that the rest of the request sees its own change; after the commit, because a page rendered from
    the old rows between the first move and the commit would otherwise stay cached under the new version.
    """
    scopes = scopes_for(model)
    if scopes:
        versions_move(*scopes)


def versions_move(*scopes: str) -> None:
    """Move the versions now and again once the transaction commits (every version by default)."""
    scopes = scopes or (CONTENT, PRINTED)
    versions_bump(*scopes)
    # robust: the data is committed by then; a cache that failed must not turn the request into an error.
    transaction.on_commit(lambda: versions_bump(*scopes), robust=True)
    if PRINTED in scopes:
        # The worker renders the new PDFs before a visitor asks for them (once per burst of changes).
        transaction.on_commit(printed_render_soon, robust=True)


def counts_changed() -> None:
    """Tell the caches that a count citizens move at a peak changed: pages show it once the burst's refresh runs.

    With a worker that shares the web servers' cache (a task backend that runs jobs later, and Redis), the first
    change of a burst queues one job that moves CONTENT OPENMUN_COUNTS_REFRESH_SECONDS after it commits, and the
    changes made meanwhile queue nothing. Otherwise, or with a delay of 0, CONTENT moves at once, as for any other
    change: the immediate backend (the tests) would run the job at once, and a worker with a cache of its own (the
    embedded default, without Redis) would move only its own version.
    """
    delay = settings.OPENMUN_COUNTS_REFRESH_SECONDS
    shared = isinstance(caches["default"], RedisCache)
    if not delay or not shared or not counts_refresh.get_backend().supports_defer:
        versions_move(CONTENT)
        return
    transaction.on_commit(counts_refresh_soon, robust=True)


def counts_refresh_soon() -> None:
    """Queue the refresh of the counts a little later, unless one is waiting already (one per burst)."""
    try:
        once_per_burst(
            counts_refresh,
            pending=COUNTS_REFRESH_PENDING,
            delay=settings.OPENMUN_COUNTS_REFRESH_SECONDS,
            margin=COUNTS_REFRESH_MARGIN,
        )
    except CACHE_ERRORS:
        # No cache, no cached page to refresh and no version to move: the next request renders afresh anyway.
        return


@task(priority=5)
def counts_refresh() -> None:
    """Move the content version, so that the pages show the counts of the burst that queued this job."""
    # From now on, a count that moves queues another refresh: this one may come before it.
    cache.delete(COUNTS_REFRESH_PENDING)
    versions_bump(CONTENT)
    logger.info("Pages refreshed for the counts that moved.")


def version_current(scope: str) -> str:
    """Return the current version of scope, as the page cache trusts it (openmun/pagecache.py, entry_get).

    With Redis, the version this process read less than OPENMUN_PAGE_CACHE_VERSION_SECONDS ago, without a round trip:
    a change made by another process shows within that delay, one made by this process at once (versions_bump
    forgets what it trusted). With each process's own cache (no Redis), the version itself, which costs nothing.
    """
    if isinstance(caches["default"], RedisCache):
        version = version_recent(scope, max_age=settings.OPENMUN_PAGE_CACHE_VERSION_SECONDS)
        if version is not None:
            return version
        version = version_get(scope)
        version_remember(scope, version)
        return version
    return version_get(scope)


class KeptPerVersion:
    """Values kept in this process under the content version, for the size keys asked last.

    get(key, compute) returns the value kept for key while the version has not moved, else compute()'s, which it
    keeps (the least recently asked key goes first past size). What compute() raises is not kept. A value computed
    while a change commits is kept under the version the change moves again once committed, so it is computed anew
    at the next call. When the cache is down, compute() is called every time.
    """

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[Hashable, tuple[str, object]] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Value]) -> Value:
        try:
            version = version_current(CONTENT)
        except CACHE_ERRORS:
            return compute()
        found = self.entries.get(key)
        if found is None or found[0] != version:
            found = self.entries[key] = (version, compute())
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        self.entries.move_to_end(key)
        return found[1]

    def clear(self) -> None:
        self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)


def kept_per_version(function: Callable[[], Value]) -> Callable[[], Value]:
    """Keep what function() returns in this process until the content version moves: one read per change.

    For the small reads that most requests make (the commune, the search synonyms): at most a cache round trip (none
    while the version is trusted, version_current) where the read costs a query.
    """
    kept = KeptPerVersion(size=1)

    @functools.wraps(function)
    def wrapper() -> Value:
        return kept.get(None, function)

    wrapper.cache_clear = kept.clear
    return wrapper


def kept_per_version_by_key(size: int) -> Callable[[Callable[[Key], Model]], Callable[[Key], Model]]:
    """Keep the row function(key) returns, for the size keys asked last, until the content version moves.

    For the row that every request of a peak reads (the petition hundreds of people support at once): each call gets
    its own copy of the kept instance, so that nothing one request sets on it reaches another. What function() raises
    (Http404) is not kept. The row is as fresh as a cached page: counts moved by counts_changed() show once their
    burst's refresh has run.
    """

    def decorator(function: Callable[[Key], Model]) -> Callable[[Key], Model]:
        kept = KeptPerVersion(size)

        @functools.wraps(function)
        def wrapper(key: Key) -> Model:
            return copy.copy(kept.get(key, lambda: function(key)))

        wrapper.cache_clear = kept.clear
        return wrapper

    return decorator
