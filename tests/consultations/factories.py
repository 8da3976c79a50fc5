"""Factories for citizen-participation test objects."""

import datetime

import factory
from django.utils import timezone

from consultations import models


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Round

    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"round-{n + 1}")
    title_ar = factory.Sequence(lambda n: f"المشاركة المواطنة {n + 1}")
    title_fr = factory.Sequence(lambda n: f"Participation citoyenne {n + 1}")
    kind = models.Round.Kind.IDEAS
    description_ar = "جمع الأفكار"
    description_fr = "Recueil des idées"


def open_round(programme, **kwargs) -> models.Round:
    """Return a round whose digital consultation is open today."""
    today = timezone.localdate()
    return RoundFactory(
        programme=programme,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=10),
        **kwargs,
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    round = factory.SubFactory(RoundFactory)
    date = datetime.date(2023, 7, 11)
    title_ar = "لقاء تشاوري"
    title_fr = "Rencontre consultative"
    place_ar = "المركز الاجتماعي الثقافي"
    place_fr = "Centre socioculturel"
    participant_count = 39


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Contribution

    round = factory.SubFactory(RoundFactory)
    text = factory.Sequence(lambda n: f"فكرة رقم {n}: غرس الأشجار في الحي")
    display_name = "فاطمة"
    email = factory.Sequence(lambda n: f"citizen{n}@example.ma")
    status = models.Moderated.Status.PUBLISHED


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Comment

    text = factory.Sequence(lambda n: f"تعليق رقم {n} على المشروع")
    display_name = "يوسف"
    email = factory.Sequence(lambda n: f"reader{n}@example.ma")
    status = models.Moderated.Status.PUBLISHED
