"""Form fields every app's forms may use (citizen text has its own: openmun/text.py)."""

from django import forms
from django.core.exceptions import ValidationError


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses a value its model's key cannot hold, before any query.

    Django looks the chosen values up in one `pk__in` query: a value out of the key's range (twenty digits) makes
    PostgreSQL refuse the query and SQLite unable to send it, a server error for a form anyone can post. Each value
    is checked as the key field checks its own (a number within the database's range) and an impossible one is an
    invalid choice, as an unknown one is.
    """

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            key = self.queryset.model._meta.pk if self.to_field_name in (None, "pk") else None
            key = key or self.queryset.model._meta.get_field(self.to_field_name)
            for item in value:
                try:
                    key.run_validators(key.to_python(item))
                except (ValidationError, TypeError, ValueError):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    ) from None
        return super().clean(value)


# The longest key a form may name: a BigAutoField holds up to 19 digits.
MAX_ID_DIGITS = 19


def posted_ids(values: list[str]) -> set[int]:
    """Return the record ids among posted values (checkboxes shown again as checked), ignoring anything else.

    Only ASCII digits, and no more than a key can hold: "²".isdigit() is true but int() refuses it, and int() refuses
    a number of more than 4 300 digits.
    """
    return {int(value) for value in values if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS}
