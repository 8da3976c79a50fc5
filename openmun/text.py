"""Citizen text: clean what people type and refuse markup and look-alike spam before anything is stored.

Whatever passes is still escaped when rendered: these checks keep the stored text plain and readable, they
are not what makes a page safe. Links stay text: no template turns a citizen's URL into a link.
"""

import re
import unicodedata
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from openmun.folding import fold_for_comparison

# Format characters that are kept: the joiners that shape some scripts and the direction marks that
# fix the order of a number inside Arabic text. Every other format character goes, among them the bidi
# embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that let a text reorder what
# surrounds it, zero-width spaces and the invisible "tag" characters.
KEPT_FORMAT_CHARACTERS = frozenset("\u200c\u200d\u200e\u200f\u061c")
# A tag or a closing tag, a comment, a doctype or a processing instruction. "2 < 3" and "a<b" are text.
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<!--|<[!?][a-zA-Z]")
LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")
# Scripts whose letters look alike: one word that mixes them is a disguise, not a language.
LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
# Styled letters that spammers use to slip past filters (𝐟𝐫𝐞𝐞, ｆｒｅｅ, ⓕⓡⓔⓔ).
STYLED_PREFIXES = (
    "MATHEMATICAL ",
    "FULLWIDTH ",
    "CIRCLED LATIN ",
    "PARENTHESIZED LATIN ",
    "SQUARED LATIN ",
    "NEGATIVE CIRCLED LATIN ",
    "NEGATIVE SQUARED LATIN ",
)
MAX_LINKS = 2


