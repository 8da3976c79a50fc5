"""Translated columns for the text staff write for the public; citizens' text is stored once, untranslated."""

from modeltranslation.translator import TranslationOptions, register

from petitions import models


@register(models.CouncilSession)
class CouncilSessionTranslationOptions(TranslationOptions):
    fields = ("title", "notes")


@register(models.AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(models.Petition)
class PetitionTranslationOptions(TranslationOptions):
    fields = ("committees", "refusal_reasons", "decision_summary")


@register(models.PetitionEvent)
class PetitionEventTranslationOptions(TranslationOptions):
    fields = ("note",)
