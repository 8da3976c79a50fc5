import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from moderation.models import Moderated
from openmun.folding import fold_for_comparison
from openmun.search import highlight, search_terms
from programme.models import Project
from tests.budgets.factories import BudgetLineFactory, BudgetYearFactory
from tests.consultations.factories import ContributionFactory, RoundFactory
from tests.factories import ActivityFactory, ProjectFactory, programme_build
from tests.petitions.factories import PetitionFactory
from transparency.index import search_index_rebuild, search_refresh_deferred
from transparency.models import SearchEntry
from transparency.selectors import search_data

pytestmark = pytest.mark.django_db


def url(language: str, **params) -> str:
    with translation.override(language):
        path = reverse("transparency:search")
    from django.utils.http import urlencode

    return f"{path}?{urlencode(params)}"


def found(query: str, language: str = "ar") -> dict[str, set[str]]:
    """Return the titles found for query, by kind."""
    data = search_data(query=query, language=language)
    return {
        group.kind: {str(hit.title).replace("<mark>", "").replace("</mark>", "") for hit in group.hits}
        for group in data["groups"]
    }


# The normaliser


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("احمد", "أحمد"),
        ("اسلام", "إسلام"),
        ("اثار", "آثار"),
        ("الاستقبال", "ٱلاستقبال"),  # alef forms
        ("مستوي", "مستوى"),  # alef maqsura
        ("المدينه", "المدينة"),  # teh marbuta
        ("مدينة", "مَدِينَةٌ"),
        ("التحملات", "التَّحَمُّلات"),  # diacritics and shadda
        ("المدينة", "المديـــنة"),  # tatweel
        ("كتاب", "کتاب"),
        ("يكهه", "یکھہ"),  # Persian and Urdu letter forms
        ("2024", "٢٠٢٤"),
        ("2024", "۲۰۲۴"),  # Arabic-Indic and Persian digits
        ("ecole", "École"),
        ("deleguee", "DÉLÉGUÉE"),
        ("oeuvre", "Œuvre"),  # French accents and case
    ],
)
def test_every_spelling_variant_folds_to_the_same_text(typed, stored):
    assert fold_for_comparison(stored) == fold_for_comparison(typed)


def test_a_query_keeps_its_words_and_drops_the_article_and_one_letter_words():
    assert search_terms("  المدينة   و الخضراء  ") == ["مدينه", "خضراء"]
    assert search_terms("La ville VERTE") == ["la", "ville", "verte"]
    assert search_terms("") == []


def test_highlight_escapes_first_and_marks_the_original_letters():
    html = highlight("<b>المَدِينَة</b> & École", search_terms("مدينه ecole"))
    assert html == "&lt;b&gt;ال<mark>مَدِينَة</mark>&lt;/b&gt; &amp; <mark>École</mark>"


# Search on the database (the same results on SQLite and PostgreSQL: CI runs this file on both)


@pytest.fixture
def indexed(db):
    programme = programme_build()
    project = Project.objects.get(slug="project-1")
    project.title_ar = "المدينة الخضراء"
    project.title_fr = "La ville verte"
    project.summary_ar = "إعادة صياغة دفتر التحملات لحماية المساحات الخضراء في مستوى الأحياء سنة 2024"
    project.summary_fr = "Réécrire le cahier des charges des lotissements pour protéger les espaces verts"
    project.save()
    ActivityFactory(project=project, number=9, text_ar="تنظيم مسابقة أنظف حي", text_fr="Concours du quartier propre")
    return programme


@pytest.mark.parametrize(
    "query",
    [
        "المدينة الخضراء",
        "المدينه الخضراء",
        "مدينة",
        "الْمَدِينَةُ",
        "المديـــنة",
        "ٱلمدينة",
        "المدینة",
        "اعادة صياغة",
        "مستوي الاحياء",
        "٢٠٢٤ الخضراء",
        "۲۰۲۴",
        "ville verte",
        "VILLE",
        "reecrire cahier",
        "espaces verts",
    ],
)
def test_a_project_is_found_however_its_words_are_typed(indexed, query):
    assert "المدينة الخضراء" in found(query).get("project", set())


def test_every_word_must_match(indexed):
    assert "project" not in found("المدينة الحمراء")
    assert found("مسابقة انظف")["activity"] == {"تنظيم مسابقة أنظف حي"}


def test_french_pages_show_french_titles_and_find_arabic_words_too(indexed):
    assert "La ville verte" in found("ville", "fr")["project"]
    assert "La ville verte" in found("الخضراء", "fr")["project"]


