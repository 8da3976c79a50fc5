"""The search index: one row per public object and language, kept up to date from the apps' registered sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
