"""Public forms (a petition, an online support, a report) and the staff's forms for each step of the procedure."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.forms import ConsentMixin, DisplayNameField
from openmun.antiabuse import HoneypotMixin
from openmun.text import PlainTextField
from petitions.models import CouncilSession, Petition, PetitionEvent, PetitionReport, Support

CITIZEN_FIELDS = ("agent_name",)
ASSOCIATION_FIELDS = ("association_name", "association_founded_on", "association_seat", "association_representative")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PetitionFieldsForm(forms.ModelForm):
    """A petition and its declarations; what the portal can check of its eligibility is checked here."""

    # The parts of the form that apply depend on the kind of petition: no "required" attribute in the HTML.
    use_required_attribute = False

    citizens_eligible = forms.BooleanField(
        label=_(
            "The signatories live in the commune or have an economic, commercial or professional activity "
            "there, meet the conditions for registration on the electoral lists, and have a direct common "
            "interest in the request."
        ),
        required=False,
    )
    association_eligible = forms.BooleanField(
        label=_(
            "The association was constituted in Morocco, runs democratically, is in good standing with the "
            "law, has its seat or a branch in the commune, and its activity is linked to the request."
        ),
        required=False,
    )
    within_limits = forms.BooleanField(
        label=_(
            "The request concerns a matter within the commune's competences and does not touch the "
            "constants set out in article 1 of the Constitution."
        ),
        error_messages={"required": _("A petition that touches these constants cannot be received.")},
    )

    class Meta:
        model = Petition
        fields = [
            "kind",
            "title",
            "request",
            "reasons",
            "domain",
            "agent_name",
            "association_name",
            "association_founded_on",
            "association_seat",
            "association_representative",
            "contact_email",
            "contact_phone",
        ]
        field_classes = {
            "title": PlainTextField,
            "request": PlainTextField,
            "reasons": PlainTextField,
            "agent_name": DisplayNameField,
            "association_name": PlainTextField,
            "association_seat": PlainTextField,
            "association_representative": DisplayNameField,
            "contact_phone": PlainTextField,
        }
        widgets = {
            "kind": forms.RadioSelect,
            "request": forms.Textarea(attrs={"rows": 4}),
            "reasons": forms.Textarea(attrs={"rows": 8}),
            "association_founded_on": DateInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Petition.Kind.choices
        self.fields["domain"].choices = [("", _("Choose the competence concerned")), *Petition.Domain.choices]
        self.fields["contact_email"].required = True
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs.update({"autocomplete": "tel", "dir": "ltr", "inputmode": "tel"})
        self.fields["agent_name"].widget.attrs["autocomplete"] = "name"
        self.fields["association_founded_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        # Each part of the form is required for its kind of petition: shown as required before the choice is
        # known, checked as required for the kind chosen.
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        for kind_value, names in (
            (Petition.Kind.CITIZENS, (*CITIZEN_FIELDS, "citizens_eligible")),
            (Petition.Kind.ASSOCIATION, (*ASSOCIATION_FIELDS, "association_eligible")),
        ):
            for name in names:
                self.fields[name].required = kind in (None, kind_value)
        for name in ("citizens_eligible", "association_eligible"):
            self.fields[name].error_messages["required"] = _(
                "Tick this box to confirm that the petition meets these conditions."
            )

    def _update_errors(self, errors):
        # The model's checks repeat what the form already said about a field left empty: say it once.
        if hasattr(errors, "error_dict"):
            errors = forms.ValidationError(
                {field: field_errors for field, field_errors in errors.error_dict.items() if field not in self._errors}
            )
        super()._update_errors(errors)

    def _post_clean(self):
        # The model checks what depends on the kind (the association's age); blank the other kind's fields.
        if self.cleaned_data.get("kind") == Petition.Kind.CITIZENS:
            for name in ASSOCIATION_FIELDS:
                self.cleaned_data[name] = None if name == "association_founded_on" else ""
        elif self.cleaned_data.get("kind") == Petition.Kind.ASSOCIATION:
            self.cleaned_data["agent_name"] = ""
        super()._post_clean()


class PetitionForm(ConsentMixin, HoneypotMixin, PetitionFieldsForm):
    """Submit a petition online for pre-check."""


class PaperPetitionForm(PetitionFieldsForm):
    """Staff type in a petition filed on paper: the same fields and declarations, the language it is written in.

    The declarations are ticked only when the paper petition makes them; a paper filing may give no e-mail address.
    """

    class Meta(PetitionFieldsForm.Meta):
        fields = [*PetitionFieldsForm.Meta.fields, "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_email"].required = False
        self.fields["language"].choices = settings.LANGUAGES
        # Typed in from paper, in either language, in an admin of the other direction.
        for name in (
            "title",
            "request",
            "reasons",
            "agent_name",
            "association_name",
            "association_seat",
            "association_representative",
        ):
            self.fields[name].widget.attrs["dir"] = "auto"

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class SupportForm(HoneypotMixin, forms.ModelForm):
    """Support a petition online: name, link with the commune, e-mail and consent; never an ID number."""

    class Meta:
        model = Support
        fields = ["name", "relation", "email", "keep_informed", "consent"]
        field_classes = {"name": DisplayNameField}
        widgets = {"relation": forms.RadioSelect}
        labels = {
            "consent": _(
                "I agree that the commune keeps my name, my link with the commune and my e-mail address "
                "to count my support, as explained above."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].choices = Support.Relation.choices
        self.fields["consent"].required = True
        self.fields["consent"].error_messages["required"] = _("Tick this box to give your support.")
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def validate_unique(self):
        # One support per address is the service's rule: it answers the same way whether or not the address
        # has supported before, so that nobody can find out who supports a petition.
        pass


class PetitionReportForm(HoneypotMixin, forms.ModelForm):
    """Report a public petition to the moderators: a reason and an optional short note; no name, no address."""

    class Meta:
        model = PetitionReport
        fields = ["reason", "note"]
        field_classes = {"note": PlainTextField}
        widgets = {"reason": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"reason": _("Why do you report this petition?")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "report")
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = PetitionReport.Reason.choices
        self.fields["reason"].error_messages["required"] = _("Choose why you report this petition.")
        self.fields["note"].widget.attrs["dir"] = "auto"


# Staff: one form per step of the procedure; each is handled by the service of the same name.


def _translated_field(field_class, label, *, required_first: bool = True, **kwargs) -> dict[str, forms.Field]:
    fields = {}
    for index, (code, name) in enumerate(settings.LANGUAGES):
        fields[code] = field_class(label=f"{label} ({name})", required=required_first and index == 0, **kwargs)
    return fields


class StepForm(forms.Form):
    """A step of the procedure; subclasses name their service's keyword arguments as fields."""

    translated: dict[str, tuple[str, bool]] = {}

    def __init__(self, *args, petition: Petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        for stem, (label, required) in self.translated.items():
            for code, field in _translated_field(
                forms.CharField, label, required_first=required, widget=forms.Textarea(attrs={"rows": 3})
            ).items():
                self.fields[f"{stem}_{code}"] = field

    def service_kwargs(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if not any(name.startswith(f"{stem}_") for stem in self.translated)
        }
        for stem in self.translated:
            data[stem] = {code: self.cleaned_data.get(f"{stem}_{code}", "") for code, _name in settings.LANGUAGES}
        return data


class PublishStepForm(StepForm):
    translated = {"notes": (_("public note"), False)}


class NotAdmitStepForm(StepForm):
    reason = forms.CharField(
        label=_("reason, sent to the petition's authors"), widget=forms.Textarea(attrs={"rows": 4})
    )


def _document_field() -> forms.FileField:
    return forms.FileField(
        label=PetitionEvent._meta.get_field("document").verbose_name,
        required=False,
        help_text=PetitionEvent._meta.get_field("document").help_text,
    )


class DepositStepForm(StepForm):
    receipt_number = forms.CharField(label=Petition._meta.get_field("receipt_number").verbose_name, max_length=60)
    deposited_on = forms.DateField(label=Petition._meta.get_field("deposited_on").verbose_name, widget=DateInput)
    paper_signature_count = forms.IntegerField(
        label=Petition._meta.get_field("paper_signature_count").verbose_name,
        min_value=0,
        required=False,
    )
    document = _document_field()


class ReviewStepForm(StepForm):
    started_on = forms.DateField(label=Petition._meta.get_field("review_started_on").verbose_name, widget=DateInput)


class AcceptStepForm(StepForm):
    translated = {"committees": (_("referred to the committees"), True), "notes": (_("public note"), False)}
    decided_on = forms.DateField(label=Petition._meta.get_field("decided_on").verbose_name, widget=DateInput)
    session = forms.ModelChoiceField(label=_("ordinary session"), queryset=CouncilSession.objects.none())
    document = _document_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["session"].queryset = CouncilSession.objects.ordinary().upcoming(today)
        self.fields["session"].initial = CouncilSession.objects.next_ordinary_after(today)


class RefuseStepForm(StepForm):
    translated = {"reasons": (_("reasons for the refusal"), True)}
    decided_on = forms.DateField(label=Petition._meta.get_field("decided_on").verbose_name, widget=DateInput)
    notified_on = forms.DateField(
        label=Petition._meta.get_field("refusal_notified_on").verbose_name,
        widget=DateInput,
        required=False,
        help_text=_("Leave empty if the agent has not been notified yet."),
    )
    document = _document_field()


class NotifyStepForm(StepForm):
    notified_on = forms.DateField(label=Petition._meta.get_field("refusal_notified_on").verbose_name, widget=DateInput)
    document = _document_field()


class DeliberateStepForm(StepForm):
    translated = {"summaries": (_("summary of the council's decision"), True)}
    deliberated_on = forms.DateField(label=Petition._meta.get_field("deliberated_on").verbose_name, widget=DateInput)
    outcome = forms.ChoiceField(
        label=Petition._meta.get_field("outcome").verbose_name, choices=Petition.Outcome.choices
    )
    decision_reference = forms.CharField(
        label=Petition._meta.get_field("decision_reference").verbose_name, max_length=100
    )
    document = _document_field()


class WithdrawStepForm(StepForm):
    translated = {"notes": (_("public note"), False)}
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DateInput)
