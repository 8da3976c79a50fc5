"""Arabic and French text folded for comparison: how people really type, reduced to one comparable form.

One table of equivalent letters and two functions, used everywhere text is compared rather than shown:
- fold_for_comparison(): the search index and queries (the same on SQLite and PostgreSQL, because it runs in
  Python), duplicate detection (openmun.antiabuse fingerprints) and the names a budget file may use. Arabic:
  alef forms (أ إ آ ٱ) become ا, ى becomes ي, ة becomes ه, the diacritics and tatweel go, the Persian and Urdu
  letter forms (ی ک ھ ہ ۀ) become the Arabic ones, Arabic-Indic and Persian digits become Western digits.
  French and other Latin text: accents go, ligatures open and case is folded ("École" matches "ecole").
  Compatibility forms (presentation forms pasted from a PDF, ligatures) are decomposed first.
- normalise_for_stemming(): only what PostgreSQL's `arabic` text-search configuration needs (letter forms of
  other alphabets, marks, tatweel, digits); teh marbuta, alef maqsura and hamza forms are kept, because its
  stemmer expects them and folding them breaks its matches.
Folded text is never stored as what a page shows.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters of other alphabets that stand for Arabic ones, tatweel, and other digits: folded by both functions.
FOREIGN_FORMS = {
    "ی": "ي",  # U+06CC Farsi yeh
    "ې": "ي",  # U+06D0
    "ک": "ك",  # U+06A9 keheh
    "ھ": "ه",  # U+06BE heh doachashmee
    "ہ": "ه",  # U+06C1 heh goal
    "ۀ": "ه",  # U+06C0 heh with yeh above
    "ە": "ه",  # U+06D5 ae
    "ـ": "",  # tatweel
    **{chr(0x0660 + digit): str(digit) for digit in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + digit): str(digit) for digit in range(10)},  # Persian digits
}
# Variants within Arabic and French that people type for one another: folded for comparison only.
VARIANTS = {
    "ٱ": "ا",  # alef wasla (after NFKD, أ إ آ are already a base letter and a combining mark)
    "ى": "ي",  # alef maqsura
    "ة": "ه",  # teh marbuta
    "œ": "oe",  # French ligatures: "œuvre" is typed "oeuvre"
    "æ": "ae",
}
COMPARISON_TABLE = str.maketrans({**FOREIGN_FORMS, **VARIANTS})
STEMMING_TABLE = str.maketrans(FOREIGN_FORMS)
# Arabic diacritics (harakat, tanwin, shadda, sukun) and the superscript alef: removed even when not
# classified as combining by some Unicode version.
DIACRITICS = frozenset(chr(code) for code in [*range(0x064B, 0x0653), 0x0670])


# A text is folded character by character, from the few hundred characters the two languages use: each is worked out
# once per process.
@lru_cache(maxsize=4096)
def fold_character(character: str) -> str:
    """Return one character folded: "" for marks, tatweel and invisible format characters (joiners, direction
    marks), " " for anything else that is not a letter or digit."""
    if character in DIACRITICS or unicodedata.category(character) == "Cf":
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", character):
        if unicodedata.combining(part) or part in DIACRITICS:
            continue
        for piece in part.casefold().translate(COMPARISON_TABLE):
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


def fold_for_comparison(text: str) -> str:
    """Return text folded for comparison and search, its words separated by single spaces."""
    return " ".join("".join(map(fold_character, text or "")).split())


def normalise_for_stemming(text: str) -> str:
    """Return text with only the changes PostgreSQL's arabic configuration needs: letter forms, marks, digits."""
    normalised = unicodedata.normalize("NFC", text or "").translate(STEMMING_TABLE)
    return "".join(character for character in normalised if character not in DIACRITICS)
