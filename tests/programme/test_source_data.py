"""Check fixtures/programme.json against the commune's presentation of 19/09/2023.

The expected values are typed here from the source document
(/work/shared/source/beni-mellal-open-programme-2023.txt), independently of the fixture.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.db.models import Sum
from modeltranslation.translator import translator

from programme.models import (
    Activity,
    Axis,
    CommitteeMeeting,
    CommitteeMember,
    Commune,
    MethodStep,
    Milestone,
    Objective,
    Principle,
    Programme,
    Project,
    ProjectUpdate,
)

pytestmark = pytest.mark.django_db

FIXTURE = settings.BASE_DIR / "fixtures" / "programme.json"
LANGUAGES = ("ar", "fr")
# Persian/Urdu letter forms, tatweel, the replacement character and the slide bullet: extraction damage.
FORBIDDEN = {
    "\u06be": "ARABIC LETTER HEH DOACHASHMEE",
    "\u06cc": "ARABIC LETTER FARSI YEH",
    "\u06c1": "ARABIC LETTER HEH GOAL",
    "\u0640": "ARABIC TATWEEL",
    "\ufffd": "REPLACEMENT CHARACTER",
    "\u2022": "BULLET",
}
EQUALITY_BODY = "هيئة المساواة وتكافؤ الفرص ومقاربة النوع"

# number: (Arabic title, axis number, cost, start, end)
PROJECTS = {
    1: ("المدينة الخضراء", 1, "40000", datetime.date(2024, 1, 1), datetime.date(2024, 8, 31)),
    2: ("تنزيل آلية تقديم العرائض", 2, "20000", datetime.date(2024, 1, 1), datetime.date(2024, 2, 29)),
    3: ("تشجيع المنتوج المحلي – منتوجات دارنا –", 4, "40000", datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)),
    4: ("الميزانية التشاركية", 2, "40000", None, None),
    5: ("ميزانية المواطن", 2, "40000", datetime.date(2023, 11, 1), datetime.date(2025, 12, 31)),
    6: (
        "تغيير ثقافة وسلوك المواطن مع تدبير النفايات، من خلال تكثيف الحملات التحسيسية التوعوية",
        1,
        "50000",
        None,
        None,
    ),
    7: ("تنظيم مسابقة أنظف حي", 1, "30000", datetime.date(2025, 7, 1), datetime.date(2025, 12, 31)),
    8: ("تنظيم مسابقة أجمل وأنظف محيط مدرسة", 1, "40000", datetime.date(2025, 1, 1), datetime.date(2025, 7, 31)),
    9: (
        "اعتماد مقاربة تشاركية أثناء إعداد قرارات الرئيس، المتعلقة بتنظيم السير والجولان والوقوف بالطرق "
        "العمومية والمحافظة على سلامة المرور بها",
        3,
        "30000",
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    ),
    10: (
        "تسويق وتثمين الخدمات المقدمة من طرف الجماعة",
        2,
        "30000",
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    ),
}

# number: (top-level activities, sub-steps) as counted on each project's slide "أنشطة المشروع"
ACTIVITY_COUNTS = {
    1: (7, 0),
    2: (2, 0),
    3: (4, 4),
    4: (2, 0),
    5: (7, 0),
    6: (4, 0),
    7: (5, 4),
    8: (4, 4),
    9: (5, 0),
    10: (6, 0),
}


@pytest.fixture(autouse=True)
def programme_data(db):
    call_command("loaddata", FIXTURE, verbosity=0)


def programme_models():
    return list(apps.get_app_config("programme").get_models())


def text_values():
    """Yield (label, field name, value) for every text column of every programme row."""
    for model in programme_models():
        text_fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField)) and not isinstance(field, models.FileField)
        ]
        for row in model.objects.values("pk", *text_fields):
            for name in text_fields:
                if row[name]:
                    yield f"{model._meta.label}#{row['pk']}", name, row[name]


def translated_pairs():
    """Yield (label, field, Arabic value, French value) for every translated field of every row."""
    for model in programme_models():
        if model not in translator.get_registered_models():
            continue
        fields = sorted(translator.get_options_for_model(model).get_field_names())
        columns = [f"{name}_{lang}" for name in fields for lang in LANGUAGES]
        for row in model.objects.values("pk", *columns):
            for name in fields:
                yield f"{model._meta.label}#{row['pk']}", name, row[f"{name}_ar"], row[f"{name}_fr"]


def project(number):
    return Project.objects.get(programme=Programme.objects.get(), number=number)


def test_no_extraction_damage_in_any_text_field():
    damaged = [(label, name, FORBIDDEN[ch]) for label, name, value in text_values() for ch in FORBIDDEN if ch in value]
    assert damaged == []


def test_translated_fields_have_french_wherever_they_have_arabic():
    missing = [(label, name) for label, name, ar, fr in translated_pairs() if ar and not (fr or "").strip()]
    assert missing == []
    # and the other way round: no French text without its Arabic original
    orphans = [(label, name) for label, name, ar, fr in translated_pairs() if fr and not (ar or "").strip()]
    assert orphans == []


def test_fixture_writes_translated_fields_only_as_ar_and_fr_columns():
    bare = []
    for obj in json.loads(FIXTURE.read_text(encoding="utf-8")):
        model = apps.get_model(obj["model"])
        if model in translator.get_registered_models():
            for name in translator.get_options_for_model(model).get_field_names():
                if name in obj["fields"]:
                    bare.append((obj["model"], obj["pk"], name))
    assert bare == []


def test_no_text_has_stray_spacing_or_a_trailing_list_semicolon():
    bad = [
        (label, name)
        for label, name, value in text_values()
        if value != value.strip() or "  " in value or value.endswith(("؛", ";")) or " ،" in value or " ؛" in value
    ]
    assert bad == []


def test_commune():
    commune = Commune.objects.get()
    assert commune.name_ar == "جماعة بني ملال"
    assert commune.name_fr == "Commune de Béni Mellal"
    assert commune.email == "cellule.informatique.bm@gmail.com"
    assert commune.website == "https://www.communebenimellal.ma"
    assert commune.population == 192676
    assert "2014" in commune.population_source
    assert commune.has_arrondissements is False


def test_the_official_heading_is_the_one_moroccan_papers_print():
    # GUIDE, Moroccan conventions: one line each, the kingdom and the ministry, then the region, the province and the
    # commune (the kingdom's line is the templates', the commune's line its name).
    commune = Commune.objects.get()
    assert [commune.ministry_ar, commune.region_ar, commune.province_ar, commune.name_ar] == [
        "وزارة الداخلية",
        "جهة بني ملال - خنيفرة",
        "إقليم بني ملال",
        "جماعة بني ملال",
    ]
    assert [commune.ministry_fr, commune.region_fr, commune.province_fr, commune.name_fr] == [
        "Ministère de l'Intérieur",
        "Région de Béni Mellal-Khénifra",
        "Province de Béni Mellal",
        "Commune de Béni Mellal",
    ]


def test_the_signature_block_names_the_committee_chair_by_role_only():
    # The source gives the chair's role (رئيس اللجنة: رئيس الجماعة أو من يمثله), never a person's name.
    programme = Programme.objects.get()
    assert programme.committee_chair_title_ar == "رئيس لجنة برنامج انفتاح الجماعة"
    assert programme.committee_chair_title_fr == "Le président du comité du programme d'ouverture de la commune"
    assert not programme.committee_chair_name_ar and not programme.committee_chair_name_fr
    chair = CommitteeMember.objects.get(programme=programme, order=1)
    assert chair.role_ar == "رئيس اللجنة" and chair.holder_ar == "رئيس الجماعة أو من يمثله"


def test_programme_presentation_and_adoption():
    programme = Programme.objects.get()
    assert programme.title_ar == "برنامج انفتاح الجماعة"
    assert programme.presented_on == datetime.date(2023, 9, 19)
    assert programme.adoption_date == datetime.date(2023, 10, 5)
    assert "أكتوبر 2023" in programme.adoption_session_ar
    assert programme.committee_meeting_rhythm_ar == "يتم عقد اجتماعات بصفة شهرية وكلما دعت الضرورة إلى ذلك"
    assert Programme.objects.current() == programme


def test_budget_note_quotes_the_slide_figure_without_typing_the_computed_total():
    programme = Programme.objects.get()
    for note in (programme.budget_note_ar, programme.budget_note_fr):
        assert "330\u00a0000" in note
        assert "360" not in note


def test_objectives():
    titles = list(Objective.objects.order_by("number").values_list("number", "title_ar"))
    assert titles == [
        (1, "تحسين جودة خدمات وبرامج الجماعة الترابية"),
        (2, "جعل المواطن شريكا في تحديد الاحتياجات وإيجاد الحلول"),
        (3, "تعزيز الثقة بين المواطن والجماعة الترابية"),
    ]
    assert "الحليف الرئيسي لمواجهة تحديات التنمية المحلية" in Objective.objects.get(number=2).description_ar


def test_principles_of_open_development():
    names = list(Principle.objects.order_by("number").values_list("name_ar", flat=True))
    assert names == ["المساءلة والشفافية", "الحصول على المعلومة", "المشاركة المواطنة", "الرقمنة"]


def test_method_steps_go_from_the_co_preparation_workshop_to_adoption_by_the_bureau():
    steps = list(MethodStep.objects.order_by("number").values_list("text_ar", flat=True))
    assert len(steps) == 8
    assert steps[0].startswith("ورشة الإعداد المشترك")
    assert steps[3].startswith("تقديم مسودة برنامج العمل")
    assert steps[4].startswith("طرح مشروع برنامج العمل للتشاور")
    assert steps[-1].startswith("اعتماد برنامج العمل من طرف المكتب")


def test_co_preparation_calendar():
    milestones = list(Milestone.objects.order_by("date").values_list("date", "title_ar"))
    assert milestones == [
        (datetime.date(2023, 1, 12), "لقاء تواصلي حول البرنامج"),
        (datetime.date(2023, 1, 18), "تحديد المحاور ذات الأولوية"),
        (datetime.date(2023, 2, 22), "ورشة تكوينية"),
        (datetime.date(2023, 3, 14), "المشاركة المواطنة 1: جمع الأفكار والمقترحات"),
        (datetime.date(2023, 7, 11), "المشاركة المواطنة 2: التشاور حول مسودة برنامج الانفتاح"),
        (datetime.date(2023, 9, 19), "اجتماع اللجان لمناقشة برنامج انفتاح الجماعة"),
        (datetime.date(2023, 10, 5), "المصادقة على برنامج الانفتاح"),
    ]
    consultation = Milestone.objects.get(date=datetime.date(2023, 7, 11)).description_ar
    for fact in ("«مغيلة»", "39 مشاركا", "19 يوليوز 2023", "30 يوليوز 2023", "ثماني (08) مشاركات"):
        assert fact in consultation


def test_committee_seats():
    seats = list(CommitteeMember.objects.order_by("order").values_list("holder_ar", "seats"))
    assert seats == [
        ("رئيس الجماعة أو من يمثله", 1),
        ("نقطة الارتكاز", 1),
        ("ممثلو المصالح الجماعية", None),
        (EQUALITY_BODY, 3),
    ]
    assert CommitteeMember.objects.get(order=1).role_ar == "رئيس اللجنة"


def test_source_has_no_committee_meetings_or_project_updates():
    assert not CommitteeMeeting.objects.exists()
    assert not ProjectUpdate.objects.exists()


def test_four_axes():
    axes = list(Axis.objects.order_by("number").values_list("number", "slug", "title_ar"))
    assert axes == [
        (1, "cleanliness-environment-health", "النظافة والمحافظة على البيئة وحفظ الصحة"),
        (2, "communication", "التواصل (الرقمنة – العرائض)"),
        (3, "city-upgrading", "تأهيل المدينة (الإنارة العمومية – الطرق)"),
        (4, "territorial-intelligence", "الذكاء الترابي"),
    ]


def test_ten_projects_with_their_axis_cost_and_schedule():
    rows = Project.objects.select_related("axis").order_by("number")
    assert [p.number for p in rows] == list(range(1, 11))
    for p in rows:
        title, axis, cost, start, end = PROJECTS[p.number]
        assert p.title_ar == title, p.number
        assert p.axis.number == axis, p.number
        assert p.estimated_cost == Decimal(cost), p.number
        assert (p.start_date, p.end_date) == (start, end), p.number
        assert p.status == Project.Status.PLANNED
        assert p.progress is None


def test_open_dates_are_explained_in_a_schedule_note():
    for p in Project.objects.filter(start_date__isnull=True) | Project.objects.filter(end_date__isnull=True):
        assert p.schedule_note_ar.strip(), p.number
        assert p.schedule_note_fr.strip(), p.number
    assert "ENABEL" in project(4).schedule_note_ar
    assert "الشركة المفوض لها تدبير قطاع النظافة" in project(6).schedule_note_ar
    assert "ENABEL" in project(10).schedule_note_ar
    assert "على أساس الخدمة المقدمة من طرفها" in project(6).cost_note_ar


def test_total_is_computed_from_the_project_costs():
    total = Project.objects.aggregate(total=Sum("estimated_cost"))["total"]
    assert total == Decimal("360000")
    assert Project.objects.total_cost() == total


def test_activity_counts_per_project():
    for number, (top, sub) in ACTIVITY_COUNTS.items():
        activities = Activity.objects.filter(project=project(number))
        assert activities.filter(parent__isnull=True).count() == top, number
        assert activities.filter(parent__isnull=False).count() == sub, number
        assert sorted(activities.filter(parent__isnull=True).values_list("number", flat=True)) == list(
            range(1, top + 1)
        ), number


def test_numbered_stages_are_sub_steps_of_the_activity_that_introduces_them():
    for number, position in ((3, 2), (7, 1), (8, 1)):
        parent = Activity.objects.get(project=project(number), parent__isnull=True, number=position)
        assert parent.text_ar.endswith("المراحل التالية:")
        children = list(parent.children.order_by("number"))
        assert [child.number for child in children] == [1, 2, 3, 4]
        assert all(child.project_id == parent.project_id for child in children)
    stages = Activity.objects.filter(project=project(7), parent__isnull=False).order_by("number")
    assert stages.last().text_ar == "توفير المعدات اللازمة للقيام بتنظيف الأحياء"
    assert EQUALITY_BODY in stages.first().text_ar


@pytest.mark.parametrize(
    ("number", "position", "text"),
    [
        (
            1,
            2,
            "تفعيل دور اللجنة المكلفة بتسليم شهادة التسليم المؤقت أو النهائي، وذلك من خلال التأكد من وجود "
            "المساحات الخضراء ضمن التجزئات وفق الأنظمة والقوانين الجاري بها العمل",
        ),
        (
            1,
            3,
            "تسويق مكتب الأغراس؛ وذلك من خلال تنظيم لقاءات تواصلية للتعريف بالمهام التي يقوم بها هذا "
            "المكتب، سواء من خلال التشجير أو شذب أو صيانة المساحات الخضراء",
        ),
        (4, 1, "إعداد الميزانية التشاركية بشراكة مع الهيئة والوكالة البلجيكية ENABEL"),
        (5, 7, "اعتماد نفس المنهجية بالنسبة لميزانية المواطن لسنة 2025"),
        (
            9,
            5,
            "إعداد تقرير سنوي بالشكايات الواردة على الجماعة، المتعلقة بالسير والجولان ونشره بالبوابة "
            "الرسمية للجماعة مع نشر كذلك نسبة الشكايات التي تمت معالجتها",
        ),
    ],
)
def test_activity_texts_are_reconstructed_in_full(number, position, text):
    activity = Activity.objects.get(project=project(number), parent__isnull=True, number=position)
    assert activity.text_ar == text


def test_projects_name_their_partners():
    def partners(number):
        return set(project(number).partners.values_list("slug", flat=True))

    assert {"enabel", "dgct", "equality-commission"} <= partners(4)
    assert "enabel" in partners(10)
    assert partners(6) == {"delegated-cleanliness-company"}
    assert "equality-commission" in partners(7)
    assert not Project.objects.filter(partners__slug="remacto").exists()


# The commune's wording with its language slips corrected; no fact changes. Each pair is listed, with where it
# is, in docs/programme.md ("Language corrections") for the commune to review: (slip, correction).
LANGUAGE_CORRECTIONS = [
    ("حضر هذا اللقاء 39 مشارك، موزعة", "حضر هذا اللقاء 39 مشاركا، موزعين"),
    ("ثمانية (08) مشاركات", "ثماني (08) مشاركات"),
    ("للمشاريع العشر المدرجة", "للمشاريع العشرة المدرجة"),
    ("من خلال إتباع المراحل", "من خلال اتباع المراحل"),
    ("للإنخراط في المسابقة", "للانخراط في المسابقة"),
    ("سيتم الإشتغال عليها", "سيتم الاشتغال عليها"),
    ("تعديل أو اغناء برنامج العمل", "تعديل أو إغناء برنامج العمل"),
    ("بمشاركة الصناع التقليدين", "بمشاركة الصناع التقليديين"),
    ("يضم بنود واضحة", "يضم بنودا واضحة"),
    ("بحكم هي الواجهة الأولى", "بحكم أنها الواجهة الأولى"),
    ('"holder_ar": "ممثلي المصالح الجماعية"', '"holder_ar": "ممثلو المصالح الجماعية"'),
    ("استغلال contacter nous الموجودة", "استغلال خانة «اتصلوا بنا» الموجودة"),
    ('\\"مغيلة\\"', "«مغيلة»"),
    ('\\"إحداث وتهيئة حدائق', "«إحداث وتهيئة حدائق"),
    ('\\"توسيع المساحات الخضراء', "«توسيع المساحات الخضراء"),
    ("اعتماد إستراتيجية", "اعتماد استراتيجية"),
    ("سيتولى هذه المهمة هيئة", "ستتولى هذه المهمة هيئة"),
    ("ولاسيما", "ولا سيما"),
    ('"attendees_ar": "أعضاء ومستشاري المجلس الجماعي', '"attendees_ar": "أعضاء ومستشارو المجلس الجماعي'),
    ('ممثلي جمعيات المجتمع المدني بالهيئة الاستشارية."', 'ممثلو جمعيات المجتمع المدني بالهيئة الاستشارية."'),
    ("Beni Mellal", None),
]


@pytest.mark.parametrize(("slip", "correction"), LANGUAGE_CORRECTIONS)
def test_the_commune_text_is_published_without_its_language_slips(slip, correction):
    fixtures = "".join(path.read_text(encoding="utf-8") for path in sorted(FIXTURE.parent.glob("*.json")))
    assert slip not in fixtures
    if correction:
        assert correction in fixtures


def test_arabic_quotations_use_guillemets_only():
    for label, name, value in text_values():
        if name.endswith("_ar"):
            assert not {'"', "“", "”"} & set(value), (label, name, value)
