"""Search helpers: the terms of a query, where they match in a text, an excerpt around them, highlighting.

Matching is on folded text (openmun/folding.py): the search index stores the folded text, the query is folded
the same way, and a plain substring match does the rest; fold_with_map() says where each folded character came
from, so that a match found in the folded text is highlighted in the original one.
"""

from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe

from openmun.folding import fold_character, fold_for_comparison, fold_with_map

# The definite article and the prefixes fused with it: a query for "المدينة" also finds "مدينة".
ARTICLE = re.compile(r"^(?:وال|بال|فال|كال|لل|ال)(?=\w{3})")
MIN_TERM_LENGTH = 2
MAX_TERMS = 8


def search_terms(query: str) -> list[str]:
    """Return the distinct folded words of a query that a search looks for, all of which must match."""
    terms: list[str] = []
    for word in fold_for_comparison(query).split():
        word = ARTICLE.sub("", word)
        if (len(word) >= MIN_TERM_LENGTH or word.isdigit()) and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


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
