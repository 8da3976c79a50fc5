"""The site's one field template (templates/includes/field.html): the limits of a long text, stated before typing."""

import contextlib

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.forms import BoundField, Textarea
from django.utils.translation import ngettext

from openmun.formatting import group_digits

register = template.Library()


def length_limits(bound_field: BoundField) -> tuple[int | None, int | None]:
    """Return the fewest and the most characters a field accepts: the form field's, and in a ModelForm the model's."""
    field = bound_field.field
    low, high = getattr(field, "min_length", None), getattr(field, "max_length", None)
    validators = list(field.validators)
    model = getattr(getattr(bound_field.form, "_meta", None), "model", None)
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            validators += model._meta.get_field(bound_field.name).validators
    for validator in validators:
        limit = getattr(validator, "limit_value", None)
        if not isinstance(limit, int):
            continue
        if isinstance(validator, MinLengthValidator):
            low = max(low or 0, limit)
        elif isinstance(validator, MaxLengthValidator):
            high = min(high, limit) if high else limit
    return low, high


@register.simple_tag
def field_limits(bound_field: BoundField) -> str:
    """Return the length a long text (a textarea) accepts, in words, or "" for other fields and unlimited ones."""
    if not isinstance(bound_field.field.widget, Textarea):
        return ""
    low, high = length_limits(bound_field)
    if not high:
        return ""
    params = {"min": group_digits(low or 0, 0), "max": group_digits(high, 0)}
    if low and low > 1:
        return (
            ngettext("Between %(min)s and %(max)s character.", "Between %(min)s and %(max)s characters.", high) % params
        )
    return ngettext("At most %(max)s character.", "At most %(max)s characters.", high) % params


@register.simple_tag
def field_widget(bound_field: BoundField, limits: str = ""):
    """Render the field's widget, described by its help (where the limits are written) and its errors."""
    if not limits or bound_field.help_text:
        # Django describes the widget by the help and the errors itself.
        return bound_field.as_widget()
    described_by = [f"{bound_field.auto_id}_helptext"]
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_error")
    return bound_field.as_widget(attrs={"aria-describedby": " ".join(described_by)})


@register.filter
def label_plain(label) -> str:
    """Return a field's label without its closing full stop or colon, for a line that adds its own colon."""
    return str(label).rstrip(" .:\u00a0")
