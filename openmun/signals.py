"""Cache invalidation only: a change to any model of the portal's apps moves the content versions
(openmun/cache.py), whichever app, admin page, service or fixture made it."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from openmun import cache

# Sent by a service that writes in bulk (bulk_create sends no post_save), with sender=the model and pks=the
# primary keys written, so that whatever is derived from those rows (caches, the search index) is rebuilt as
# after a save. Send it once the transaction commits.
objects_bulk_saved = Signal()


@receiver(post_save)
@receiver(post_delete)
@receiver(objects_bulk_saved)
@receiver(m2m_changed)
def model_changed(sender, **kwargs):
    # For m2m_changed the sender is the relation's through model, which belongs to the app that declares it.
    if kwargs.get("action", "post_").startswith("post_"):
        cache.model_changed(sender)
