"""Citizen text: clean what people type and refuse markup and look-alike spam before anything is stored.

Whatever passes is still escaped when rendered: these checks keep the stored text plain and readable, they
are not what makes a page safe. Links stay text: no template turns a citizen's URL into a link.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

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
