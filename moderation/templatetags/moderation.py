"""Template helpers for the forms that collect citizen input."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def personal_data_retention_days() -> int:
    """Return how many days contributors' names and e-mail addresses are kept."""
    return settings.OPENMUN_PERSONAL_DATA_RETENTION_DAYS
