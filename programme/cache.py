"""The programme's data version: a cache key that changes whenever programme data changes."""

import uuid

from django.core.cache import cache

DATA_VERSION_KEY = "programme:data-version"


def data_version_get() -> str:
    """Return the current data version, creating one when the cache has none."""
    version = cache.get(DATA_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(DATA_VERSION_KEY, version, timeout=None):
            version = cache.get(DATA_VERSION_KEY, version)
    return version


def data_version_bump() -> None:
    """Give programme data a new version, so that everything derived from it is rebuilt."""
    cache.set(DATA_VERSION_KEY, uuid.uuid4().hex, timeout=None)
