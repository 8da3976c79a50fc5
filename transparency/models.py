"""The search index: one row per public object and language, kept up to date from the apps' registered sources;
and the synonyms staff declare, which the search looks for in place of one another."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from openmun.search import MAX_SYNONYMS, synonym_phrase, synonym_words


class SearchEntry(models.Model):
    """What the search finds of one public object in one language: its text, and that text folded.

    Derived data, like a cache: rebuilt from the objects by transparency.index (on every save and delete, and by
    manage.py rebuild_search_index), never edited.
    """

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    language = models.CharField(_("language"), max_length=10)
    url = models.CharField(_("address"), max_length=500)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    context = models.CharField(_("context"), max_length=500, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    # Title, context and text in both languages, folded (openmun.folding): what a query is matched against.
    folded = models.TextField(_("folded text"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering = ["kind", "object_id", "language"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="searchentry_unique"),
        ]
        indexes = [models.Index(fields=["language", "kind"], name="searchentry_language_kind")]

    def __str__(self) -> str:
        return self.title


class SearchSynonym(models.Model):
    """A group of words and expressions that people use for the same thing: a search for one finds the others.

    Darija and everyday French beside the programme's standard Arabic and administrative French, and the usual
    misspellings. Edited by staff through transparency.services; read by the search (transparency.selectors).
    """

    subject = models.CharField(
        _("subject"), max_length=100, help_text=_("What the words are about, for staff: it is never shown publicly.")
    )
    words = models.TextField(
        _("equivalent words"),
        max_length=2000,
        help_text=_(
            "One word or expression a line (or separated by commas), in Arabic, Darija or French, with the usual "
            "misspellings. Alef forms, teh marbuta, accents, case, the article and the French plural s need not be "
            "listed: the search ignores them."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search synonym group")
        verbose_name_plural = _("search synonyms")
        ordering = ["subject", "pk"]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        members = {synonym_phrase(word) for word in synonym_words(self.words)} - {()}
        if len(members) < 2:
            raise ValidationError(
                {
                    "words": ValidationError(
                        _("Give at least two different words or expressions that a search can look for."),
                        code="too_few_words",
                    )
                }
            )
        if len(members) > MAX_SYNONYMS:
            message = ngettext_lazy(
                "Give at most %(limit)d word or expression: split the group by meaning.",
                "Give at most %(limit)d words or expressions: split the group by meaning.",
                "limit",
            )
            raise ValidationError(
                {"words": ValidationError(message, code="too_many_words", params={"limit": MAX_SYNONYMS})}
            )

    def word_list(self) -> list[str]:
        """Return the group's words and expressions as staff typed them."""
        return synonym_words(self.words)