def test_the_index_follows_saves_and_deletes(indexed):
    project = Project.objects.get(slug="project-1")
    project.title_ar = "الحي النظيف"
    project.save()
    assert "project" not in found("المدينة الخضراء")
    assert found("النظيف")["project"] == {"الحي النظيف"}
    # The activities show their project's title: they follow it too.
    counts = {source.kind: count for source, count in search_data(query="النظيف", language="ar")["counts"]}
    assert counts["activity"] == project.activities.count() == 7
    project.delete()
    assert not SearchEntry.objects.filter(kind="project", object_id=project.pk).exists()
    assert found("النظيف") == {}


def test_only_published_contributions_and_public_petitions_are_found(indexed):
    consultation_round = RoundFactory(programme=indexed, slug="ideas")
    published = ContributionFactory(
        round=consultation_round,
        text="غرس أشجار الزيتون في حديقة الحي",
        display_name="خديجة البوعزاوي",
        email="khadija@example.ma",
    )
    pending = ContributionFactory(
        round=consultation_round, text="غرس أشجار النخيل قرب المدرسة", status=Moderated.Status.PENDING
    )
    PetitionFactory(title="إنارة شارع الزيتون بالإنارة العمومية")
    PetitionFactory(title="إنارة شارع النخيل بالإنارة العمومية", status=Moderated.Status.PENDING)
    results = found("غرس اشجار")
    assert len(results["contribution"]) == 1
    assert found("النخيل") == {}
    assert found("انارة شارع")["petition"] == {"إنارة شارع الزيتون بالإنارة العمومية"}
    # Names and e-mail addresses are never indexed.
    assert found("البوعزاوي") == {} and found("khadija") == {}
    assert not SearchEntry.objects.filter(folded__contains="khadija").exists()
    # A contribution withdrawn without a signal (reports use QuerySet.update) disappears at once.
    type(published).objects.filter(pk=published.pk).update(status=Moderated.Status.PENDING)
    assert "contribution" not in found("غرس اشجار")
    pending.status = Moderated.Status.PUBLISHED
    pending.save()
    assert len(found("النخيل")["contribution"]) == 1


def test_budget_lines_of_unpublished_years_are_not_found(db):
    BudgetLineFactory(year=BudgetYearFactory(year=2024), label_ar="رسوم النظافة", label_fr="Taxe de propreté")
    hidden = BudgetYearFactory(year=2025, is_published=False)
    BudgetLineFactory(year=hidden, label_ar="رسوم النظافة الجديدة", label_fr="Nouvelle taxe")
    assert len(found("رسوم النظافه")["budget-line"]) == 1
    # Publishing the year (after a bulk import) indexes its lines.
    hidden.is_published = True
    hidden.save()
    assert len(found("رسوم النظافه")["budget-line"]) == 2


def test_rebuild_indexes_what_signals_missed(indexed):
    SearchEntry.objects.all().delete()
    counts = search_index_rebuild()
    assert counts["project"] == 10
    assert "المدينة الخضراء" in found("المدينة")["project"]


def test_a_deferred_refresh_indexes_each_object_once_from_what_it_ends_as(indexed):
    project = Project.objects.get(slug="project-1")
    with search_refresh_deferred():
        with CaptureQueriesContext(connection) as writes:
            project.title_ar = "الحي النظيف"
            project.save()
            for number in range(10, 15):
                ActivityFactory(project=project, number=number, text_ar=f"نشاط {number}", text_fr=f"Activité {number}")
            with search_refresh_deferred():
                project.title_fr = "Le quartier soigné"
                project.save()
        # Until the block ends, the index says what it said before.
        assert not any(SearchEntry._meta.db_table in query["sql"] for query in writes.captured_queries)
        assert "المدينة الخضراء" in found("المدينة الخضراء")["project"]
        assert not found("soigne", "fr")
    assert found("النظيف")["project"] == {"الحي النظيف"}
    assert found("soigne", "fr")["project"] == {"Le quartier soigné"}
    added = project.activities.filter(number__gte=10).values_list("pk", flat=True)
    assert SearchEntry.objects.filter(kind="activity", object_id__in=added).count() == 5 * 2
    assert SearchEntry.objects.filter(kind="project", object_id=project.pk).count() == 2


