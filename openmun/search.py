"""Search helpers: the terms of a query, where they match in a text, an excerpt around them, highlighting.

Matching is on folded text (openmun/folding.py): the search index stores the folded text, the query is folded
the same way, and a plain substring match does the rest; fold_with_map() says where each folded character came
from, so that a match found in the folded text is highlighted in the original one.

Synonyms: groups of words and expressions that staff declare equivalent (Darija, everyday French, misspellings).
A word or run of words of the query that is one of a group's members is looked for as any member of its group
(terms_expand); the members are folded as the query is, so that their spellings need not be listed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from openmun.folding import fold_character, fold_for_comparison, fold_with_map

# The definite article and the prefixes fused with it: a query for "المدينة" also finds "مدينة".
ARTICLE = re.compile(r"^(?:وال|بال|فال|كال|لل|ال)(?=\w{3})")
MIN_TERM_LENGTH = 2
MAX_TERMS = 8
# What separates the members of a synonym group as staff type them: lines, Latin and Arabic commas and semicolons.
SYNONYM_SEPARATORS = re.compile(r"[\n,;،؛]+")
# Members of a group, and the alternatives one word of a query may stand for: keeps the SQL of a search bounded.
MAX_SYNONYMS = 30


def _term(word: str) -> str:
    """Return a folded word as a search term: without its article, or "" when too short to look for."""
    word = ARTICLE.sub("", word)
    return word if len(word) >= MIN_TERM_LENGTH or word.isdigit() else ""


def search_terms(query: str) -> list[str]:
    """Return the distinct folded words of a query that a search looks for, all of which must match."""
    terms: list[str] = []
    for word in fold_for_comparison(query).split():
        word = _term(word)
        if word and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def synonym_words(text: str) -> list[str]:
    """Return the members of a synonym group as staff typed them (one a line, or separated by commas)."""
    words: list[str] = []
    for word in SYNONYM_SEPARATORS.split(text or ""):
        word = " ".join(word.split())
        if word and word not in words:
            words.append(word)
    return words


def synonym_key(word: str) -> str:
    """Return a folded word as synonyms are looked up: a Latin word of five letters or more loses its plural s."""
    # "poubelles" is looked up as "poubelle", and looked for as "poubelle", which its plural contains.
    if len(word) >= 5 and word.endswith("s") and word.isascii():
        return word[:-1]
    return word


def synonym_phrase(text: str) -> tuple[str, ...]:
    """Return a member of a synonym group as the words a search looks for, folded as a query's terms are."""
    return tuple(synonym_key(word) for word in map(_term, fold_for_comparison(text).split()) if word)


@dataclass
class Synonyms:
    """Synonym groups indexed by member: each member's alternatives, and how staff wrote them (for ranking)."""

    alternatives: dict[tuple[str, ...], set[tuple[str, ...]]] = field(default_factory=dict)
    spellings: dict[tuple[str, ...], set[str]] = field(default_factory=dict)

    @property
    def longest(self) -> int:
        return max(map(len, self.alternatives), default=0)


def synonyms_index(groups: Iterable[Iterable[str]]) -> Synonyms:
    """Return the synonym groups indexed: a member of several groups stands for the members of each."""
    synonyms = Synonyms()
    for group in groups:
        members = {phrase: word for word in group if (phrase := synonym_phrase(word))}
        for phrase in members:
            synonyms.alternatives.setdefault(phrase, set()).update(members)
            synonyms.spellings.setdefault(phrase, set()).update(members.values())
    return synonyms


@dataclass(frozen=True)
class Expansion:
    """A query's terms with their synonyms.

    clauses: one per word or expression of the query, all of which must match; each clause is its alternatives,
    any one of which matches, and an alternative matches when all its words do. words: every word to mark in the
    results. spellings: the members of the groups used, as staff wrote them.
    """

    clauses: list[list[tuple[str, ...]]]
    words: list[str]
    spellings: list[str]


def terms_expand(terms: list[str], synonyms: Synonyms) -> Expansion:
    """Return the terms of a query, each word or run of words that is a member of a synonym group with its group."""
    clauses: list[list[tuple[str, ...]]] = []
    spellings: list[str] = []
    position = 0
    while position < len(terms):
        for size in range(min(synonyms.longest, len(terms) - position), 0, -1):
            typed = tuple(terms[position : position + size])
            key = tuple(map(synonym_key, typed))
            if key in synonyms.alternatives:
                others = sorted(synonyms.alternatives[key] - {typed})[: MAX_SYNONYMS - 1]
                clauses.append([typed, *others])
                spellings += sorted(synonyms.spellings[key])
                position += size
                break
        else:
            clauses.append([(terms[position],)])
            position += 1
    words = list(dict.fromkeys(word for clause in clauses for alternative in clause for word in alternative))
    return Expansion(clauses=clauses, words=words, spellings=list(dict.fromkeys(spellings)))


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Return the merged [start, end) spans of the original text where a folded term matches."""
    folded, origins = fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            first = origins[start]
            last = origins[start + len(term) - 1] + 1
            # Take the diacritics and tatweel that follow the last letter with it.
            while last < len(text) and fold_character(text[last]) == "":
                last += 1
            spans.append((first, last))
            start = folded.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt(text: str, terms: list[str], *, length: int = 220) -> str:
    """Return a passage of text of about length characters around its first match, with ellipses."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    spans = match_spans(text, terms)
    start = max(0, spans[0][0] - length // 3) if spans else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, terms: list[str]) -> SafeString:
    """Return text escaped, with each match of the terms in a <mark> element."""
    out: list[str] = []
    position = 0
    for start, end in match_spans(text, terms):
        out.append(html.escape(text[position:start], quote=False))
        out.append(f"<mark>{html.escape(text[start:end], quote=False)}</mark>")
        position = end
    out.append(html.escape(text[position:], quote=False))
    return mark_safe("".join(out))
