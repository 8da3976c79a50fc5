from modeltranslation.translator import TranslationOptions, register

from budgets import models


@register(models.BudgetYear)
class BudgetYearTranslationOptions(TranslationOptions):
    fields = ("introduction", "adoption_session", "calendar_note", "notes")


@register(models.BudgetLine)
class BudgetLineTranslationOptions(TranslationOptions):
    fields = ("label", "explanation")


@register(models.GlossaryTerm)
class GlossaryTermTranslationOptions(TranslationOptions):
    fields = ("term", "definition")


@register(models.Cycle)
class CycleTranslationOptions(TranslationOptions):
    fields = ("title", "description", "rulebook")


@register(models.Phase)
class PhaseTranslationOptions(TranslationOptions):
    fields = ("description",)


@register(models.Proposal)
class ProposalTranslationOptions(TranslationOptions):
    # Only the commune's reason: what citizens write stays in the language they wrote it in.
    fields = ("eligibility_reason",)


@register(models.ProposalUpdate)
class ProposalUpdateTranslationOptions(TranslationOptions):
    fields = ("text",)