def test_a_deferred_refresh_that_fails_indexes_nothing(indexed):
    project = Project.objects.get(slug="project-1")
    with pytest.raises(RuntimeError), search_refresh_deferred():
        ActivityFactory(project=project, number=20, text_ar="نشاط ملغى", text_fr="Activité annulée")
        raise RuntimeError("the write was given up")
    assert found("ملغى") == {}
    # Outside the block, each save refreshes at once again.
    ActivityFactory(project=project, number=21, text_ar="نشاط جديد", text_fr="Nouvelle activité")
    assert len(found("جديد")["activity"]) == 1


@pytest.mark.parametrize(
    ("language", "direction", "query", "marked"),
    [
        ("ar", "rtl", "المدينه", "ال<mark>مدينة</mark> الخضراء"),
        ("fr", "ltr", "ville", "La <mark>ville</mark> verte"),
    ],
)
def test_the_search_page_groups_results_and_marks_the_words(client, indexed, language, direction, query, marked):
    html = client.get(url(language, q=query)).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1
    assert 'id="group-project"' in html and 'id="group-activity"' in html
    assert marked in html
    assert 'name="robots" content="noindex"' in html


def test_a_kind_has_its_own_pages_of_results(client, indexed):
    project = Project.objects.get(slug="project-1")
    for number in range(10, 40):
        ActivityFactory(project=project, number=number, text_ar=f"حملة تحسيسية رقم {number}", text_fr="Campagne")
    html = client.get(url("ar", q="حملة تحسيسية")).content.decode()
    assert "?q=" in html and "kind=activity" in html
    page_1 = client.get(url("ar", q="حملة تحسيسية", kind="activity")).content.decode()
    page_2 = client.get(url("ar", q="حملة تحسيسية", kind="activity", page=2)).content.decode()
    assert page_1.count('class="search-hit"') == 20 and page_2.count('class="search-hit"') == 10


def test_an_empty_or_too_short_query_finds_nothing(client, indexed):
    assert client.get(url("ar", q="")).status_code == 200
    html = client.get(url("fr", q="a")).content.decode()
    assert 'class="search-hit"' not in html


def test_the_search_costs_the_same_queries_whatever_the_data(assert_queries_fixed, indexed):
    def grow():
        project = Project.objects.get(slug="project-1")
        for number in range(100, 160):
            ActivityFactory(project=project, number=number, text_ar=f"نشاط المدينة {number}", text_fr="Activité")
            ProjectFactory(
                programme=indexed, axis=project.axis, number=number, slug=f"city-{number}", title_ar=f"المدينة {number}"
            )

    assert_queries_fixed(url("ar", q="المدينه"), url("ar", q="المدينه", kind="activity"), grow=grow, limit=12)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's text search ranks only there")
def test_postgresql_ranking_orders_but_never_selects(indexed):
    from transparency.registry import registry
    from transparency.selectors import matching_entries

    entries, _terms = matching_entries("الخضراء", "ar", registry.search_sources())
    ranked = list(entries.values_list("kind", "object_id"))
    plain = SearchEntry.objects.filter(language="ar", folded__icontains="خضراء")
    assert sorted(ranked) == sorted(plain.values_list("kind", "object_id"))
    assert "rank" in str(entries.query)


@pytest.mark.parametrize("query", ["verte\x00", "\x00", "ver\x00te", "verte\x1b", "\x01verte\x7f", "verte\r\n\t"])
@pytest.mark.parametrize("kind", ["", "project", "project\x00"])
def test_control_characters_in_a_query_never_reach_the_database(client, indexed, query, kind):
    # PostgreSQL refuses a NUL in text (DataError): run on PostgreSQL too (DATABASE_URL).
    response = client.get(url("fr", q=query, kind=kind, page="1\x00"))
    assert response.status_code == 200
    if query.strip("\x00") and kind != "project\x00":
        assert "La ville verte" in response.content.decode().replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize(
    ("language", "title", "line"),
    [
        ("ar", "<h1>البحث</h1>", "للبحث عن «<bdi>2024 budget</bdi>»"),
        ("fr", "<h1>Recherche</h1>", "<bdi>2024 budget</bdi>"),
    ],
)
def test_the_search_page_is_titled_with_a_noun_and_isolates_the_query(client, indexed, language, title, line):
    # An imperative ("ابحث") is for the button; unisolated, "2024 budget" would read "budget 2024" in Arabic.
    html = client.get(url(language, q="2024 budget")).content.decode()
    assert title in html
    status = html.split('role="status">')[1].split("</p>")[0]
    assert line in status
    assert "«" in status and "“" not in status
