from modeltranslation.translator import TranslationOptions, register

from consultations import models


@register(models.Round)
class RoundTranslationOptions(TranslationOptions):
    fields = ("title", "description", "external_platform", "outcome_summary")


@register(models.Meeting)
class MeetingTranslationOptions(TranslationOptions):
    fields = ("title", "place", "attendees")


@register(models.Contribution)
class ContributionTranslationOptions(TranslationOptions):
    # Only the commune's answer: what citizens write stays in the language they wrote it in.
    fields = ("answer",)


@register(models.Comment)
class CommentTranslationOptions(TranslationOptions):
    # Only the commune's official reply: a citizen's comment stays in the language it was written in.
    fields = ("official_text",)
