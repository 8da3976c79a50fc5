"""What every public form for citizen input shares, and the moderators' own form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openmun.text import PlainTextField


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
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Seen by staff only.")
    )
