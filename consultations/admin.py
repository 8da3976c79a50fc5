from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from consultations import exports, models, services
from consultations.forms import reply_fields_add, reply_texts
from moderation.admin import ModeratedAdmin
from moderation.models import Moderated
from openmun import admin_columns as columns
from openmun.links import site_url


class MeetingInline(TranslationStackedInline):
    model = models.Meeting
    extra = 0


@admin.register(models.Round)
class RoundAdmin(TabbedTranslationAdmin):
    list_display = ("number", "title", "kind", "opens", "closes", "status_display")
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

    def save_model(self, request, obj, form, change):
        """Save the round; when its outcome summary is published for the first time, tell its followers."""
        summaries = [f"outcome_summary_{code}" for code, _name in settings.LANGUAGES]
        before = models.Round.objects.filter(pk=obj.pk).values_list(*summaries).first() if change else None
        super().save_model(request, obj, form, change)
        # A correction, or the summary in a second language, is not news: the first publication is. A round just
        # created has nobody following it yet.
        if before is not None and not any(before) and any(getattr(obj, name) for name in summaries):
            services.round_outcomes_announce(consultation_round=obj, site_url=site_url(request))

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return obj.status.label

    @admin.display(description=_("opens on"), ordering="opens_on")
    def opens(self, obj):
        return columns.day(obj.opens_on)

    @admin.display(description=_("closes on"), ordering="closes_on")
    def closes(self, obj):
        return columns.day(obj.closes_on)


@admin.register(models.Contribution)
class ContributionAdmin(ModeratedAdmin, TabbedTranslationAdmin):
    list_display = ("excerpt", "round", "status", "report_count", "outcome", "created")
    list_display_links = ("excerpt",)
    list_filter = ("status", "round", "channel", "outcome", "axis")
    search_fields = ("title", "text")
    list_select_related = ("round",)
    date_hierarchy = "created_at"
    autocomplete_fields = ("merged_into",)
    export_name = "contributions"
    actions = [*ModeratedAdmin.actions, "export_csv", "export_xlsx"]
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
            answers={code: getattr(obj, f"answer_{code}") or "" for code, _name in settings.LANGUAGES},
            acting_user=request.user,
            site_url=site_url(request),
        )

    def export_columns(self):
        return exports.contribution_columns()

    def export_queryset(self, queryset):
        return exports.contribution_export_queryset(queryset)


class CommentReplyAdminForm(forms.ModelForm):
    """The official reply on a comment's admin page: a field per language, each with its language and direction.

    On a citizen's comment it edits the commune's latest reply, or writes the first; on a reply, the reply itself.
    """

    class Meta:
        model = models.Comment
        fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reply = self.instance if self.instance.is_official else self.instance.replies.order_by("-pk").first()
        reply_fields_add(self, self.reply.official_texts() if self.reply else None)

    def clean(self):
        cleaned_data = super().clean()
        texts = reply_texts(cleaned_data)
        if self.reply is None and any(texts.values()) and self.instance.status == Moderated.Status.HIDDEN:
            raise forms.ValidationError(
                _("Only a visible citizen's comment can receive an official reply."), code="not_replyable"
            )
        if self.reply is not None and not any(texts.values()):
            raise forms.ValidationError(_("Write the reply in Arabic, in French, or in both."), code="reply_required")
        return cleaned_data


@admin.register(models.Comment)
class CommentAdmin(ModeratedAdmin):
    # The text as an excerpt and the project by its number: the review status, the reports and the date stay in
    # sight at 1280 px and on a tablet (is_official is a filter, and marks the excerpt).
    list_display = ("excerpt", "project_number", "status", "report_count", "created")
    list_display_links = ("excerpt",)
    list_filter = ("status", "is_official", "project")
    search_fields = ("text",)
    list_select_related = ("project",)
    date_hierarchy = "created_at"
    export_name = "comments"
    actions = [*ModeratedAdmin.actions, "export_csv", "export_xlsx"]
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
        # Citizens comment on the project pages; staff reply on a comment's page here, or under it there.
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        if not obj.is_official:
            return super().excerpt(obj)
        text = obj.text or next((text for text in obj.official_texts().values() if text), "")
        return format_html('<span class="admin-tag">{}</span> {}', _("official reply"), columns.excerpt(text))

    @admin.display(description=_("project"), ordering="project__number")
    def project_number(self, obj):
        return format_html('<span title="{}">{}</span>', obj.project.title, obj.project.number)

    def may_reply(self, request, obj) -> bool:
        return obj is not None and request.user.has_perm("consultations.reply_comment")

    def get_fieldsets(self, request, obj=None):
        reply_fields = tuple(f"text_{code}" for code, _name in settings.LANGUAGES)
        if not self.may_reply(request, obj):
            if obj is None or not obj.is_official:
                return self.fieldsets
            reply_fields = tuple(f"official_text_{code}" for code, _name in settings.LANGUAGES)
        title = _("Official reply of the commune") if obj.is_official else _("Reply on behalf of the commune")
        return (*self.fieldsets, (title, {"fields": reply_fields}))

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, *(f"official_text_{code}" for code, _name in settings.LANGUAGES))

    def get_form(self, request, obj=None, **kwargs):
        if self.may_reply(request, obj):
            # Every field of the comment itself is read-only: only the reply's fields are edited.
            kwargs.update(form=CommentReplyAdminForm, fields=())
            return super().get_form(request, obj, **kwargs)
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        # The comment itself is never saved here: moderation has its actions, the reply its services.
        if not isinstance(form, CommentReplyAdminForm):
            return
        texts = reply_texts(form.cleaned_data)
        if form.reply is not None:
            if texts != form.reply.official_texts():
                services.comment_reply_update(reply=form.reply, texts=texts, acting_user=request.user)
        elif any(texts.values()):
            services.comment_reply(comment=obj, texts=texts, acting_user=request.user, site_url=site_url(request))

    def export_columns(self):
        return exports.comment_columns()

    def export_queryset(self, queryset):
        return exports.comment_export_queryset(queryset)
