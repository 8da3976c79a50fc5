"""Staff area: council sessions and their agendas; petitions, whose steps are forms that call the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as db_models
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from following.registry import target_key
from following.services import announce
from moderation.admin import ModeratedAdmin
from openmun import admin_columns as columns
from openmun.links import site_url
from petitions import forms as step_forms
from petitions import models, services

State = models.Petition.State


class AgendaItemInline(TranslationTabularInline):
    model = models.AgendaItem
    extra = 0
    autocomplete_fields = ("project",)


@admin.register(models.CouncilSession)
class CouncilSessionAdmin(TabbedTranslationAdmin):
    list_display = ("title", "kind", "expected", "held")
    list_filter = ("kind",)
    search_fields = ("title_ar", "title_fr")
    date_hierarchy = "period_start"
    prepopulated_fields = {"slug": ("title_fr",)}
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "notes")}),
        (_("Dates"), {"fields": ("period_start", "period_end", "starts_on", "ends_on")}),
        (_("Report to the council"), {"fields": ("report_links",)}),
    )
    readonly_fields = ("report_links",)
    inlines = [AgendaItemInline]

    def save_formset(self, request, form, formset, change):
        """Save the agenda, and tell the followers of a project newly put on it, once for each session."""
        super().save_formset(request, form, formset, change)
        session = form.instance
        if formset.model is not models.AgendaItem or session.is_past:
            return
        saved = formset.new_objects + [item for item, fields in formset.changed_objects if "project" in fields]
        for project_id in sorted({item.project_id for item in saved if item.project_id}):
            announce(
                target=target_key("project", project_id),
                event="agenda",
                reference=f"session:{session.pk}",
                site_url=site_url(request),
            )

    @admin.display(description=_("expected from"), ordering="period_start")
    def expected(self, obj):
        return columns.period(obj.period_start, obj.period_end)

    @admin.display(description=_("Dates"), ordering="starts_on")
    def held(self, obj):
        return columns.period(obj.starts_on, obj.ends_on)

    @admin.display(description=_("session report (PDF)"))
    def report_links(self, obj):
        if obj is None or obj.pk is None:
            return _("Available once the session is saved.")
        links = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                url = reverse("council:session-report", kwargs={"slug": obj.slug})
            links.append(format_html('<a href="{}" type="application/pdf" hreflang="{}">{}</a>', url, code, name))
        return format_html_join(" · ", "{}", ((link,) for link in links))


@dataclass(frozen=True)
class Step:
    label: str
    form_class: type[step_forms.StepForm]
    service: Callable
    target: str | None = None
    needs_site_url: bool = True

    def available_for(self, petition: models.Petition) -> bool:
        if self.target is None:  # the notification of a refusal, which changes no state
            return petition.state == State.REFUSED and petition.refusal_notified_on is None
        return self.target in services.allowed_next_states(petition)


STEPS: dict[str, Step] = {
    "publish": Step(
        _("Publish after the pre-check"),
        step_forms.PublishStepForm,
        services.petition_publish,
        State.PUBLISHED,
    ),
    "not-admit": Step(
        _("Do not admit at the pre-check"),
        step_forms.NotAdmitStepForm,
        services.petition_not_admit,
        State.NOT_ADMITTED,
    ),
    "deposit": Step(_("Record the deposit"), step_forms.DepositStepForm, services.petition_deposit, State.DEPOSITED),
    "review": Step(
        _("Start the bureau's review"), step_forms.ReviewStepForm, services.petition_review_start, State.UNDER_REVIEW
    ),
    "accept": Step(_("Record the acceptance"), step_forms.AcceptStepForm, services.petition_accept, State.ACCEPTED),
    "refuse": Step(_("Record the refusal"), step_forms.RefuseStepForm, services.petition_refuse, State.REFUSED),
    "notify": Step(
        _("Record the notification of the refusal"),
        step_forms.NotifyStepForm,
        services.petition_refusal_notify,
        needs_site_url=False,
    ),
    "deliberate": Step(
        _("Record the council's deliberation"),
        step_forms.DeliberateStepForm,
        services.petition_deliberate,
        State.DELIBERATED,
    ),
    "withdraw": Step(
        _("Record the withdrawal"), step_forms.WithdrawStepForm, services.petition_withdraw, State.WITHDRAWN
    ),
}


def errors_attach(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = (
            field
            if field in form.fields
            else next((name for name in form.fields if name.startswith(f"{field}_")), None)
        )
        form.add_error(target, errors)


class PetitionEventInline(TranslationTabularInline):
    model = models.PetitionEvent
    extra = 0
    formfield_overrides = {db_models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}
    fields = ("date", "action", "note", "document", "acting_user", "recorded_at")
    readonly_fields = ("date", "action", "document", "acting_user", "recorded_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Steps are recorded by the step forms, which check the procedure.
        return False


class PetitionReportInline(admin.TabularInline):
    """Visitors' reports, with their reasons, for the moderators: read only; a moderation decision settles them."""

    model = models.PetitionReport
    extra = 0
    fields = ("created_at", "reason", "note", "settled")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("reports from visitors")

    def has_add_permission(self, request, obj=None):
        # Visitors report from the petition's page, through the service.
        return False

    def get_queryset(self, request):
        # "settled" compares each report with the petition's last moderation decision: one query for all rows.
        return super().get_queryset(request).select_related("petition")

    @admin.display(description=_("settled"), boolean=True)
    def settled(self, obj):
        return obj.is_settled


