"""The citizen budget (ميزانية المواطن): a year's budget in lines, with plain-language explanations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100
# Up to 999 999 999 999,99 DH: far above any commune's budget, within every database's decimal.
AMOUNT_DIGITS = 14


class BudgetYearQuerySet(models.QuerySet):
    def published(self) -> BudgetYearQuerySet:
        """Return the years the public may see."""
        return self.filter(is_published=True)


class BudgetYear(models.Model):
    """A year of the commune's budget: its two parts, adopted by the council and then executed."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Publish the year once its lines are imported and checked."),
    )
    is_demonstration = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_(
            "Tick when the figures are invented for a demonstration: every page and the booklet then say "
            "that they are not the commune's."
        ),
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Used for the figures per inhabitant. Leave empty to use the commune's population."),
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A few plain words on the year's budget, shown at the top."),
    )
    adoption_session = models.CharField(
        _("voted at the session"),
        max_length=200,
        blank=True,
        help_text=_("For example: the ordinary session of October 2023."),
    )
    adoption_date = models.DateField(_("vote date"), null=True, blank=True)
    preparation_starts_on = models.DateField(
        _("preparation starts on"),
        null=True,
        blank=True,
        help_text=_("When the commune's services start preparing the draft budget."),
    )
    administrative_account_on = models.DateField(
        _("administrative account examined on"),
        null=True,
        blank=True,
        help_text=_("When the council examines the account of the year's execution. Leave empty until it is known."),
    )
    calendar_note = models.TextField(_("note on the calendar"), blank=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("Sources, caveats: shown under the figures."))

    objects = BudgetYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="budgetyear_year_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("budgets:year-detail", kwargs={"year": self.year})

    def clean(self) -> None:
        # The October session of the year before votes the budget: a vote after the year is a typing error.
        if self.adoption_date and self.year and self.adoption_date.year > self.year:
            raise ValidationError(
                {
                    "adoption_date": ValidationError(
                        _("The budget of %(year)s cannot be voted after %(year)s."),
                        code="vote_after_year",
                        params={"year": self.year},
                    )
                }
            )

    @property
    def execution_starts_on(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def execution_ends_on(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


class BudgetLine(models.Model):
    """A revenue or expenditure category of one part of a year's budget, adopted and, later, executed."""

    class Part(models.TextChoices):
        OPERATING = "operating", _("operating")
        EQUIPMENT = "equipment", _("equipment")

    class Direction(models.TextChoices):
        REVENUE = "revenue", _("revenue")
        EXPENDITURE = "expenditure", _("expenditure")

    year = models.ForeignKey(BudgetYear, on_delete=models.CASCADE, related_name="lines", verbose_name=_("year"))
    part = models.CharField(_("part"), max_length=20, choices=Part.choices)
    direction = models.CharField(_("revenue or expenditure"), max_length=20, choices=Direction.choices)
    code = models.CharField(
        _("category code"),
        max_length=20,
        help_text=_("The category's code in the budget nomenclature, unique within its part and direction."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200)
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("What the category covers, in plain words.")
    )
    adopted = models.DecimalField(
        _("adopted amount (dirhams)"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    executed = models.DecimalField(
        _("executed amount (dirhams)"),
        max_digits=AMOUNT_DIGITS,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty until the execution of the year is known."),
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "part", "direction", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "part", "direction", "code"], name="budgetline_code_unique"),
            models.CheckConstraint(condition=Q(adopted__gte=0), name="budgetline_adopted_not_negative"),
            models.CheckConstraint(
                condition=Q(executed__isnull=True) | Q(executed__gte=0),
                name="budgetline_executed_not_negative",
            ),
            models.CheckConstraint(condition=Q(part__in=["operating", "equipment"]), name="budgetline_part_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=["revenue", "expenditure"]),
                name="budgetline_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class GlossaryTerm(models.Model):
    """A word of public finance explained in plain language, for the citizen budget and its booklet."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"))

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.term
