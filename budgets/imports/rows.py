"""One row of a budget file checked as a form: a field per column, and the messages the admin preview shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from budgets.imports.amounts import amount_parse
from budgets.models import BudgetLine
from openmun.folding import fold_for_comparison

PART_NAMES = {
    BudgetLine.Part.OPERATING: ("operating", "التسيير", "جزء التسيير", "fonctionnement", "partie fonctionnement"),
    BudgetLine.Part.EQUIPMENT: ("equipment", "التجهيز", "جزء التجهيز", "équipement", "partie équipement"),
}
DIRECTION_NAMES = {
    BudgetLine.Direction.REVENUE: ("revenue", "revenues", "المداخيل", "مداخيل", "الموارد", "recettes", "recette"),
    BudgetLine.Direction.EXPENDITURE: ("expenditure", "expenditures", "النفقات", "نفقات", "dépenses", "dépense"),
}
TOTAL_CODES = ("total", "totals", "المجموع", "مجموع", "total général", "sous-total")
TOTAL_FOLDED = frozenset(fold_for_comparison(code) for code in TOTAL_CODES)
# A message quotes only the start of a cell: the preview shows it in a table.
QUOTED_LENGTH = 40
LABEL_TOO_LONG = ngettext_lazy(
    "The label is longer than %(count)d character.", "The label is longer than %(count)d characters.", "count"
)

Seen = dict[tuple[str, str, str], int]


@dataclass(frozen=True)
class ParsedLine:
    """A budget line read from a file, as services.budget_year_import saves it."""

    part: str
    direction: str
    code: str
    labels: dict[str, str]
    explanations: dict[str, str]
    adopted: Decimal
    executed: Decimal | None


@dataclass(frozen=True)
class StatedTotal:
    """What a totals row states: the sum of the lines of a direction, in one part or, without a part, in both."""

    part: str
    direction: str
    adopted: Decimal
    executed: Decimal | None


class ChoiceColumn(forms.ChoiceField):
    """A choice column: a choice written as one of its names (English, Arabic or French), whatever the case."""

    def __init__(self, *, names: dict[str, tuple[str, ...]], **kwargs):
        super().__init__(choices=[(choice, choice) for choice in names], **kwargs)
        self.names = {fold_for_comparison(name): choice for choice, spellings in names.items() for name in spellings}

    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return self.names[fold_for_comparison(value)]
        except KeyError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value[:QUOTED_LENGTH]},
            ) from None


class AmountColumn(forms.Field):
    """An amount column read by amount_parse; an optional amount left empty is None."""

    def to_python(self, value) -> Decimal | None:
        if value in self.empty_values and not self.required:
            return None
        try:
            return amount_parse(value)
        except ValueError as error:
            # The "invalid" message names the column around amount_parse's reason.
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"error": str(error)}
            ) from None


class TextColumn(forms.CharField):
    """A text column no longer than its model field."""

    def __init__(self, *, model_field: str, **kwargs):
        super().__init__(**kwargs)
        # Checked in validate() rather than by CharField's validator, whose message names the limit "limit_value":
        # the translated messages of the import name it "count".
        self.max_length = BudgetLine._meta.get_field(model_field).max_length

    def validate(self, value: str) -> None:
        super().validate(value)
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                self.error_messages["max_length"], code="max_length", params={"count": self.max_length}
            )


class LineRowForm(forms.Form):
    """A row of the file that is a budget line."""

    # In the order the preview lists a row's errors, which is not the order of the columns.
    part = ChoiceColumn(
        names=PART_NAMES,
        error_messages={
            "required": _("The part is missing: write operating or equipment."),
            "invalid_choice": _("Part “%(value)s”: write operating or equipment."),
        },
    )
    direction = ChoiceColumn(
        names=DIRECTION_NAMES,
        error_messages={
            "required": _("The direction is missing: write revenue or expenditure."),
            "invalid_choice": _("Direction “%(value)s”: write revenue or expenditure."),
        },
    )
    adopted = AmountColumn(error_messages={"invalid": _("Adopted amount: %(error)s")})
    executed = AmountColumn(required=False, error_messages={"invalid": _("Executed amount: %(error)s")})
    code = TextColumn(
        model_field="code",
        error_messages={
            "required": _("The category code is missing."),
            "max_length": ngettext_lazy(
                "The category code is longer than %(count)d character.",
                "The category code is longer than %(count)d characters.",
                "count",
            ),
        },
    )
    label_ar = TextColumn(
        model_field="label",
        error_messages={"required": _("The label in Arabic is missing."), "max_length": LABEL_TOO_LONG},
    )
    label_fr = TextColumn(model_field="label", required=False, error_messages={"max_length": LABEL_TOO_LONG})
    explanation_ar = TextColumn(model_field="explanation", required=False)
    explanation_fr = TextColumn(model_field="explanation", required=False)

    def __init__(self, cells: dict[str, str], *, number: int, seen: Seen):
        super().__init__(data=cells)
        self.number = number
        # Shared by the rows of one file: the first row with a code in a part and direction keeps it.
        self.seen = seen

    def clean(self) -> dict:
        """Refuse a code that an earlier row has in the same part and direction."""
        cleaned_data = super().clean()
        key = (cleaned_data.get("part"), cleaned_data.get("direction"), cleaned_data.get("code"))
        if not all(key):
            return cleaned_data
        if key in self.seen:
            raise ValidationError(
                _("The code %(code)s appears twice in this part and direction (row %(row)d)."),
                code="duplicate",
                params={"code": key[2], "row": self.seen[key]},
            )
        self.seen[key] = self.number
        return cleaned_data

    def messages(self) -> list[str]:
        """Return the row's errors as the preview lists them: field by field, then the row's own, each once."""
        names = [*self.fields, NON_FIELD_ERRORS]
        # Both labels have the same length message: it is said once.
        return list(dict.fromkeys(message for name in names for message in self.errors.get(name, [])))

    def line(self) -> ParsedLine:
        """Return the budget line of a valid row."""
        data = self.cleaned_data
        return ParsedLine(
            part=data["part"],
            direction=data["direction"],
            code=data["code"],
            labels={"ar": data["label_ar"], "fr": data["label_fr"]},
            explanations={"ar": data["explanation_ar"], "fr": data["explanation_fr"]},
            adopted=data["adopted"],
            executed=data["executed"],
        )


class TotalRowForm(LineRowForm):
    """A totals row: a sum that totals_check compares with the lines; its code and labels are not kept."""

    code = label_ar = label_fr = explanation_ar = explanation_fr = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A totals row without a part adds up both parts.
        self.fields["part"].required = False

    def total(self) -> StatedTotal:
        """Return the sum a valid totals row states."""
        data = self.cleaned_data
        return StatedTotal(
            part=data["part"], direction=data["direction"], adopted=data["adopted"], executed=data["executed"]
        )


def row_form(cells: dict[str, str], *, number: int, seen: Seen) -> LineRowForm:
    """Return the form that checks a row: a totals row (its code says "total") or a budget line."""
    is_total = fold_for_comparison(cells["code"]) in TOTAL_FOLDED
    return (TotalRowForm if is_total else LineRowForm)(cells, number=number, seen=seen)
