"""Public forms for citizen input, and the moderators' forms; labels and limits come from the models."""

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from consultations.models import Comment, Contribution, Round
from moderation.forms import ConsentMixin, DisplayNameField, text_direction_set
from moderation.models import Moderated
from openmun.antiabuse import HoneypotMixin
from openmun.forms import ModelChoicesField
from openmun.text import PlainTextField
from programme.models import Axis, Project


class ContributionForm(ConsentMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ["text", "title", "axis", "project", "display_name", "email"]
        field_classes = {"text": PlainTextField, "title": PlainTextField, "display_name": DisplayNameField}
        widgets = {"text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, consultation_round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.round = consultation_round
        programme = consultation_round.programme_id
        self.fields["axis"].queryset = Axis.objects.filter(programme_id=programme).order_by("number")
        self.fields["project"].queryset = Project.objects.filter(programme_id=programme).order_by("number")
        self.fields["axis"].empty_label = _("No particular axis")
        self.fields["project"].empty_label = _("No particular project")
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"
        text_direction_set(self)

    def clean(self):
        cleaned_data = super().clean()
        axis, project = cleaned_data.get("axis"), cleaned_data.get("project")
        if axis and project and project.axis_id != axis.pk:
            self.add_error(
                "project",
                forms.ValidationError(
                    _("This project belongs to another axis. Choose its axis, or no axis."), code="project_axis"
                ),
            )
        return cleaned_data


class CommentForm(ConsentMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["text", "display_name", "email"]
        field_classes = {"text": PlainTextField, "display_name": DisplayNameField}
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "email": _("Never published. The commune uses it only to contact you about your comment."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"
        text_direction_set(self)


# Translators: the label of the official reply's field in this language, in the admin and on the project page.
REPLY_LABELS = {"ar": _("Official reply in Arabic"), "fr": _("Official reply in French")}


def reply_languages() -> list[tuple[str, str, str]]:
    """Return each language of the official reply: its code, the label of its field and its direction."""
    return [
        (code, REPLY_LABELS.get(code, name), "rtl" if translation.get_language_info(code)["bidi"] else "ltr")
        for code, name in settings.LANGUAGES
    ]


def reply_fields_add(form: forms.BaseForm, initial: dict[str, str] | None = None) -> None:
    """Add a field per language for the official reply (text_ar, text_fr), each with its own language and direction."""
    for code, label, direction in reply_languages():
        form.fields[f"text_{code}"] = PlainTextField(
            label=label,
            required=False,
            initial=(initial or {}).get(code, ""),
            max_length=Comment._meta.get_field("text").max_length,
            widget=forms.Textarea(attrs={"rows": 4, "lang": code, "dir": direction}),
        )


def reply_texts(cleaned_data: dict) -> dict[str, str]:
    """Return the official reply's text in each language, from a form that has reply fields."""
    return {code: cleaned_data.get(f"text_{code}") or "" for code, _name in settings.LANGUAGES}


class ReplyForm(forms.Form):
    """The commune's official reply to a comment, in Arabic, French or both."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reply_fields_add(self)

    def clean(self):
        cleaned_data = super().clean()
        if not any(reply_texts(cleaned_data).values()):
            raise forms.ValidationError(_("Write the reply in Arabic, in French, or in both."), code="reply_required")
        return cleaned_data


class ModerationForm(forms.Form):
    """Publish or hide the selected contributions and comments, with a reason (required to hide)."""

    contributions = ModelChoicesField(
        queryset=Contribution.objects.for_review(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    comments = ModelChoicesField(
        queryset=Comment.objects.for_review(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision = forms.ChoiceField(
        choices=[(Moderated.Status.PUBLISHED, _("Publish")), (Moderated.Status.HIDDEN, _("Hide"))]
    )
    reason = PlainTextField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to hide. Never published; e-mailed to the author who left an address."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text_direction_set(self)

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("contributions") and not cleaned_data.get("comments"):
            raise forms.ValidationError(_("Select at least one item."), code="nothing_selected")
        if cleaned_data.get("decision") == Moderated.Status.HIDDEN and not cleaned_data.get("reason"):
            self.add_error(
                "reason", forms.ValidationError(_("Give the reason for hiding them."), code="reason_required")
            )
        return cleaned_data
