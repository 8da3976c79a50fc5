"""Factories for test objects (never the commune's data, which lives in fixtures/)."""

import datetime
from decimal import Decimal

import factory

from programme import models
from transparency.index import search_refresh_deferred


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Commune

    name_ar = "جماعة تجريبية"
    name_fr = "Commune d'essai"
    email = "contact@example.ma"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme

    title_ar = "برنامج انفتاح الجماعة"
    title_fr = "Programme d'ouverture de la commune"
    adoption_date = datetime.date(2023, 10, 5)
    adoption_session_ar = "الدورة العادية لشهر أكتوبر 2023"
    adoption_session_fr = "session ordinaire d'octobre 2023"


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Axis

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"axis-{n + 1}")
    title_ar = factory.Sequence(lambda n: f"المحور {n + 1}")
    title_fr = factory.Sequence(lambda n: f"Axe {n + 1}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Partner

    slug = factory.Sequence(lambda n: f"partner-{n}")
    name_ar = factory.Sequence(lambda n: f"شريك {n}")
    name_fr = factory.Sequence(lambda n: f"Partenaire {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Project

    axis = factory.SubFactory(AxisFactory)
    programme = factory.LazyAttribute(lambda o: o.axis.programme)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"project-{n + 1}")
    title_ar = factory.Sequence(lambda n: f"المشروع {n + 1}")
    title_fr = factory.Sequence(lambda n: f"Projet {n + 1}")
    estimated_cost = Decimal("40000.00")
    start_date = datetime.date(2024, 1, 1)
    end_date = datetime.date(2024, 12, 31)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Activity

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    text_ar = factory.Sequence(lambda n: f"نشاط {n}")
    text_fr = factory.Sequence(lambda n: f"Activité {n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    date = datetime.date(2023, 7, 11)
    title_ar = "مرحلة"
    title_fr = "Étape"


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProjectUpdate

    project = factory.SubFactory(ProjectFactory)
    date = datetime.date(2024, 5, 2)
    text_ar = "تقدم"
    text_fr = "Avancement"
    amount_spent = Decimal("1500.50")


def programme_build(*, scale: int = 1) -> models.Programme:
    """Build a programme with 4 axes and 10×scale projects, each with activities, sub-steps and updates.

    The search index is refreshed once at the end (search_refresh_deferred), not at each of the hundred saves.
    """
    with search_refresh_deferred():
        CommuneFactory()
        programme = ProgrammeFactory()
        axes = [AxisFactory(programme=programme, number=n, slug=f"axis-{n}") for n in range(1, 5)]
        partners = [PartnerFactory() for _ in range(3 * scale)]
        for index in range(10 * scale):
            project = ProjectFactory(
                axis=axes[index % 4], programme=programme, number=index + 1, slug=f"project-{index + 1}"
            )
            project.partners.set(partners[:3])
            for number in range(1, 4):
                activity = ActivityFactory(project=project, number=number, is_done=number == 1)
                ActivityFactory(project=project, parent=activity, number=1, is_done=number == 1)
            ProjectUpdateFactory(project=project)
        for day in range(1, 1 + 6 * scale):
            MilestoneFactory(programme=programme, date=datetime.date(2023, 1, 1) + datetime.timedelta(days=day))
            models.CommitteeMeeting.objects.create(programme=programme, date=datetime.date(2024, 1, day % 28 + 1))
            models.Objective.objects.create(programme=programme, number=day, title_ar=f"هدف {day}", title_fr="But")
            models.Principle.objects.create(programme=programme, number=day, name_ar=f"مبدأ {day}", name_fr="P")
            models.MethodStep.objects.create(programme=programme, number=day, text_ar=f"خطوة {day}", text_fr="É")
            models.CommitteeMember.objects.create(
                programme=programme,
                order=day,
                role_ar="عضو",
                role_fr="Membre",
                holder_ar="ممثل",
                holder_fr="Représentant",
            )
    return programme
