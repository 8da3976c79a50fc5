"""What every public form for citizen input shares, and the moderators' own form."""

from collections.abc import Callable, Iterable

from django import forms
from django.utils.translation import gettext_lazy as _

from openmun.text import PlainTextField, validate_not_impersonating

# Where the commune's own names come from: programme registers a function at start-up (moderation is below
# programme and may not import it).
COMMUNE_NAME_SOURCES: list[Callable[[], Iterable[str]]] = []


def commune_names_register(source: Callable[[], Iterable[str]]) -> None:
    """Register a function that returns the commune's names, which no citizen may take as theirs."""
    if source not in COMMUNE_NAME_SOURCES:
        COMMUNE_NAME_SOURCES.append(source)


def validate_display_name(value: str) -> None:
    """Refuse a name that presents a citizen as the commune, its administration, its moderators or an official reply."""
    validate_not_impersonating(value, names=[name for source in COMMUNE_NAME_SOURCES for name in source()])


class DisplayNameField(PlainTextField):
    """A name a citizen gives on a public form (to display, or as a petition's agent or supporter): plain text that
    does not pass itself off as the commune."""

    default_validators = [*PlainTextField.default_validators, validate_display_name]


def text_direction_set(form: forms.BaseForm) -> None:
    """Let text fields follow what is typed (Arabic or French) and keep e-mail addresses left to right."""
    for name, field in form.fields.items():
        if name == "email":
            field.widget.attrs.update({"dir": "ltr", "autocomplete": "email"})
        elif isinstance(field, PlainTextField):
            field.widget.attrs["dir"] = "auto"


class ConsentMixin:
    """Ask for consent to the personal-data notice shown above the button (law 09-08)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"] = forms.BooleanField(
            label=_("I have read the notice on personal data above and I agree."),
            error_messages={"required": _("Tick this box to send your text.")},
        )


class HideReasonForm(forms.Form):
    """The reason asked by the admin's "hide" action."""

    reason = PlainTextField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Never published. The authors of contributions and comments who left an e-mail address receive it."
        ),
    )
