"""Factories for petitions, supports and council sessions (test objects only)."""

import datetime

import factory
from django.utils import timezone

from petitions import models
from programme.models import Commune
from tests.factories import CommuneFactory


class CouncilSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CouncilSession

    kind = models.CouncilSession.Kind.ORDINARY
    slug = factory.Sequence(lambda n: f"session-{n}")
    title_ar = factory.Sequence(lambda n: f"الدورة {n}")
    title_fr = factory.Sequence(lambda n: f"Session {n}")
    period_start = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=30 * n))
    period_end = factory.LazyAttribute(lambda o: o.period_start + datetime.timedelta(days=6))


class PetitionFactory(factory.django.DjangoModelFactory):
    """A citizens' petition published and gathering support."""

    class Meta:
        model = models.Petition

    kind = models.Petition.Kind.CITIZENS
    title = factory.Sequence(lambda n: f"إنارة الحي رقم {n} بالإنارة العمومية")
    request = "نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في الحي."
    reasons = "الحي يعاني من الظلام ليلا مما يهدد سلامة السكان."
    domain = models.Petition.Domain.LIGHTING
    language = "ar"
    agent_name = "فاطمة الزهراء العلوي"
    contact_email = factory.Sequence(lambda n: f"agent{n}@example.ma")
    contact_phone = "0612345678"
    signature_threshold = 200
    status = models.Petition.Status.PUBLISHED
    state = models.Petition.State.PUBLISHED
    published_on = factory.LazyFunction(timezone.localdate)
    fingerprint = factory.Sequence(lambda n: f"fingerprint-{n}")
    deposited_on = None
    receipt_number = factory.LazyAttributeSequence(lambda o, n: f"{n}/2026" if o.deposited_on else "")


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Support

    petition = factory.SubFactory(PetitionFactory)
    name = factory.Sequence(lambda n: f"مواطن {n}")
    relation = models.Support.Relation.RESIDENT
    email = factory.Sequence(lambda n: f"supporter{n}@example.ma")
    consent = True
    confirmed_at = factory.LazyFunction(timezone.now)


class PetitionEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PetitionEvent

    petition = factory.SubFactory(PetitionFactory)
    action = models.PetitionEvent.Action.PUBLISHED
    date = factory.LazyFunction(timezone.localdate)
    note_ar = "ملاحظة"
    note_fr = "Note"


def petitions_build(*, scale: int = 1) -> list[models.Petition]:
    """Build petitions in every public state, with supports, events, sessions and agenda items."""
    if not Commune.objects.exists():
        CommuneFactory(population=192676)
    petitions = []
    for _index in range(scale):
        session = CouncilSessionFactory()
        models.AgendaItem.objects.create(session=session, order=1, title_ar="بند", title_fr="Point")
        for state in (
            models.Petition.State.PUBLISHED,
            models.Petition.State.DEPOSITED,
            models.Petition.State.ACCEPTED,
            models.Petition.State.REFUSED,
        ):
            extra = {}
            if state != models.Petition.State.PUBLISHED:
                extra = {"deposited_on": datetime.date(2026, 1, 10), "paper_signature_count": 210}
            if state in (models.Petition.State.ACCEPTED, models.Petition.State.REFUSED):
                extra.update(
                    decided_on=datetime.date(2026, 2, 1),
                    refusal_reasons_ar="خارج الاختصاص",
                    committees_ar="لجنة المرافق العمومية",
                )
            if state == models.Petition.State.ACCEPTED:
                extra["session"] = session
            petition = PetitionFactory(state=state, **extra)
            SupportFactory.create_batch(2, petition=petition)
            PetitionEventFactory(petition=petition)
            petitions.append(petition)
    return petitions
