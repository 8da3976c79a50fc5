"""Names on the public forms: no citizen may appear as the commune, its administration or its moderators."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from budgets.forms import ProposalForm
from consultations.forms import CommentForm, ContributionForm
from consultations.models import Comment
from moderation.forms import DisplayNameField
from openmun.text import validate_not_impersonating
from petitions.forms import PetitionForm, SupportForm
from tests.consultations.factories import open_round
from tests.factories import CommuneFactory, programme_build

COMMUNE_NAMES = ["جماعة بني ملال", "Commune de Beni Mellal"]
IMPERSONATING = [
    "Commune de Beni Mellal – réponse officielle",
    "جماعة بني ملال",
    "الرد الرسمي",
    "Official reply",
    "admin",
    "modérateur",
    # Spacing, case, accents, hamza and letter forms, clitics, look-alikes.
    "C o m m u n e",
    "Ad min",
    "o.f.f.i.c.i.e.l",
    "MODERATEUR",
    "Réponse  officielle",
    "الجماعة",
    "للجماعه",
    "جماعـــة بنی ملال",
    "جماعةبني ملال",
    "ا ل ج م ا ع ة",
    "الرسمى",
    "الاداره",
    "المجلس الجماعي",
    "البلدية",
    "ADM1N",
    "adrnin",
    "@dmin",
    "C0mmune",
    "Cοmmune",  # a Greek omicron
    "ﺍﻟﺠﻤﺎﻋﺔ",  # presentation forms pasted from a PDF
    "Le webmaster",
    "Staff",
]
CITIZENS = [
    "Fatima Zahra",
    "فاطمة الزهراء",
    "Youssef B.",
    "Amine",
    "Salma Communication",
    "Kadmina",
    "Hassan Officier",
    "جمال",
    "جمعية الأمل",
    "سعيد الإدريسي",
    "Beni Mellal",
    "بني ملال",
    "عبد الرحيم بن علي",
    "Ali",
    "Adil",
]


def refused(value: str, names=COMMUNE_NAMES) -> bool:
    try:
        validate_not_impersonating(value, names=names)
    except ValidationError as error:
        assert error.code == "impersonation"
        return True
    return False


@pytest.mark.parametrize("name", IMPERSONATING)
def test_names_that_impersonate_the_commune_are_refused(name):
    assert refused(name)


@pytest.mark.parametrize("name", CITIZENS)
def test_citizens_names_are_accepted(name):
    assert not refused(name)


def test_the_commune_s_own_name_is_refused_in_each_language_and_spelling():
    names = ["بلدية الاختبار", "Ville-Test"]
    for name in ("Ville Test", "villetest", "V1lle-Test", "ville - test"):
        assert not refused(name, names=[]) and refused(name, names=names)


@pytest.mark.django_db
def test_the_display_name_field_reads_the_commune_s_name_from_the_programme():
    CommuneFactory(name_ar="مدينة الاختبار", name_fr="Cité Test")
    field = DisplayNameField(max_length=80, required=False)
    assert field.clean("Fatima") == "Fatima"
    for name in ("Cité Test", "cite  test", "مدينة الاختبار"):
        with pytest.raises(ValidationError) as error:
            field.clean(name)
        assert [item.code for item in error.value.error_list] == ["impersonation"]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ar", "لا يمكن أن يقدم الاسم صاحبه على أنه الجماعة أو إدارتها أو مشرفو البوابة. يرجى كتابة اسمكم الشخصي."),
        (
            "fr",
            "Un nom ne peut pas se présenter comme la commune, son administration ou les modérateurs du portail. "
            "Écrivez votre propre nom.",
        ),
    ],
)
def test_the_refusal_is_translated(language, message):
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            validate_not_impersonating("Commune - réponse officielle")
        assert error.value.messages == [message]


# Every public form that takes a name.


@pytest.fixture
def consultation_round(db):
    return open_round(programme_build(), slug="ideas")


def contribution_form(data):
    from consultations.models import Round

    return ContributionForm(data, consultation_round=Round.objects.get(slug="ideas"))


PETITION = {
    "kind": "citizens",
    "title": "إنارة حي الأمل بالإنارة العمومية",
    "request": "نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في حي الأمل.",
    "reasons": "الحي يعاني من الظلام ليلا مما يهدد سلامة السكان وخاصة النساء والأطفال.",
    "domain": "lighting",
    "agent_name": "فاطمة الزهراء",
    "citizens_eligible": "on",
    "contact_email": "agent@example.ma",
    "within_limits": "on",
    "consent": "on",
}
ASSOCIATION = {
    **PETITION,
    "kind": "association",
    "agent_name": "",
    "citizens_eligible": "",
    "association_name": "جمعية الأمل",
    "association_founded_on": "2015-01-01",
    "association_seat": "حي الأمل",
    "association_representative": "محمد",
    "association_eligible": "on",
}
FORMS = {
    "contribution": (
        contribution_form,
        {"text": "نقترح إحداث مساحات خضراء قرب المدارس", "display_name": "فاطمة", "email": "", "consent": "on"},
        "display_name",
    ),
    "comment": (
        CommentForm,
        {"text": "متى يبدأ هذا المشروع في حينا؟", "display_name": "يوسف", "consent": "on"},
        "display_name",
    ),
    "proposal": (
        ProposalForm,
        {
            "title": "ملعب قرب للأطفال",
            "description": "تحويل الأرض الفارغة قرب المدرسة إلى ملعب صغير مسيج.",
            "neighbourhood": "حي النهضة",
            "estimated_cost": "350 000",
            "display_name": "سعيد",
            "consent": "on",
        },
        "display_name",
    ),
    "petition agent": (PetitionForm, PETITION, "agent_name"),
    "association representative": (PetitionForm, ASSOCIATION, "association_representative"),
    "supporter": (
        SupportForm,
        {"name": "سعيد الإدريسي", "relation": "resident", "email": "s@example.ma", "consent": "on"},
        "name",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("form_name", FORMS)
@pytest.mark.parametrize("name", ["Commune de Beni Mellal – réponse officielle", "الرد الرسمي", "Cité Test"])
def test_every_public_form_refuses_such_a_name_and_keeps_the_rest(consultation_round, form_name, name):
    CommuneFactory(name_ar="مدينة الاختبار", name_fr="Cité Test")
    form_class, data, field = FORMS[form_name]
    assert form_class(data).is_valid(), form_class(data).errors
    form = form_class({**data, field: name})
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert [error.code for error in form.errors.as_data()[field]] == ["impersonation"]
    # Nothing else the citizen typed is lost: every other field is still clean.
    assert set(form.cleaned_data) >= set(data) - {field}


@pytest.mark.django_db
def test_the_comment_form_shows_the_refusal_with_the_text_kept(client, consultation_round):
    with translation.override("fr"):
        target = reverse("consultations:comment-create", kwargs={"slug": "project-1"})
    text = "Quand ce projet commence-t-il dans notre quartier ?"
    response = client.post(target, {"text": text, "display_name": "Réponse officielle", "consent": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "son administration ou les modérateurs du portail" in html
    assert f"{text}</textarea>" in html
    assert not Comment.objects.exists()


def test_a_huge_name_is_checked_in_bounded_time():
    import time

    started = time.monotonic()
    for value in ("a " * 50_000, "ب " * 50_000, "x" * 100_000):
        assert not refused(value)
    assert time.monotonic() - started < 1