def normalise(value: str, *, multiline: bool = True) -> str:
    """Return value in NFC with control, bidi-override and invisible characters removed, spaces tidied."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for character in value:
        category = unicodedata.category(character)
        if character == "\n":
            kept.append("\n" if multiline else " ")
        elif character == "\t":
            kept.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and character not in KEPT_FORMAT_CHARACTERS):
            continue
        else:
            kept.append(character)
    lines = [" ".join(line.split()) for line in "".join(kept).split("\n")]
    # At most one empty line between paragraphs.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def letter_script(character: str) -> str:
    """Return the Unicode script name of a letter as its character name starts ("LATIN", "ARABIC")."""
    return unicodedata.name(character, "").split(" ", 1)[0]


def validate_plain_text(value: str) -> None:
    """Refuse markup, styled letters, words that mix look-alike alphabets and more than a few links."""
    if HTML_TAG.search(value):
        raise ValidationError(_("Write plain text: HTML tags are not accepted."), code="html")
    for character in set(value):
        if ord(character) > 0x7F and unicodedata.name(character, "").startswith(STYLED_PREFIXES):
            raise ValidationError(
                _("Write with ordinary letters: styled or full-width letters are not accepted."),
                code="styled",
            )
    for word in WORD.findall(value):
        scripts = {letter_script(character) for character in word} & LOOKALIKE_SCRIPTS
        if len(scripts) > 1:
            raise ValidationError(
                _("The word “%(word)s” mixes letters of different alphabets. Type it again with one keyboard."),
                code="mixed_scripts",
                params={"word": word[:40]},
            )
    links = len(LINK.findall(value))
    if links > MAX_LINKS:
        raise ValidationError(
            ngettext_lazy("Include at most %(limit)d link.", "Include at most %(limit)d links.", "limit"),
            code="links",
            params={"limit": MAX_LINKS, "count": links},
        )


class PlainTextField(forms.CharField):
    """A form field for citizen text: normalised, checked by validate_plain_text, within its length limits.

    Single-line unless its widget is a textarea. Use it for model fields through ModelForm's
    Meta.field_classes, so that the label, help text and limits still come from the model.
    """

    default_validators = [validate_plain_text]

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value, multiline=isinstance(self.widget, forms.Textarea))


# Names that would pass a citizen's text for the commune's own: the commune, its council and administration, an
# official reply, the portal's staff and moderators. Arabic words without their article: a name is compared with
# and without the article or clitic its words start with (الجماعة, للجماعة, والرسمي).
IMPERSONATING_NAMES = (
    # French
    "commune",
    "communal",
    "communale",
    "conseil communal",
    "conseil municipal",
    "mairie",
    "municipalité",
    "municipal",
    "municipale",
    "officiel",
    "officielle",
    "officiels",
    "officielles",
    "administrateur",
    "administratrice",
    "administration",
    "modérateur",
    "modératrice",
    "modérateurs",
    "modération",
    # English
    "official",
    "officials",
    "municipality",
    "council",
    "admin",
    "administrator",
    "moderator",
    "moderators",
    "moderation",
    "staff",
    "webmaster",
    # Arabic and Darija
    "جماعة",
    "مجلس جماعي",
    "بلدية",
    "رسمي",
    "رسمية",
    "إدارة",
    "إدارة موقع",
    "مدير موقع",
    "مشرف",
    "مشرفة",
    "مشرفون",
    "مشرفين",
    "إشراف",
    "أدمن",
    "ادمين",
    "baladia",
    "baladiya",
)
# Clitics that can stand before an Arabic word: the article and the conjunctions and prepositions that join it.
ARABIC_CLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ل")
# Look-alikes read as the letter they imitate, as in Unicode's confusable "skeletons": signs typed for letters
# (before folding, which turns signs into spaces), then digits, Cyrillic and Greek letters that look Latin, and
# Arabic letters without their dots. "@" stands for an a or an o ("@dmin", "C@mmune"): both read as o.
SIGNS_AS_LETTERS = str.maketrans({"@": "a", "$": "s", "|": "l", "!": "i", "€": "e"})
LOOKALIKE_LETTERS = str.maketrans(
    {
        "0": "o",
        "a": "o",
        "1": "i",
        "l": "i",
        "3": "e",
        "4": "o",
        "5": "s",
        "7": "t",
        "а": "o",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "α": "o",
        "β": "b",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "μ": "u",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ٮ": "ب",
        "ں": "ن",
        "ٯ": "ق",
        "ڡ": "ف",
        "چ": "ج",
        "ڪ": "ك",
    }
)
LOOKALIKE_PAIRS = (("rn", "m"), ("vv", "w"))


def name_skeleton(value: str) -> list[str]:
    """Return the words of a name folded (openmun.folding) with look-alike letters read as the letters they imitate."""
    folded = fold_for_comparison(value.translate(SIGNS_AS_LETTERS)).translate(LOOKALIKE_LETTERS)
    for pair, letter in LOOKALIKE_PAIRS:
        folded = folded.replace(pair, letter)
    return folded.split()


def without_clitic(word: str) -> str:
    """Return an Arabic word without the article or clitic it starts with, if a word of three letters remains."""
    for clitic in ARABIC_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 3:
            return word[len(clitic) :]
    return word


def name_forms(words: list[str]) -> set[str]:
    """Return what a run of words can read as once its spaces are gone: as typed, and without Arabic clitics."""
    return {"".join(words), without_clitic("".join(words)), "".join(without_clitic(word) for word in words)}


def name_form(name: str) -> str:
    """Return a name as one comparable string: its skeleton without spaces."""
    return "".join(name_skeleton(name))


IMPERSONATING_FORMS = frozenset(name_form(name) for name in IMPERSONATING_NAMES)
MAX_NAME_LENGTH = 500


def validate_not_impersonating(value: str, *, names: Iterable[str] = ()) -> None:
    """Refuse a name that presents its author as the commune, its administration or the portal's moderators.

    names adds the commune's own names (in each language). Every run of consecutive words is compared without
    its spaces, so that "C o m m u n e" and "Ad min" are read as the words they spell, and a commune's name
    typed without spaces is still its name.
    """
    refused = IMPERSONATING_FORMS | {name_form(name) for name in names} - {""}
    longest = max(len(form) for form in refused)
    # Longer text is refused for its length by the field anyway; this keeps the runs of words few.
    words = name_skeleton(value[:MAX_NAME_LENGTH])
    for start in range(len(words)):
        length = 0
        for end in range(start + 1, len(words) + 1):
            # A run longer than every refused name, even without its clitics, cannot be one.
            length += len(without_clitic(words[end - 1]))
            if length > longest + len(ARABIC_CLITICS[0]):
                break
            if name_forms(words[start:end]) & refused:
                raise ValidationError(
                    _(
                        "A name may not present itself as the commune, its administration or the portal's "
                        "moderators. Write your own name."
                    ),
                    code="impersonation",
                )
