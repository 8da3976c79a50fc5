"""Factories for the budgets' test objects (never the commune's data, which lives in fixtures/)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from budgets import models
from budgets.services import email_fingerprint

Kind = models.Phase.Kind


class BudgetYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BudgetYear
        django_get_or_create = ("year",)

    year = 2024
    is_published = True
    population = 200000
    adoption_session_ar = "الدورة العادية لشهر أكتوبر 2023"
    adoption_session_fr = "session ordinaire d'octobre 2023"
    adoption_date = datetime.date(2023, 10, 3)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BudgetLine

    year = factory.SubFactory(BudgetYearFactory)
    part = models.BudgetLine.Part.OPERATING
    direction = models.BudgetLine.Direction.REVENUE
    code = factory.Sequence(lambda n: f"C-{n:03d}")
    position = factory.Sequence(lambda n: n)
    label_ar = factory.Sequence(lambda n: f"باب {n}")
    label_fr = factory.Sequence(lambda n: f"Poste {n}")
    explanation_ar = "شرح"
    explanation_fr = "Explication"
    adopted = Decimal("1000000.00")


class GlossaryTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.GlossaryTerm

    slug = factory.Sequence(lambda n: f"term-{n}")
    position = factory.Sequence(lambda n: n)
    term_ar = factory.Sequence(lambda n: f"مصطلح {n}")
    term_fr = factory.Sequence(lambda n: f"Terme {n}")
    definition_ar = "تعريف"
    definition_fr = "Définition"


def year_build(year: int = 2024, *, scale: int = 1, executed: bool = False, **fields) -> models.BudgetYear:
    """Build a published year with 4×scale lines in each part and direction: revenue 8 M, expenditure 6 M."""
    budget_year = BudgetYearFactory(year=year, **fields)
    for part in models.BudgetLine.Part:
        for direction, amount in (
            (models.BudgetLine.Direction.REVENUE, Decimal("1000000.00")),
            (models.BudgetLine.Direction.EXPENDITURE, Decimal("750000.00")),
        ):
            for index in range(4 * scale):
                BudgetLineFactory(
                    year=budget_year,
                    part=part,
                    direction=direction,
                    code=f"{direction[0]}-{index}",
                    adopted=amount / scale,
                    executed=amount / scale * Decimal("0.9") if executed else None,
                )
    return budget_year


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Cycle

    year = 2025
    slug = factory.Sequence(lambda n: f"cycle-{n}")
    title_ar = "الميزانية التشاركية 2025"
    title_fr = "Budget participatif 2025"
    envelope = Decimal("1000000.00")
    rulebook_ar = "النظام"
    rulebook_fr = "Le règlement"
    is_published = True


def phases_build(cycle: models.Cycle, *, current: str | None = None, today: datetime.date | None = None) -> None:
    """Give a cycle its six phases, ten days each, so that the current one runs today (or all are past)."""
    today = today or timezone.localdate()
    kinds = list(Kind)
    index = kinds.index(current) if current else len(kinds) + 1
    start = today - datetime.timedelta(days=10 * index + 3)
    for kind in kinds:
        models.Phase.objects.create(
            cycle=cycle,
            kind=kind,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=9),
            description_ar="وصف",
            description_fr="Description",
        )
        start += datetime.timedelta(days=10)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Proposal

    cycle = factory.SubFactory(CycleFactory)
    title = factory.Sequence(lambda n: f"مقترح رقم {n}")
    description = "وصف المقترح بتفصيل كاف لفهم ما يجب إنجازه."
    neighbourhood = "حي السلام"
    estimated_cost = Decimal("200000.00")
    status = models.Proposal.Status.PUBLISHED
    eligibility = models.Proposal.Eligibility.ELIGIBLE
    email = "citizen@example.ma"


def voter_make(cycle: models.Cycle, email: str, *, confirmed: bool = True) -> models.Voter:
    return models.Voter.objects.create(
        cycle=cycle, email_hash=email_fingerprint(email), confirmed_at=timezone.now() if confirmed else None
    )


def cycle_build(
    *, current: str | None = Kind.VOTE, proposals: int = 5, envelope: Decimal = Decimal("1000000.00"), **fields
) -> models.Cycle:
    """Build a published cycle in the given phase with eligible proposals of 200 000, 300 000, 400 000… DH."""
    cycle = CycleFactory(envelope=envelope, **fields)
    phases_build(cycle, current=current)
    for index in range(proposals):
        ProposalFactory(cycle=cycle, estimated_cost=Decimal(200000 + 100000 * index))
    return cycle
