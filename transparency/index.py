"""Keep the search index in step with the public objects of every registered search source.

Entries are derived data, as a cache is: transparency.signals refreshes the entries of an object whenever it or a
model it depends on is saved or deleted (the admin, services, management commands alike), inside the same
transaction, so that the index never says more than the database. Writes that send no signal (bulk_create,
QuerySet.update) are caught up by search_index_rebuild(); whatever the index holds, the search only returns
objects that the source's queryset still calls public (transparency.selectors).

A write of many objects at once (a programme built with its projects, activities and partners) may refresh the
entries once at its end instead of at each save: search_refresh_deferred().
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import translation

from openmun.folding import fold_for_comparison
from transparency.models import SearchEntry
from transparency.registry import SearchSource, registry

BATCH_SIZE = 500

# The objects waiting for their entries, per search kind, inside search_refresh_deferred(); None outside.
_deferred: ContextVar[dict[str, set[int]] | None] = ContextVar("search_refresh_deferred", default=None)


def _other_languages(language: str) -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != language]


def entries_build(source: SearchSource, objects: Iterable) -> list[SearchEntry]:
    """Return the index entries of objects, one per language, each folded with the text of every language."""
    documents: dict[str, dict[int, object]] = {}
    objects = list(objects)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            documents[code] = {obj.pk: source.document(obj) for obj in objects}
    entries = []
    for obj in objects:
        for code, _name in settings.LANGUAGES:
            document = documents[code][obj.pk]
            # A visitor may type in either language: the other language's text is searchable too.
            texts = [document.title, document.context, document.body]
            for other in _other_languages(code):
                alternative = documents[other][obj.pk]
                texts += [alternative.title, alternative.context, alternative.body]
            entries.append(
                SearchEntry(
                    kind=source.kind,
                    object_id=obj.pk,
                    language=code,
                    url=document.url[:500],
                    title=document.title[:500],
                    body=document.body,
                    context=document.context[:500],
                    date=document.date,
                    folded=fold_for_comparison(" ".join(texts)),
                )
            )
    return entries


def search_entries_refresh(source: SearchSource, pks: Iterable[int]) -> None:
    """Rebuild the entries of these objects of a source; objects that are no longer public lose theirs."""
    pks = sorted({pk for pk in pks if pk is not None})
    if not pks:
        return
    deferred = _deferred.get()
    if deferred is not None:
        deferred.setdefault(source.kind, set()).update(pks)
        return
    with transaction.atomic():
        SearchEntry.objects.filter(kind=source.kind, object_id__in=pks).delete()
        objects = source.queryset().filter(pk__in=pks)
        SearchEntry.objects.bulk_create(entries_build(source, objects), batch_size=BATCH_SIZE)


@contextmanager
def search_refresh_deferred() -> Iterator[None]:
    """Refresh the entries of the objects saved inside the block once each, when it ends without an error.

    Each save inside still asks for its refresh (and each delete removes its entries at once); an object saved ten
    times, or whose ten children are saved, is indexed once, from what the database holds at the end. A block
    inside another adds to the outer one's. The index lags the database only inside the block, so the block
    belongs inside the transaction of the write it covers.
    """
    if _deferred.get() is not None:
        yield
        return
    pending: dict[str, set[int]] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for kind, pks in pending.items():
        source = registry.searches.get(kind)
        if source is not None:
            search_entries_refresh(source, pks)


def search_entries_remove(source: SearchSource, pks: Iterable[int]) -> None:
    """Remove the entries of these objects of a source."""
    SearchEntry.objects.filter(kind=source.kind, object_id__in=list(pks)).delete()


def search_index_rebuild(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the index of every registered source (or of the kinds given); return the objects indexed per kind."""
    counts = {}
    sources = [source for source in registry.search_sources() if kinds is None or source.kind in kinds]
    with transaction.atomic():
        for source in sources:
            SearchEntry.objects.filter(kind=source.kind).delete()
            objects = list(source.queryset())
            SearchEntry.objects.bulk_create(entries_build(source, objects), batch_size=BATCH_SIZE)
            counts[source.kind] = len(objects)
        if kinds is None:
            # Kinds whose app is gone.
            SearchEntry.objects.exclude(kind__in=list(registry.searches)).delete()
    return counts
