"""Cache invalidation only: any change to programme data moves the programme's data version."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from programme import cache

PROGRAMME_MODELS = {
    "commune", "programme", "objective", "principle", "methodstep", "milestone", "committeemember",
    "committeemeeting", "axis", "partner", "project", "activity", "projectupdate", "printsettings",
}


@receiver(post_save)
@receiver(post_delete)
def programme_changed(sender, **kwargs):
    if sender._meta.app_label == "programme" and sender._meta.model_name in PROGRAMME_MODELS:
        cache.data_version_bump()


@receiver(m2m_changed)
def programme_relations_changed(sender, **kwargs):
    if sender._meta.app_label == "programme":
        cache.data_version_bump()
