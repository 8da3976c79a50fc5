import hashlib
from itertools import pairwise
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.staticfiles import finders
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language_bidi, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from budgets import imports, models, services
from budgets.forms import BudgetFileForm, PaperBallotForm
from budgets.selectors import amount_sum
from moderation.admin import ModeratedAdmin
from openmun import admin_columns as columns
from openmun import cache
from openmun.spreadsheets import csv_response, xlsx_response

IMPORT_SALT = "budgets.import.table"
# How long a preview can be confirmed; it can be confirmed once, for the year it was made for.
IMPORT_MAX_AGE = 3600
TEMPLATE = "budgets/budget-template.csv"


class PreviewUsed(Exception):
    """The lines of the year are no longer those the preview was made over: it was confirmed, or they changed."""


def lines_state(budget_year: models.BudgetYear) -> str:
    """Return a digest of the lines a year has now; an import replaces them all (new keys), so it moves then."""
    keys = ",".join(str(pk) for pk in budget_year.lines.order_by("pk").values_list("pk", flat=True))
    return hashlib.sha256(f"{budget_year.pk}:{keys}".encode()).hexdigest()


class BudgetLineInline(TranslationTabularInline):
    model = models.BudgetLine
    extra = 0
    fields = ("part", "direction", "code", "position", "label", "adopted", "executed")


@admin.register(models.BudgetYear)
class BudgetYearAdmin(TabbedTranslationAdmin):
    list_display = ("year", "is_published", "is_demonstration", "line_count", "adoption_date")
    list_filter = ("is_published", "is_demonstration")
    fieldsets = (
        (None, {"fields": ("year", "is_published", "is_demonstration", "population", "introduction", "notes")}),
        (
            _("Calendar"),
            {
                "fields": (
                    "preparation_starts_on",
                    "adoption_session",
                    "adoption_date",
                    "administrative_account_on",
                    "calendar_note",
                )
            },
        ),
    )
    inlines = [BudgetLineInline]
    change_form_template = "admin/budgets/budgetyear/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lines")

    @admin.display(description=_("lines"))
    def line_count(self, obj):
        return len(obj.lines.all())

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import-template.xlsx",
                self.admin_site.admin_view(self.template_xlsx),
                name="{}_{}_template_xlsx".format(*info),
            ),
            path(
                "<path:object_id>/import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "<path:object_id>/export.csv",
                self.admin_site.admin_view(self.export_csv),
                name="{}_{}_export_csv".format(*info),
            ),
            path(
                "<path:object_id>/export.xlsx",
                self.admin_site.admin_view(self.export_xlsx),
                name="{}_{}_export_xlsx".format(*info),
            ),
            *super().get_urls(),
        ]

    def year_or_404(self, request, object_id: str, *, change: bool) -> models.BudgetYear:
        budget_year = self.get_object(request, object_id)
        if budget_year is None:
            raise Http404("No such budget year.")
        allowed = (
            self.has_change_permission(request, budget_year)
            if change
            else self.has_view_permission(request, budget_year)
        )
        if not allowed:
            raise PermissionDenied
        return budget_year

    def export_csv(self, request, object_id):
        budget_year = self.year_or_404(request, object_id, change=False)
        return csv_response(imports.export_rows(budget_year), filename=f"budget-{budget_year.year}")

    def export_xlsx(self, request, object_id):
        budget_year = self.year_or_404(request, object_id, change=False)
        return xlsx_response(
            imports.export_rows(budget_year), filename=f"budget-{budget_year.year}", right_to_left=get_language_bidi()
        )

    def template_xlsx(self, request):
        """Return the shipped CSV template as an XLSX workbook: one template, two formats."""
        rows = imports.template_rows(Path(finders.find(TEMPLATE)).read_bytes())
        return xlsx_response(rows, filename="budget-template", right_to_left=get_language_bidi())

    def import_view(self, request, object_id):
        """Upload a file, preview every row with its errors, and replace the year's lines on confirmation."""
        budget_year = self.year_or_404(request, object_id, change=True)
        change_url = reverse("admin:budgets_budgetyear_change", args=[budget_year.pk])
        form = BudgetFileForm()
        parsed = None
        if request.method == "POST" and "confirm" in request.POST:
            # The table travels signed with the preview: what is saved is exactly what was previewed, for the
            # year it was previewed for, over the lines that year had then.
            try:
                preview = signing.loads(request.POST.get("table", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
            except signing.BadSignature:
                messages.error(request, gettext("The preview has expired: upload the file again."))
                return redirect(request.path)
            if not isinstance(preview, dict) or preview.get("year") != budget_year.pk:
                messages.error(
                    request,
                    gettext("This preview was made for another budget year: upload the file again on this page."),
                )
                return redirect(request.path)
            parsed = imports.table_parse(preview["table"])
            if parsed.is_valid:
                try:
                    with transaction.atomic():
                        # The year stays locked until the import commits: a second confirmation of the same preview
                        # waits, then finds the lines the first one wrote and is refused.
                        models.BudgetYear.objects.select_for_update().get(pk=budget_year.pk)
                        if lines_state(budget_year) != preview["lines"]:
                            raise PreviewUsed
                        count = services.budget_year_import(
                            budget_year=budget_year, lines=parsed.lines, acting_user=request.user
                        )
                except PreviewUsed:
                    messages.error(
                        request,
                        gettext(
                            "This preview has already been confirmed, or the lines of %(year)s have changed since "
                            "it was made: upload the file again."
                        )
                        % {"year": budget_year.year},
                    )
                    return redirect(request.path)
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d budget line imported for %(year)s.",
                            "%(count)d budget lines imported for %(year)s.",
                            count,
                        )
                        % {"count": count, "year": budget_year.year},
                    )
                    return redirect(change_url)
        elif request.method == "POST":
            form = BudgetFileForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload.size > imports.MAX_BYTES:
                    parsed = imports.ParsedFile(
                        rows=[],
                        table=[],
                        errors=[
                            gettext("The file is larger than %(size)d MB.")
                            % {"size": imports.MAX_BYTES // 1024 // 1024}
                        ],
                    )
                else:
                    parsed = imports.file_parse(upload.name, upload.read())
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import the budget lines of %(year)s") % {"year": budget_year.year},
            "opts": self.opts,
            "original": budget_year,
            "budget_year": budget_year,
            "form": form,
            "parsed": parsed,
            "columns": imports.COLUMNS,
            "required_columns": imports.REQUIRED_COLUMNS,
            "max_megabytes": imports.MAX_BYTES // (1024 * 1024),
            "max_rows": imports.MAX_ROWS,
            "existing_count": budget_year.lines.count(),
            "change_url": change_url,
            "signed_table": signing.dumps(
                {"year": budget_year.pk, "lines": lines_state(budget_year), "table": parsed.table},
                salt=IMPORT_SALT,
                compress=True,
            )
            if parsed is not None and parsed.is_valid
            else "",
            "totals": self.preview_totals(parsed) if parsed is not None and parsed.is_valid else [],
        }
        return TemplateResponse(request, "admin/budgets/budgetyear/import.html", context)

    def preview_totals(self, parsed: imports.ParsedFile) -> list[dict]:
        """Return the totals the imported lines give, by part and direction, for the staff to check."""
        rows = []
        for part in models.BudgetLine.Part:
            for direction in models.BudgetLine.Direction:
                lines = [line for line in parsed.lines if line.part == part and line.direction == direction]
                rows.append(
                    {
                        "part": part.label,
                        "direction": direction.label,
                        "count": len(lines),
                        "adopted": amount_sum(lines),
                    }
                )
        return rows


