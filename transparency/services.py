"""Writes of the transparency app: the search synonyms that staff edit (the search index rebuilds itself)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from openmun.actions import permission_require
from openmun.cache import model_changed
from openmun.search import synonym_words
from openmun.text import normalise
from transparency.models import SearchSynonym


def synonym_save(
    *, synonym: SearchSynonym | None = None, subject: str, words: str, acting_user: AbstractBaseUser
) -> SearchSynonym:
    """Create a synonym group (or give an unsaved one its words), or change one; cached search pages forget it."""
    synonym = synonym or SearchSynonym()
    action = "add" if synonym._state.adding else "change"
    permission_require(acting_user, f"transparency.{action}_searchsynonym")
    synonym.subject = normalise(subject, multiline=False)
    # One member a line, whichever separators staff typed.
    synonym.words = "\n".join(synonym_words(normalise(words)))
    synonym.full_clean()
    with transaction.atomic():
        synonym.save()
        # The save's signal moves the version too; a search page cached with the old words must not survive.
        model_changed(SearchSynonym)
    return synonym


def synonym_delete(*, synonym: SearchSynonym, acting_user: AbstractBaseUser) -> None:
    """Delete a synonym group; the search no longer looks for its words in place of one another."""
    permission_require(acting_user, "transparency.delete_searchsynonym")
    with transaction.atomic():
        synonym.delete()
        model_changed(SearchSynonym)
