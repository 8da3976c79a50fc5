"""Reads for the transparency pages: search, open data, history; each costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.safestring import SafeString

from openmun.cache import kept_per_version
from openmun.folding import normalise_for_stemming
from openmun.search import (
    Expansion,
    Synonyms,
    excerpt,
    highlight,
    search_terms,
    synonym_words,
    synonyms_index,
    terms_expand,
)
from openmun.text import normalise
from transparency.models import SearchEntry, SearchSynonym
from transparency.registry import SearchSource, registry

# Results shown per kind on the grouped page; a kind's own page shows them all, PAGE_SIZE at a time.
GROUP_SIZE = 5
PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
# PostgreSQL's text-search configuration for each language: used to rank, never to select.
TEXT_SEARCH_CONFIGS = {"ar": "arabic", "fr": "french"}


@dataclass(frozen=True)
class SearchHit:
    kind: str
    url: str
    title: SafeString
    context: SafeString
    excerpt: SafeString
    date: object


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    label: str
    count: int
    hits: list[SearchHit]


def public_entries(language: str, sources: list[SearchSource]) -> QuerySet[SearchEntry]:
    """Return the language's entries whose object its source still calls public (a subquery per source)."""
    condition = Q(pk__in=[])
    for source in sources:
        condition |= Q(kind=source.kind, object_id__in=source.queryset().order_by().values("pk"))
    return SearchEntry.objects.filter(condition, language=language)


# A change to the synonyms moves the content version (transparency.services): read once per change, not per search.
@kept_per_version
def search_synonyms() -> Synonyms:
    """Return the synonym groups staff declared, indexed: one query, then none until the content version moves."""
    return synonyms_index(synonym_words(words) for words in SearchSynonym.objects.values_list("words", flat=True))


def matching_entries(query: str, language: str, sources: list[SearchSource]) -> tuple[QuerySet[SearchEntry], list[str]]:
    """Return the public entries that contain every folded term of the query, best first, and the words to mark.

    A word (or expression) of the query that staff made a synonym of others matches any of them. Which entries
    match is decided by the folded column alone, the same on SQLite and PostgreSQL. On PostgreSQL, the language's
    text-search configuration then ranks them, with the synonyms too; it only changes their order.
    """
    query = query[:MAX_QUERY_LENGTH]
    expansion = terms_expand(search_terms(query), search_synonyms())
    entries = public_entries(language, sources)
    for clause in expansion.clauses:
        entries = entries.filter(_any_alternative(clause))
    if connection.vendor == "postgresql" and language in TEXT_SEARCH_CONFIGS:
        from django.contrib.postgres.search import SearchRank, SearchVector

        config = TEXT_SEARCH_CONFIGS[language]
        vector = SearchVector("title", weight="A", config=config) + SearchVector("body", weight="B", config=config)
        entries = entries.annotate(rank=SearchRank(vector, _text_query(query, expansion, config))).order_by(
            "kind", "-rank", F("date").desc(nulls_last=True), "title", "object_id"
        )
    else:
        entries = entries.order_by("kind", F("date").desc(nulls_last=True), "title", "object_id")
    return entries, expansion.words


def _any_alternative(clause: list[tuple[str, ...]]) -> Q:
    """Return the condition that an entry holds one of the alternatives, each of whose words it must hold."""
    condition = Q(pk__in=[])
    for alternative in clause:
        holds = Q()
        for word in alternative:
            holds &= Q(folded__icontains=word)
        condition |= holds
    return condition


def _text_query(query: str, expansion: Expansion, config: str):
    """Return PostgreSQL's text query for ranking: the query as typed, or any synonym of its words."""
    from django.contrib.postgres.search import SearchQuery

    text_query = SearchQuery(normalise_for_stemming(query), config=config, search_type="plain")
    for spelling in expansion.spellings:
        text_query |= SearchQuery(normalise_for_stemming(spelling), config=config, search_type="plain")
    return text_query


def hit_build(entry: SearchEntry, terms: list[str]) -> SearchHit:
    return SearchHit(
        kind=entry.kind,
        url=entry.url,
        title=highlight(entry.title, terms),
        context=highlight(entry.context, terms),
        excerpt=highlight(excerpt(entry.body, terms), terms),
        date=entry.date,
    )


def search_data(*, query: str, language: str, kind: str = "", page: str | int | None = 1) -> dict:
    """Return the results of a search grouped by kind, or one kind's results a page at a time.

    Three queries at most, whatever the data: the counts per kind, then the first results of every kind (one
    window query), or one page of a kind; and the synonyms, read once per content version (search_synonyms).
    """
    sources = registry.search_sources()
    # Control characters never reach the database (PostgreSQL refuses a NUL in text); they match nothing anyway.
    query = normalise(query, multiline=False)[:MAX_QUERY_LENGTH]
    by_kind = {source.kind: source for source in sources}
    context = {"query": query, "terms": [], "groups": [], "total": 0, "kind": "", "page": None, "sources": sources}
    if kind in by_kind:
        context["kind"] = kind
        context["kind_label"] = by_kind[kind].label
    terms = search_terms(query)
    context["terms"] = terms
    if not terms:
        return context
    entries, terms = matching_entries(query, language, sources)
    counts = dict(entries.order_by().values_list("kind").annotate(n=Count("pk")))
    context["total"] = sum(counts.values())
    context["counts"] = [(source, counts.get(source.kind, 0)) for source in sources]
    if context["kind"]:
        paginator = Paginator(entries.filter(kind=kind), PAGE_SIZE)
        # The count is known already: no COUNT query.
        paginator.count = counts.get(kind, 0)
        result_page: Page = paginator.get_page(page)
        context["page"] = result_page
        context["hits"] = [hit_build(entry, terms) for entry in result_page.object_list]
        return context
    if not counts:
        return context
    ordering = entries.query.order_by[1:]
    first = list(
        entries.annotate(
            position=Window(RowNumber(), partition_by=[F("kind")], order_by=list(_expressions(ordering)))
        ).filter(position__lte=GROUP_SIZE)
    )
    hits: dict[str, list[SearchHit]] = {}
    for entry in first:
        hits.setdefault(entry.kind, []).append(hit_build(entry, terms))
    context["groups"] = [
        SearchGroup(kind=source.kind, label=source.label, count=counts[source.kind], hits=hits.get(source.kind, []))
        for source in sources
        if counts.get(source.kind)
    ]
    return context


def _expressions(ordering):
    """Turn order_by() arguments ("-rank", "title", expressions) into expressions for a window's order_by."""
    for item in ordering:
        if isinstance(item, str):
            yield F(item[1:]).desc() if item.startswith("-") else F(item).asc()
        else:
            yield item