@admin.register(models.Petition)
class PetitionAdmin(ModeratedAdmin, TabbedTranslationAdmin):
    """Petitions: the steps of the procedure are forms that call the services; after its publication, a petition
    can be taken down and put back by the portal's moderation actions."""

    actions = ["publish_selected", "hide_selected"]
    # Kind and channel are filters: the state, the deadlines and the dates stay in sight at 1280 px and on a tablet.
    list_display = (
        "title_excerpt",
        "state",
        "status",
        "report_count",
        "support_count",
        "deposited",
        "notice_deadline_display",
    )
    list_display_links = ("title_excerpt",)
    list_filter = ("state", "status", "kind", "channel", "domain")
    search_fields = ("title", "agent_name", "association_name", "receipt_number")
    date_hierarchy = "created_at"
    list_select_related = ("session",)
    change_form_template = "admin/petitions/petition/change_form.html"
    change_list_template = "admin/petitions/petition/change_list.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "kind",
                    "title",
                    "request",
                    "reasons",
                    "domain",
                    "language",
                    "channel",
                    "recorded_by",
                    "created_at",
                )
            },
        ),
        (
            _("Agent or association"),
            {
                "fields": (
                    "agent_name",
                    "association_name",
                    "association_founded_on",
                    "association_seat",
                    "association_representative",
                )
            },
        ),
        (_("Contact details (never published)"), {"fields": ("contact_email", "contact_phone")}),
        (_("Pre-check"), {"fields": ("status", "moderation_reason", "moderated_at", "moderated_by", "report_count")}),
        (
            _("Procedure"),
            {
                "fields": (
                    "state",
                    "signature_threshold",
                    "support_count",
                    "published_on",
                    "receipt_number",
                    "deposited_on",
                    "paper_signature_count",
                    "notice_deadline_display",
                    "review_started_on",
                    "decided_on",
                    "session",
                    "committees",
                    "refusal_reasons",
                    "refusal_notified_on",
                    "deliberated_on",
                    "outcome",
                    "decision_reference",
                    "decision_summary",
                    "closed_on",
                )
            },
        ),
    )
    # Only the public texts staff wrote stay editable here, to add or correct a language; every step of the
    # procedure goes through its form and service.
    editable_fields = ("committees", "refusal_reasons", "decision_summary")
    inlines = [PetitionReportInline, PetitionEventInline]

    def get_readonly_fields(self, request, obj=None):
        # modeltranslation has put committees_ar and committees_fr in the place of committees.
        editable = {f"{name}_{code}" for name in self.editable_fields for code, _name in settings.LANGUAGES}
        names = [name for fieldset in self.fieldsets for name in fieldset[1]["fields"]]
        return [name for name in names if name not in editable and name not in self.editable_fields]

    def add_view(self, request, form_url="", extra_context=None):
        """Type in a petition filed on paper, through the same checks and service as the public form."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = step_forms.PaperPetitionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                petition = services.petition_record_paper(
                    acting_user=request.user, site_url=site_url(request), **form.service_kwargs()
                )
            except ValidationError as error:
                errors_attach(form, error)
            else:
                self.message_user(
                    request,
                    _("The petition filed on paper is recorded. Pre-check it with the steps on its page."),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:petitions_petition_change", args=[petition.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enter a petition filed on paper"),
            "opts": self.model._meta,
            "form": form,
            "changelist_url": reverse("admin:petitions_petition_changelist"),
        }
        return TemplateResponse(request, "admin/petitions/petition/paper_form.html", context)

    def has_delete_permission(self, request, obj=None):
        # Deleting a petition deletes its timeline and every online support with it; the procedure withdraws
        # a petition instead (the "withdrawn" step). Only a superuser may delete one, e.g. a test.
        return request.user.is_superuser

    @admin.display(description=_("limit for notifying a refusal"))
    def notice_deadline_display(self, obj):
        return columns.day(obj.notice_deadline)

    @admin.display(description=_("title"), ordering="title")
    def title_excerpt(self, obj):
        return columns.excerpt(obj.title)

    @admin.display(description=_("deposited on"), ordering="deposited_on")
    def deposited(self, obj):
        return columns.day(obj.deposited_on)

    def _moderate(self, request, queryset, decision: str, reason: str = "") -> None:
        # The first publication is the procedure's step, with its timeline and e-mail; a petition not admitted
        # is closed. Moderation takes down, or puts back, a petition published before.
        never = queryset.filter(published_on__isnull=True)
        if never.exists():
            self.message_user(
                request,
                _("Petitions never published are pre-checked with the steps on their page: %(titles)s")
                % {"titles": pgettext("list separator", ", ").join(str(p) for p in never)},
                messages.WARNING,
            )
        queryset = queryset.filter(published_on__isnull=False)
        if queryset.exists():
            super()._moderate(request, queryset, decision, reason)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<slug:step>/",
                self.admin_site.admin_view(self.step_view),
                name="petitions_petition_step",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        petition = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if petition is not None and request.user.has_perm("petitions.decide_petition"):
            extra_context["steps"] = [
                (slug, step.label) for slug, step in STEPS.items() if step.available_for(petition)
            ]
        extra_context["can_export"] = request.user.has_perm("petitions.export_supporters")
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id: str, step: str):
        if not request.user.has_perm("petitions.decide_petition"):
            raise PermissionDenied
        petition = self.get_object(request, object_id)
        if petition is None or step not in STEPS:
            raise Http404
        definition = STEPS[step]
        change_url = reverse("admin:petitions_petition_change", args=[petition.pk])
        form = definition.form_class(request.POST or None, request.FILES or None, petition=petition)
        if request.method == "POST" and form.is_valid():
            kwargs = form.service_kwargs()
            if definition.needs_site_url:
                kwargs["site_url"] = site_url(request)
            try:
                definition.service(petition=petition, acting_user=request.user, **kwargs)
            except ValidationError as error:
                errors_attach(form, error)
            else:
                self.message_user(request, _("Recorded: %(step)s.") % {"step": definition.label}, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": definition.label,
            "subtitle": str(petition),
            "opts": self.model._meta,
            "original": petition,
            "form": form,
            "change_url": change_url,
            "allowed": [State(state).label for state in services.allowed_next_states(petition)],
        }
        return TemplateResponse(request, "admin/petitions/petition/step.html", context)
