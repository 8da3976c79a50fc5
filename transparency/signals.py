"""Keep derived data in step: the search index entries of an object follow its saves and deletes.

Like cache invalidation, this only rebuilds what is derived from the data (transparency/index.py); no rule of the
domain lives here. Fixture loading (raw saves, where related rows may not be loaded yet) is skipped:
load_commune_data rebuilds the whole index afterwards.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from openmun.signals import objects_bulk_saved
from transparency import index
from transparency.registry import registry


def _label(sender) -> str:
    return sender._meta.label_lower


@receiver(post_save, dispatch_uid="transparency-search-saved")
def search_object_saved(sender, instance, raw=False, **kwargs):
    if raw or not registry.searches:
        return
    label = _label(sender)
    for source in registry.searches.values():
        if source.model._meta.label_lower == label:
            index.search_entries_refresh(source, [instance.pk])
        related = source.related.get(label)
        if related is not None:
            index.search_entries_refresh(source, list(related(instance)))


@receiver(objects_bulk_saved, dispatch_uid="transparency-search-bulk-saved")
def search_objects_bulk_saved(sender, pks, **kwargs):
    for source in registry.searches.values():
        if source.model._meta.label_lower == _label(sender):
            index.search_entries_refresh(source, list(pks))


@receiver(post_delete, dispatch_uid="transparency-search-deleted")
def search_object_deleted(sender, instance, **kwargs):
    if not registry.searches:
        return
    label = _label(sender)
    for source in registry.searches.values():
        if source.model._meta.label_lower == label:
            index.search_entries_remove(source, [instance.pk])
        related = source.related.get(label)
        if related is not None:
            index.search_entries_refresh(source, list(related(instance)))
