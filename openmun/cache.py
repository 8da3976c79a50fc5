"""Content versions: cache keys that move whenever the portal's data changes, so nothing cached goes stale.

One mechanism for the whole portal (openmun/signals.py moves the versions):
- CONTENT moves on any change to any model of the portal's own apps (programme, consultations, petitions,
  budgets and any app added to the repository); the page cache (openmun/middleware.py)
  keys every page under it, so a change shows on the next request;
- PRINTED moves only when what printed documents show changes (PRINTED_MODELS); the PDFs are keyed under it,
  so a vote or a petition support does not throw away a render that took seconds.

The versions live in the default cache, shared by every worker and server when it is Redis.
"""

import functools
import uuid
from pathlib import Path

import redis.exceptions
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django_redis.exceptions import ConnectionInterrupted

# What a cache that is down raises (django-redis wraps redis's own errors in ConnectionInterrupted).
CACHE_ERRORS = (ConnectionInterrupted, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

CONTENT = "content"
PRINTED = "printed"
# What printed documents show, per app. Not ballots, proposals or supports: a vote must not re-render PDFs.
PRINTED_MODELS = {
    "programme": frozenset(
        {
            "commune",
            "programme",
            "objective",
            "principle",
            "methodstep",
            "milestone",
            "committeemember",
            "committeemeeting",
            "axis",
            "partner",
            "project",
            "activity",
            "projectupdate",
            "printsettings",
        }
    ),
    "budgets": frozenset({"budgetyear", "budgetline", "glossaryterm"}),
}


@functools.cache
def portal_apps() -> frozenset[str]:
    """Return the labels of the portal's own apps (those in the repository, not installed packages)."""
    base = Path(settings.BASE_DIR).resolve()
    return frozenset(
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    )


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
    cache.set_many({version_key(scope): uuid.uuid4().hex for scope in scopes}, timeout=None)


def scopes_for(app_label: str, model_name: str) -> tuple[str, ...]:
    """Return the versions that a change to the model moves."""
    if app_label not in portal_apps():
        return ()
    if model_name in PRINTED_MODELS.get(app_label, ()):
        return (CONTENT, PRINTED)
    return (CONTENT,)


def content_changed(*scopes: str) -> None:
    """Move the versions now and again once the transaction commits (by default, every version).

    Now, so that the rest of the request sees its own change; after the commit, because a page rendered from
    the old rows between the first move and the commit would otherwise stay cached under the new version.
    Call it after writes that send no signal (QuerySet.update(), bulk_create()).
    """
    scopes = scopes or (CONTENT, PRINTED)
    versions_bump(*scopes)
    # robust: the data is committed by then; a cache that failed must not turn the request into an error.
    transaction.on_commit(lambda: versions_bump(*scopes), robust=True)
