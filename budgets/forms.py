"""Public forms of the participatory budget and the staff's budget forms; labels and limits come from the models."""

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.imports import amount_parse
from budgets.models import Proposal
from moderation.forms import ConsentMixin, DisplayNameField
from openmun.antiabuse import HoneypotMixin
from openmun.forms import ModelChoicesField
from openmun.text import PlainTextField


class AmountField(forms.DecimalField):
    """An amount in dirhams as people type it: "150 000", "150000,50" or "150 000 DH"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return amount_parse(str(value))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class ProposalForm(ConsentMixin, HoneypotMixin, forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "description", "neighbourhood", "estimated_cost", "display_name", "email"]
        field_classes = {
            "title": PlainTextField,
            "description": PlainTextField,
            "neighbourhood": PlainTextField,
            "display_name": DisplayNameField,
            "estimated_cost": AmountField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            # A plain text box: a number spinner is awkward with grouped digits and a decimal comma.
            "estimated_cost": forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["display_name"].widget.attrs["autocomplete"] = "nickname"


class VoterForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_(
            "We send you a link that opens your ballot. The address is not kept: only a fingerprint of it, "
            "so that each address votes once."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )


class ProposalChoiceField(ModelChoicesField):
    """The proposals ticked on a ballot, checked against those its form shows (among), without a query."""

    among: dict[str, Proposal] | None = None

    def label_from_instance(self, obj):
        return obj.title

    def _check_values(self, value):
        # Django reads the ticked proposals again to check them (one query per ballot sent), when the form was given
        # the proposals it shows, read for the page already. ModelChoicesField.clean has checked that each is a key.
        if self.among is None:
            return super()._check_values(value)
        chosen = {}
        for item in value:
            proposal = self.among.get(str(item))
            if proposal is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
            chosen[proposal.pk] = proposal
        return list(chosen.values())


def proposal_choices_set(form: forms.Form, proposals: list[Proposal]) -> None:
    """Let the form's proposals field offer these proposals, and check a choice against them without a query."""
    field = form.fields["proposals"]
    field.queryset = Proposal.objects.filter(pk__in=[p.pk for p in proposals])
    field.among = {str(proposal.pk): proposal for proposal in proposals}


class BallotForm(forms.Form):
    """The voter's choice among the eligible proposals; the envelope rule is the service's."""

    proposals = ProposalChoiceField(
        label=_("Your choice of proposals"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one proposal.")},
    )

    def __init__(self, *args, proposals: list[Proposal], **kwargs):
        super().__init__(*args, **kwargs)
        proposal_choices_set(self, proposals)


class PaperBallotForm(forms.Form):
    reference = PlainTextField(label=_("Paper ballot number"), max_length=40)
    proposals = ProposalChoiceField(
        label=_("Proposals chosen on the ballot"),
        queryset=Proposal.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, proposals: list[Proposal], **kwargs):
        super().__init__(*args, **kwargs)
        proposal_choices_set(self, proposals)


class BudgetFileForm(forms.Form):
    file = forms.FileField(
        label=_("Budget file (CSV or XLSX)"),
        help_text=_("One row per category, with the columns of the template. CSV files must be in UTF-8."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
