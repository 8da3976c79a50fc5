from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import models as db_models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from programme import models
from programme.reports import next_session_label


class ObjectiveInline(TranslationStackedInline):
    model = models.Objective
    extra = 0


class PrincipleInline(TranslationTabularInline):
    model = models.Principle
    extra = 0


class MethodStepInline(TranslationTabularInline):
    model = models.MethodStep
    extra = 0


class MilestoneInline(TranslationTabularInline):
    model = models.Milestone
    extra = 0


class CommitteeMemberInline(TranslationTabularInline):
    model = models.CommitteeMember
    extra = 0


class CommitteeMeetingInline(TranslationTabularInline):
    model = models.CommitteeMeeting
    extra = 0


@admin.register(models.Commune)
class CommuneAdmin(TabbedTranslationAdmin):
    list_display = ("name", "email", "website", "population")
    fieldsets = (
        (None, {"fields": ("name", "address", "email", "phone", "website")}),
        (
            _("Official heading of printed documents"),
            {
                "fields": ("ministry", "region", "province", "logo"),
                "description": _(
                    "Printed at the top of the programme and of the session reports, one line each, in Arabic and "
                    "in French: the kingdom, the ministry, the region, the province and the commune's name."
                ),
            },
        ),
        (_("Population"), {"fields": ("population", "population_source", "has_arrondissements")}),
    )


# The programme's public data keeps its history (transparency): SimpleHistoryAdmin adds each object's full
# history, with the staff account of every change, and restores a previous version (a new change, recorded too).
@admin.register(models.Programme)
class ProgrammeAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("title", "adoption_date", "adoption_session")
    date_hierarchy = "adoption_date"
    fieldsets = (
        (
            None,
            {"fields": ("title", "description", "presented_on", "adoption_date", "adoption_session", "budget_note")},
        ),
        (
            _("Programme committee"),
            {
                "fields": (
                    "committee_mission",
                    "committee_meeting_rhythm",
                    "committee_chair_title",
                    "committee_chair_name",
                )
            },
        ),
    )
    inlines = [
        ObjectiveInline,
        PrincipleInline,
        MethodStepInline,
        MilestoneInline,
        CommitteeMemberInline,
        CommitteeMeetingInline,
    ]


@admin.register(models.Axis)
class AxisAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("number", "title", "programme")
    list_display_links = ("title",)
    list_filter = ("programme",)
    search_fields = ("title_ar", "title_fr")
    prepopulated_fields = {"slug": ("title_fr",)}


@admin.register(models.Partner)
class PartnerAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("name", "acronym", "website")
    search_fields = ("name_ar", "name_fr", "acronym")


class ActivityParentField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.text[:40]}"


class ActivityInline(TranslationTabularInline):
    model = models.Activity
    fk_name = "project"
    extra = 0
    fields = ("number", "parent", "text", "is_done")
    ordering = ("parent_id", "number")
    # Sixty activities with two languages each: keep the rows narrow enough for the page.
    formfield_overrides = {db_models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 32})}}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            project_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = models.Activity.objects.filter(project_id=project_id, parent__isnull=True)
            kwargs["form_class"] = ActivityParentField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProjectUpdateInline(TranslationStackedInline):
    model = models.ProjectUpdate
    extra = 0


@admin.register(models.Project)
class ProjectAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = (
        "number",
        "title",
        "axis",
        "estimated_cost",
        "start_date",
        "end_date",
        "status",
        "progress_display",
        "late_display",
    )
    list_display_links = ("title",)
    list_filter = ("axis", "status", "partners")
    search_fields = ("title_ar", "title_fr", "summary_ar", "summary_fr")
    list_select_related = ("axis",)
    autocomplete_fields = ("partners",)
    prepopulated_fields = {"slug": ("title_fr",)}
    fieldsets = (
        (None, {"fields": ("programme", "axis", "number", "slug", "title", "summary")}),
        (_("Cost"), {"fields": ("estimated_cost", "cost_note")}),
        (_("Schedule"), {"fields": ("start_date", "end_date", "schedule_note")}),
        (_("Partners and progress"), {"fields": ("partners", "status", "progress")}),
    )
    inlines = [ActivityInline, ProjectUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    @admin.display(description=_("progress (%)"))
    def progress_display(self, obj):
        return obj.reported_progress  # None shows as the admin's empty value: nothing reported

    @admin.display(description=_("late"), boolean=True)
    def late_display(self, obj):
        return obj.is_late


@admin.register(models.PrintSettings)
class PrintSettingsAdmin(TabbedTranslationAdmin):
    list_display = ("__str__", "include_progress", "edition_date")
    fields = ("session_label", "calendar_session", "include_progress", "edition_date", "downloads")
    readonly_fields = ("calendar_session", "downloads")

    @admin.display(description=_("next session in the council's calendar"))
    def calendar_session(self, obj):
        # Printed when the session above is left empty (petitions registers the council's calendar).
        return next_session_label(timezone.localdate()) or _("none: generate the council's sessions first")

    @admin.display(description=_("the printed programme"))
    def downloads(self, obj):
        links = []
        for code, name in settings.LANGUAGES:
            with translation.override(code):
                url = reverse("programme:programme-pdf")
            links.append(format_html('<a href="{}" type="application/pdf" hreflang="{}">{}</a>', url, code, name))
        return format_html_join(" · ", "{}", ((link,) for link in links))

    def has_add_permission(self, request):
        # One row: the printed programme has a single set of choices.
        return super().has_add_permission(request) and not models.PrintSettings.objects.exists()
