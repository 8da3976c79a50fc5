"""The admin's side of the moderation pipeline: publish or hide in bulk, and export what staff review."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from moderation import exports, services
from moderation.forms import HideReasonForm
from moderation.models import Moderated
from moderation.views import moderated_message
from openmun import admin_columns as columns
from openmun import spreadsheets
from openmun.links import site_url


class ReportedFilter(admin.SimpleListFilter):
    """Whether visitors reported the item since its last review (the staff dashboard links to the reported ones)."""

    title = _("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("reported since the last review")), ("no", _("not reported"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(report_count__gt=0)
        if self.value() == "no":
            return queryset.filter(report_count=0)
        return queryset


class ModeratedAdmin(admin.ModelAdmin):
    """Moderation in bulk, through the same services as the moderation queue.

    A subclass that names export_name, export_columns() and export_queryset() can add the "export_csv" and
    "export_xlsx" actions to its actions.
    """

    actions = ["publish_selected", "hide_selected"]
    moderation_fields = ("status", "moderation_reason", "moderated_at", "moderated_by", "report_count")
    export_name = ""
    # The citizen's text that the list shows as an excerpt, one short column instead of a text that wraps a word
    # a line (the full text is on the item's page and in the moderation queue).
    excerpt_field = "text"

    @admin.display(description=_("text"))
    def excerpt(self, obj):
        return columns.excerpt(getattr(obj, self.excerpt_field))

    @admin.display(description=_("submitted on"), ordering="created_at")
    def created(self, obj):
        return columns.day(obj.created_at)

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), ReportedFilter)

    def has_moderate_permission(self, request) -> bool:
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.moderate_{opts.model_name}")

    def _moderate(self, request, queryset, decision: str, reason: str = "") -> None:
        try:
            count = services.items_moderate(
                items=list(queryset),
                decision=decision,
                reason=reason,
                acting_user=request.user,
                site_url=site_url(request),
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, moderated_message(decision, count), messages.SUCCESS)

    @admin.action(description=_("Publish the selected items"), permissions=["moderate"])
    def publish_selected(self, request, queryset):
        self._moderate(request, queryset, Moderated.Status.PUBLISHED)

    @admin.action(description=_("Hide the selected items (asks for a reason)"), permissions=["moderate"])
    def hide_selected(self, request, queryset):
        form = HideReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._moderate(request, queryset, Moderated.Status.HIDDEN, form.cleaned_data["reason"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide the selected items"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/moderation/hide_reason.html", context)

    @admin.action(description=_("Export the selected items as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        rows = exports.table(self.export_columns(), self.export_queryset(queryset))
        return spreadsheets.csv_response(rows, filename=self.export_name)

    @admin.action(description=_("Export the selected items as XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        rows = exports.table(self.export_columns(), self.export_queryset(queryset))
        return spreadsheets.xlsx_response(rows, filename=self.export_name, right_to_left=get_language_bidi())

    def export_columns(self) -> list[exports.Column]:
        raise NotImplementedError

    def export_queryset(self, queryset):
        return queryset.defer("email")
