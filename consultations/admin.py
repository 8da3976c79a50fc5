from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from consultations import exports, models, services
from consultations.forms import HideReasonForm


class MeetingInline(TranslationStackedInline):
    model = models.Meeting
    extra = 0


@admin.register(models.Round)
class RoundAdmin(TabbedTranslationAdmin):
    list_display = ("number", "title", "kind", "opens_on", "closes_on", "status_display")
    list_display_links = ("title",)
    list_filter = ("programme", "kind")
    prepopulated_fields = {"slug": ("title_fr",)}
    fieldsets = (
        (None, {"fields": ("programme", "number", "slug", "title", "kind", "description")}),
        (
            _("Digital participation"),
            {"fields": ("opens_on", "closes_on", "external_platform", "external_participation_count")},
        ),
        (_("Outcome"), {"fields": ("outcome_summary",)}),
    )
    inlines = [MeetingInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("meetings")

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return obj.status.label


class ModeratedAdmin(admin.ModelAdmin):
    """Moderation in bulk, through the same services as the moderation queue, and the staff exports."""

    actions = ["publish_selected", "hide_selected", "export_csv", "export_xlsx"]
    moderation_fields = ("status", "moderation_reason", "moderated_at", "moderated_by", "report_count")
    export_name = ""

    def has_moderate_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.moderate_{opts.model_name}")

    def _moderate(self, request, queryset, decision: str, reason: str = "") -> None:
        try:
            count = services.items_moderate(
                items=list(queryset), decision=decision, reason=reason, acting_user=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                ngettext("%(count)d item moderated.", "%(count)d items moderated.", count) % {"count": count},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish the selected items"), permissions=["moderate"])
    def publish_selected(self, request, queryset):
        self._moderate(request, queryset, models.Moderated.Status.PUBLISHED)

    @admin.action(description=_("Hide the selected items (asks for a reason)"), permissions=["moderate"])
    def hide_selected(self, request, queryset):
        form = HideReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._moderate(request, queryset, models.Moderated.Status.HIDDEN, form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide the selected items"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/consultations/hide_reason.html", context)

    @admin.action(description=_("Export the selected items as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return exports.csv_response(
            filename=self.export_name,
            columns=self.export_columns(),
            objects=exports.export_queryset(self.model)(queryset),
        )

    @admin.action(description=_("Export the selected items as XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        return exports.xlsx_response(
            filename=self.export_name,
            columns=self.export_columns(),
            objects=exports.export_queryset(self.model)(queryset),
            right_to_left=get_language_bidi(),
        )

    def export_columns(self) -> list[exports.Column]:
        raise NotImplementedError


@admin.register(models.Contribution)
class ContributionAdmin(ModeratedAdmin, TabbedTranslationAdmin):
    list_display = ("__str__", "round", "channel", "status", "report_count", "outcome", "created_at")
    list_filter = ("status", "round", "channel", "outcome", "axis")
    search_fields = ("title", "text")
    list_select_related = ("round",)
    date_hierarchy = "created_at"
    autocomplete_fields = ("merged_into",)
    export_name = "contributions"
    input_fields = ("round", "channel", "created_at", "title", "text", "axis", "project")
    contact_fieldset = (_("Contact details (never published)"), {"fields": ("display_name", "email")})
    # Adding is how staff type in a contribution received on paper, at a meeting or by another channel.
    add_fieldsets = ((None, {"fields": input_fields}), contact_fieldset)
    fieldsets = (
        (None, {"fields": input_fields}),
        contact_fieldset,
        (_("Moderation"), {"fields": (*ModeratedAdmin.moderation_fields, "recorded_by")}),
        (
            _("Outcome and answer"),
            {"fields": ("outcome", "outcome_project", "merged_into", "answer", "answered_at", "answered_by")},
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            *self.input_fields,
            "display_name",
            "email",
            *self.moderation_fields,
            "recorded_by",
            "answered_at",
            "answered_by",
        )

    def save_model(self, request, obj, form, change):
        if not change:
            contribution = services.contribution_record(
                consultation_round=obj.round,
                channel=obj.channel,
                text=obj.text,
                title=obj.title,
                axis=obj.axis,
                project=obj.project,
                display_name=obj.display_name,
                email=obj.email,
                created_at=obj.created_at,
                acting_user=request.user,
            )
            obj.pk = contribution.pk
            obj._state.adding = False
            return
        services.contribution_answer(
            contribution=obj,
            outcome=obj.outcome,
            outcome_project=obj.outcome_project,
            merged_into=obj.merged_into,
            answers={code: getattr(obj, f"answer_{code}") or "" for code in ("ar", "fr")},
            acting_user=request.user,
        )

    def export_columns(self):
        return exports.contribution_columns()


@admin.register(models.Comment)
class CommentAdmin(ModeratedAdmin):
    list_display = ("__str__", "project", "is_official", "status", "report_count", "created_at")
    list_filter = ("status", "is_official", "project")
    search_fields = ("text",)
    list_select_related = ("project",)
    date_hierarchy = "created_at"
    export_name = "comments"
    fieldsets = (
        (None, {"fields": ("project", "parent", "text", "is_official", "author", "created_at")}),
        (_("Contact details (never published)"), {"fields": ("display_name", "email")}),
        (_("Moderation"), {"fields": ModeratedAdmin.moderation_fields}),
    )
    readonly_fields = (
        "project",
        "parent",
        "text",
        "is_official",
        "author",
        "created_at",
        "display_name",
        "email",
        *ModeratedAdmin.moderation_fields,
    )

    def has_add_permission(self, request):
        # Citizens comment on the project pages; staff reply there, officially.
        return False

    def export_columns(self):
        return exports.comment_columns()