@admin.register(models.GlossaryTerm)
class GlossaryTermAdmin(TabbedTranslationAdmin):
    list_display = ("term", "position")
    list_editable = ("position",)
    search_fields = ("term_ar", "term_fr")
    prepopulated_fields = {"slug": ("term_fr",)}


class PhaseFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        phases = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("starts_on")
            and form.cleaned_data.get("ends_on")
        ]
        phases.sort(key=lambda phase: phase["starts_on"])
        for earlier, later in pairwise(phases):
            if later["starts_on"] <= earlier["ends_on"]:
                raise ValidationError(
                    _("The phases “%(first)s” and “%(second)s” overlap: a phase starts after the previous one ends."),
                    code="overlap",
                    params={
                        "first": models.Phase.Kind(earlier["kind"]).label,
                        "second": models.Phase.Kind(later["kind"]).label,
                    },
                )


class PhaseInline(TranslationTabularInline):
    model = models.Phase
    formset = PhaseFormSet
    extra = 0


@admin.register(models.Cycle)
class CycleAdmin(TabbedTranslationAdmin):
    list_display = ("title", "year", "envelope_amount", "is_published", "is_demonstration", "status_display")
    list_filter = ("is_published", "is_demonstration")
    prepopulated_fields = {"slug": ("title_fr",)}
    fields = ("year", "slug", "title", "description", "envelope", "rulebook", "is_published", "is_demonstration")
    inlines = [PhaseInline]
    change_form_template = "admin/budgets/cycle/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("phases")

    @admin.display(description=_("envelope (dirhams)"), ordering="envelope")
    def envelope_amount(self, obj):
        return columns.amount(obj.envelope)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        phase = obj.current_phase
        return phase.get_kind_display() if phase else obj.status.label

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/paper-ballot/",
                self.admin_site.admin_view(self.paper_ballot_view),
                name="{}_{}_paper_ballot".format(*info),
            ),
            *super().get_urls(),
        ]

    def paper_ballot_view(self, request, object_id):
        """Enter a paper ballot: its number and the proposals ticked on it, through the same envelope rule."""
        cycle = self.get_object(request, object_id)
        if cycle is None:
            raise Http404("No such cycle.")
        if not request.user.has_perm("budgets.add_ballot"):
            raise PermissionDenied
        proposals = list(models.Proposal.objects.eligible().filter(cycle=cycle).defer("email").order_by("pk"))
        form = PaperBallotForm(request.POST or None, proposals=proposals)
        if request.method == "POST" and form.is_valid():
            try:
                ballot = services.ballot_record_paper(
                    cycle=cycle,
                    reference=form.cleaned_data["reference"],
                    proposals=list(form.cleaned_data["proposals"]),
                    acting_user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, gettext("The paper ballot %(number)s is entered.") % {"number": ballot.paper_reference}
                )
                return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Enter a paper ballot"),
            "opts": self.opts,
            "original": cycle,
            "cycle": cycle,
            "form": form,
            "proposals": proposals,
            "accepts_paper": cycle.accepts_paper_ballots_on(timezone.localdate()),
            "paper_count": cycle.ballots.filter(channel=models.Ballot.Channel.PAPER).count(),
        }
        return TemplateResponse(request, "admin/budgets/cycle/paper_ballot.html", context)


class ProposalAdminForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and {"eligibility", "revised_cost"} & set(self.changed_data):
            try:
                services.proposal_review_check(
                    proposal=self.instance,
                    cycle=models.Cycle.objects.prefetch_related("phases").get(pk=self.instance.cycle_id),
                    eligibility=cleaned_data.get("eligibility"),
                    revised_cost=cleaned_data.get("revised_cost"),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


class ProposalUpdateInline(TranslationStackedInline):
    model = models.ProposalUpdate
    extra = 0


@admin.register(models.Proposal)
class ProposalAdmin(ModeratedAdmin, TabbedTranslationAdmin):
    form = ProposalAdminForm
    actions = ["publish_selected", "hide_selected"]
    # The cycle is a filter, and the revised cost shows under the estimate: the review status, the reports and the
    # date stay in sight at 1280 px and on a tablet.
    list_display = ("excerpt", "neighbourhood", "cost", "status", "report_count", "eligibility", "created")
    list_display_links = ("excerpt",)
    excerpt_field = "title"
    list_filter = ("status", "eligibility", "cycle", "progress_status")
    search_fields = ("title", "description", "neighbourhood")
    list_select_related = ("cycle",)
    date_hierarchy = "created_at"
    citizen_fields = ("cycle", "title", "description", "neighbourhood", "estimated_cost", "created_at")
    fieldsets = (
        (None, {"fields": citizen_fields}),
        (_("Contact details (never published)"), {"fields": ("display_name", "email")}),
        (_("Moderation"), {"fields": ModeratedAdmin.moderation_fields}),
        (
            _("Technical review"),
            {"fields": ("eligibility", "eligibility_reason", "revised_cost", "reviewed_at", "reviewed_by")},
        ),
        (_("Implementation"), {"fields": ("progress_status", "progress")}),
    )
    readonly_fields = (
        *citizen_fields,
        "display_name",
        "email",
        *ModeratedAdmin.moderation_fields,
        "reviewed_at",
        "reviewed_by",
    )
    inlines = [ProposalUpdateInline]

    def has_add_permission(self, request):
        # Citizens submit proposals on the cycle's page, during its proposals phase.
        return False

    @admin.display(description=_("title"), ordering="title")
    def excerpt(self, obj):
        return super().excerpt(obj)

    @admin.display(description=_("estimated cost (dirhams)"), ordering="estimated_cost")
    def cost(self, obj):
        if obj.revised_cost is None:
            return columns.amount(obj.estimated_cost)
        return format_html(
            '{}<br><span class="admin-note">{} {}</span>',
            columns.amount(obj.estimated_cost),
            _("revised:"),
            columns.amount(obj.revised_cost),
        )

    def save_model(self, request, obj, form, change):
        review_fields = {
            "eligibility",
            "revised_cost",
            *(f"eligibility_reason_{code}" for code, _name in settings.LANGUAGES),
        }
        if review_fields & set(form.changed_data):
            services.proposal_review(
                proposal=obj,
                eligibility=obj.eligibility,
                revised_cost=obj.revised_cost,
                reasons={code: getattr(obj, f"eligibility_reason_{code}") or "" for code, _name in settings.LANGUAGES},
                acting_user=request.user,
            )
        if {"progress_status", "progress"} & set(form.changed_data):
            obj.save(update_fields=["progress_status", "progress"])


@admin.register(models.Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ("__str__", "cycle", "channel", "choice_count", "created", "updated")
    list_filter = ("cycle", "channel")
    list_select_related = ("cycle",)
    fields = ("cycle", "channel", "paper_reference", "recorded_by", "created_at", "updated_at", "chosen")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("choices__proposal")

    @admin.display(description=_("cast on"), ordering="created_at")
    def created(self, obj):
        return columns.day(obj.created_at)

    @admin.display(description=_("last changed on"), ordering="updated_at")
    def updated(self, obj):
        return columns.day(obj.updated_at)

    @admin.display(description=_("choices"))
    def choice_count(self, obj):
        return len(obj.choices.all())

    @admin.display(description=_("proposals chosen"))
    def chosen(self, obj):
        return "; ".join(str(choice.proposal) for choice in obj.choices.all())

    def has_add_permission(self, request):
        # Online ballots come from voters; paper ballots are entered from their cycle's page.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Ballots are private models (BudgetsConfig), so their deletion moves no version by itself: the published
    # results that counted them must be rendered anew.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cache.versions_move(cache.CONTENT)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        cache.versions_move(cache.CONTENT)
