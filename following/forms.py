"""The "follow this page" form: an e-mail address, how often, consent; and the honeypot."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from following.models import Follow
from following.registry import target_resolve
from moderation.forms import ConsentMixin
from openmun.antiabuse import HoneypotMixin


class FollowForm(HoneypotMixin, ConsentMixin, forms.Form):
    """Ask for the news of one page by e-mail, without an account."""

    target = forms.CharField(widget=forms.HiddenInput, max_length=100)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We send you a link to confirm. It is never shown publicly."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Follow.Frequency.choices,
        initial=Follow.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "follow")
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"dir": "ltr", "autocomplete": "email"})
        self.fields["consent"].error_messages["required"] = _("Tick this box to receive the news of this page.")

    def clean(self):
        cleaned = super().clean()
        # A hidden field, so a form-level error: a tampered or outdated page names nothing that can be followed.
        if "target" in cleaned and target_resolve(cleaned["target"]) is None:
            self.add_error(None, ValidationError(_("This page cannot be followed."), code="unknown_target"))
        return cleaned
