"""Template helpers for citizen participation on pages other apps render (the project page)."""

from django import template
from django.conf import settings

from consultations.forms import CommentForm

register = template.Library()


@register.simple_tag
def comment_form_or_new(form=None):
    """Return the comment form being shown again with its errors, or a new one."""
    return form or CommentForm()


@register.simple_tag
def personal_data_retention_days() -> int:
    """Return how many days contributors' names and e-mail addresses are kept."""
    return settings.OPENMUN_PERSONAL_DATA_RETENTION_DAYS
