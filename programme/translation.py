import simple_history
from modeltranslation.translator import TranslationOptions, register

from programme import models


@register(models.Commune)
class CommuneTranslationOptions(TranslationOptions):
    fields = ("name", "ministry", "region", "province", "address")


@register(models.Programme)
class ProgrammeTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "description",
        "adoption_session",
        "budget_note",
        "committee_mission",
        "committee_meeting_rhythm",
        "committee_chair_title",
        "committee_chair_name",
    )


@register(models.Objective)
class ObjectiveTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(models.Principle)
class PrincipleTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(models.MethodStep)
class MethodStepTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(models.Milestone)
class MilestoneTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(models.CommitteeMember)
class CommitteeMemberTranslationOptions(TranslationOptions):
    fields = ("role", "holder")


@register(models.CommitteeMeeting)
class CommitteeMeetingTranslationOptions(TranslationOptions):
    fields = ("summary",)


@register(models.Axis)
class AxisTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(models.Partner)
class PartnerTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(models.Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "cost_note", "schedule_note")


@register(models.Activity)
class ActivityTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(models.ProjectUpdate)
class ProjectUpdateTranslationOptions(TranslationOptions):
    fields = ("text",)


@register(models.PrintSettings)
class PrintSettingsTranslationOptions(TranslationOptions):
    fields = ("session_label",)


# The public history of programme data (transparency): registered here, after the translated columns exist, so that
# the historical models keep title_ar, title_fr… too (django-simple-history's way with modeltranslation).
for history_model in (
    models.Programme,
    models.Objective,
    models.Principle,
    models.MethodStep,
    models.Milestone,
    models.CommitteeMember,
    models.CommitteeMeeting,
    models.Axis,
    models.Partner,
    models.Project,
    models.Activity,
    models.ProjectUpdate,
):
    simple_history.register(history_model)
