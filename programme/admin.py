from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from following.registry import target_key
from following.services import announce
from openmun import admin_columns as columns
from openmun.links import site_url
from openmun.templatetags.openmun import percent
from programme import models
from programme.reports import next_session_label

# The column heading of simple-history's history page, which its Arabic catalogue lacks: ours translates it (marked
# here so that `make messages` keeps the entry).
gettext_noop("Changes")


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


ACTIVITY_TEXT_LABELS = {"ar": _("text in Arabic"), "fr": _("text in French")}


class ActivityInlineForm(forms.ModelForm):
    """An activity on one row: its text in each language side by side, each typed in its own direction, on one line
    that grows only for a long text. The text in the default language is required, as the translated admin has it."""

    class Meta:
        model = models.Activity
        fields = ("number", "parent", *(f"text_{code}" for code, _name in settings.LANGUAGES), "is_done")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            field = self.fields[f"text_{code}"]
            field.label = ACTIVITY_TEXT_LABELS.get(code, name)
            field.required = code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
            direction = "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
            field.widget = forms.Textarea(attrs={"rows": 1, "lang": code, "dir": direction, "class": "activity-text"})


class ActivityInline(admin.TabularInline):
    """A project's activities, one row each: a plain tabular inline, so that both languages show side by side
    instead of a row of language tabs in each row (static/css/admin.css sizes the columns)."""

    model = models.Activity
    form = ActivityInlineForm
    fk_name = "project"
    extra = 0
    fields = ActivityInlineForm.Meta.fields
    ordering = ("parent_id", "number")
    classes = ("activities-inline",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            project_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = models.Activity.objects.filter(project_id=project_id, parent__isnull=True)
            kwargs["form_class"] = ActivityParentField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "parent":
            # The parent is another row of the same table: no links to add, change or open one elsewhere.
            widget = formfield.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return formfield


@admin.register(models.Activity)
class ActivityAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    """One activity's own history, reached from its project's history: every version, and the restoring of one
    (a new change, recorded too), even of a deleted activity. Activities are edited on their project's page, so
    this admin is not listed on the index."""

    list_display = ("number", "text_excerpt", "project", "is_done")
    list_display_links = ("text_excerpt",)
    list_filter = ("project",)
    list_select_related = ("project",)
    fields = ("project", "parent", "number", "text", "is_done")

    def get_model_perms(self, request):
        return {}

    def response_change(self, request, obj):
        # After restoring a version, back to the project, where the activity is edited with the others.
        response = super().response_change(request, obj)
        if "_continue" in request.POST:
            return response
        return HttpResponseRedirect(reverse("admin:programme_project_change", args=[obj.project_id]))

    @admin.display(description=_("text"), ordering="text")
    def text_excerpt(self, obj):
        return columns.excerpt(obj.text)


def activity_versions(project_id: int) -> list:
    """Return the latest recorded version of each activity a project has had, deleted ones included, by number."""
    latest = {}
    for record in models.Activity.history.filter(project_id=project_id).order_by("history_date", "history_id"):
        latest[record.id] = record
    return sorted(latest.values(), key=lambda record: (record.parent_id or 0, record.number, record.id))


class ProjectUpdateInline(TranslationStackedInline):
    model = models.ProjectUpdate
    extra = 0


@admin.register(models.Project)
class ProjectAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    # Few and narrow columns, as the public pages write them, so that the list fits at 1280 px and on a tablet in
    # Arabic: the axis is a filter, the two dates one column.
    list_display = (
        "number",
        "title_excerpt",
        "cost",
        "schedule",
        "status",
        "progress_display",
        "late_display",
    )
    list_display_links = ("title_excerpt",)
    list_filter = ("status", "axis", "partners")
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
    # The history shows the project's versions (partners included), then each activity with a link to its own.
    object_history_template = "admin/programme/project/object_history.html"

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {"activity_versions": activity_versions(object_id), **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        """On the page that restores a version, offer the version's partners, not the project's current ones.

        django-simple-history fills that form from the version except its many-to-many fields, which the form reads
        from the project as it is now. A version recorded without its partners (those that populate_history wrote
        when the data was loaded) keeps the current partners rather than offering none.
        """
        form = super().get_form(request, obj, change=change, **kwargs)
        match = request.resolver_match
        if obj is None or match is None or match.url_name != "programme_project_simple_history":
            return form
        version_id = match.args[1] if len(match.args) > 1 else ""
        if not version_id.isdigit():
            return form
        version = obj.history.filter(history_id=version_id).first()
        partners = [row.partner_id for row in version.partners.all()] if version is not None else []
        if not partners:
            return form

        class VersionForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.initial["partners"] = partners

        return VersionForm

    @admin.display(description=_("title"), ordering="title")
    def title_excerpt(self, obj):
        return columns.excerpt(obj.title)

    @admin.display(description=_("Cost"), ordering="estimated_cost")
    def cost(self, obj):
        return columns.amount(obj.estimated_cost)

    @admin.display(description=_("Schedule"), ordering="start_date")
    def schedule(self, obj):
        return columns.period(obj.start_date, obj.end_date)

    def save_formset(self, request, form, formset, change):
        """Save the activities and progress updates, and tell the project's followers what is new."""
        done_before = set()
        if formset.model is models.Activity:
            # From the database: validating the formset has already written the new values into its instances.
            done_before = set(
                models.Activity.objects.filter(project=form.instance, is_done=True).values_list("pk", flat=True)
            )
        super().save_formset(request, form, formset, change)
        target = target_key("project", form.instance.pk)
        if formset.model is models.ProjectUpdate and formset.new_objects:
            announce(target=target, event="progress", site_url=site_url(request))
        elif formset.model is models.Activity:
            saved = formset.new_objects + [activity for activity, _fields in formset.changed_objects]
            if any(activity.is_done and activity.pk not in done_before for activity in saved):
                announce(target=target, event="activity_done", site_url=site_url(request))

    @admin.display(description=_("progress (%)"))
    def progress_display(self, obj):
        progress = obj.reported_progress
        return self.get_empty_value_display() if progress is None else percent(progress)  # None: nothing reported

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
