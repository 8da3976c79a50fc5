"""Text folding for search: how people really type Arabic and French, reduced to one comparable form.

One normaliser for the whole portal, the same on SQLite and PostgreSQL because it runs in Python: the search
index stores the folded text, the query is folded the same way, and a plain substring match does the rest.

- Arabic: alef forms (أ إ آ ٱ) become ا, ى becomes ي, ة becomes ه, the diacritics (U+064B–U+0652, U+0670)
  and tatweel go, the Persian and Urdu letter forms (ی ک ھ ہ ۀ) become the Arabic ones, and Arabic-Indic and
  Persian digits become Western digits. Compatibility forms (presentation forms pasted from a PDF or from
  reshaped text, ligatures) are decomposed first.
- French and other Latin text: accents go, ligatures open and case is folded ("École" matches "ecole",
  "œuvre" "oeuvre").

fold_with_map() also says where each folded character came from, so that a match found in the folded text
can be highlighted in the original one.
"""

from __future__ import annotations

import html
import re
import unicodedata

from django.utils.safestring import SafeString, mark_safe

# Applied after NFKD (which already splits أ إ آ ؤ ئ into a base letter and a combining hamza or madda).
LETTER_FOLDING = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ى": "ي",  # alef maqsura
        "ة": "ه",  # teh marbuta
        "ی": "ي",  # U+06CC Farsi yeh
        "ې": "ي",  # U+06D0
        "ک": "ك",  # U+06A9 keheh
        "ھ": "ه",  # U+06BE heh doachashmee
        "ہ": "ه",  # U+06C1 heh goal
        "ۀ": "ه",  # U+06C0 heh with yeh above
        "ە": "ه",  # U+06D5 ae
        "ـ": "",  # tatweel
        "œ": "oe",
        "æ": "ae",  # French ligatures: "œuvre" is typed "oeuvre"
        **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Persian digits
    }
)
# Arabic diacritics (harakat, tanwin, shadda, sukun) and the superscript alef: removed even when not
# classified as combining by some Unicode version.
DIACRITICS = frozenset(chr(code) for code in [*range(0x064B, 0x0653), 0x0670])
# The definite article and the prefixes fused with it: a query for "المدينة" also finds "مدينة".
ARTICLE = re.compile(r"^(?:وال|بال|فال|كال|لل|ال)(?=\w{3})")
MIN_TERM_LENGTH = 2
MAX_TERMS = 8


def fold_character(character: str) -> str:
    """Return one character folded: "" for marks and tatweel, " " for anything that is not a letter or digit."""
    if character in DIACRITICS:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", character):
        if unicodedata.combining(part) or part in DIACRITICS:
            continue
        part = part.casefold().translate(LETTER_FOLDING)
        for piece in part:
            out.append(piece if piece.isalnum() else " ")
    return "".join(out)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Return text folded, and for each folded character the index of the original character it came from."""
    folded: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(text or ""):
        for piece in fold_character(character):
            folded.append(piece)
            origins.append(index)
    return "".join(folded), origins


def fold(text: str) -> str:
    """Return text folded for search, words separated by single spaces."""
    return " ".join(fold_with_map(text)[0].split())


def search_terms(query: str) -> list[str]:
    """Return the distinct folded words of a query that a search looks for, all of which must match."""
    terms: list[str] = []
    for word in fold(query).split():
        word = ARTICLE.sub("", word)
        if (len(word) >= MIN_TERM_LENGTH or word.isdigit()) and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def light_normalise(text: str) -> str:
    """Return text with only the changes PostgreSQL's arabic configuration needs: letter forms, marks, digits.

    Teh marbuta, alef maqsura and hamza forms are kept: its stemmer expects them, and folding them breaks its
    matches.
    """
    keep = str.maketrans(
        {
            "ی": "ي",
            "ک": "ك",
            "ھ": "ه",
            "ہ": "ه",
            "ـ": "",
            **{chr(0x0660 + d): str(d) for d in range(10)},
            **{chr(0x06F0 + d): str(d) for d in range(10)},
        }
    )
    return "".join(c for c in unicodedata.normalize("NFC", text or "").translate(keep) if c not in DIACRITICS)


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
