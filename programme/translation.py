import simple_history
from modeltranslation.translator import TranslationOptions, register
from simple_history.models import HistoricalRecords

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
    models.Activity,
    models.ProjectUpdate,
):
    simple_history.register(history_model)


class LoadAwareHistoricalRecords(HistoricalRecords):
    """History that leaves out what loaddata sets: it saves each row raw (no version recorded) and then sets its
    many-to-many fields, which would otherwise record a version of every loaded project."""

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw"):
            instance.skip_history_when_saving = True  # read by the m2m_changed receiver that follows
        super().post_save(instance, created, using=using, **kwargs)


# A change to a project's partners is a change to the project: each one records a version of the project with its
# partners (django-simple-history's m2m_fields), which the admin's history shows.
simple_history.register(models.Project, records_class=LoadAwareHistoricalRecords, m2m_fields=["partners"])
