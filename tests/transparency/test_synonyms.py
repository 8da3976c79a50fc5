"""Search synonyms: the words people use (Darija, everyday French, misspellings) find what the programme calls
otherwise; staff edit them in the admin."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from openmun.cache import CONTENT, version_get
from openmun.folding import fold_for_comparison
from openmun.search import search_terms, synonyms_index, terms_expand
from programme.models import Project
from tests.conftest import FIXTURES_DIR
from tests.factories import ActivityFactory, ProjectFactory, programme_build
from tests.transparency.test_search import found, url
from transparency import services
from transparency.index import search_index_rebuild
from transparency.models import SearchEntry, SearchSynonym
from transparency.selectors import search_data

pytestmark = pytest.mark.django_db

WASTE_AR = "تغيير ثقافة وسلوك المواطن مع تدبير النفايات، من خلال تكثيف الحملات التحسيسية التوعوية"
WASTE_FR = (
    "Changer la culture et le comportement du citoyen à l'égard de la gestion des déchets, par l'intensification "
    "des campagnes de sensibilisation"
)
TRAFFIC_FR = "Adoption d'une approche participative lors de l'élaboration des arrêtés du président"


def expand(query: str, *groups: list[str]):
    return terms_expand(search_terms(query), synonyms_index(groups))


# Expanding a query (no database)


def test_a_word_of_a_group_is_looked_for_as_any_member_of_its_group():
    expansion = expand("الزبل في الحي", ["نفايات", "زبل", "déchets"])
    assert expansion.clauses == [[("زبل",), ("dechet",), ("نفايات",)], [("في",)], [("الحي",)]]
    # The words to mark in the results include the synonyms found instead of the word typed.
    assert {"زبل", "نفايات", "dechet"} <= set(expansion.words)


def test_members_are_folded_as_queries_are():
    # Teh marbuta, alef forms, accents, case, the article, the French plural: none need listing.
    expansion = expand("الزبالة Poubelles", ["زبالة", "Poubelle", "أزبال"])
    assert set(expansion.clauses[0]) == {("زباله",), ("ازبال",), ("poubelle",)}
    assert expansion.clauses[1][0] == ("poubelles",) and ("زباله",) in expansion.clauses[1]


def test_an_expression_matches_as_a_run_of_words_and_stands_for_all_its_words():
    expansion = expand("éclairage public la nuit", ["éclairage public", "الضو", "lampadaire"])
    assert expansion.clauses[0] == [("eclairage", "public"), ("lampadaire",), ("الضو",)]
    assert expansion.clauses[1:] == [[("la",)], [("nuit",)]]
    # An expression is found as the run of words, not as one of them.
    assert expand("éclairage", ["éclairage public", "lampadaire"]).clauses == [[("eclairage",)]]


def test_a_word_in_two_groups_stands_for_both():
    expansion = expand("poubelle", ["poubelle", "déchets"], ["poubelle", "conteneur"])
    assert set(expansion.clauses[0]) == {("poubelle",), ("dechet",), ("conteneur",)}


def test_without_synonyms_a_query_is_its_words():
    assert expand("المدينة الخضراء").clauses == [[("مدينه",)], [("خضراء",)]]


# The commune's seeded synonyms, on the commune's own programme


@pytest.fixture
def commune_search(db):
    call_command("loaddata", FIXTURES_DIR / "programme.json", FIXTURES_DIR / "transparency.json", verbosity=0)
    search_index_rebuild()


def found_with_context(query: str, language: str) -> set[str]:
    """Return the titles of what the query found, and the contexts (an activity's project, a project's axis)."""
    data = search_data(query=query, language=language)
    return {
        str(text).replace("<mark>", "").replace("</mark>", "")
        for group in data["groups"]
        for hit in group.hits
        for text in (hit.title, hit.context)
    }


def nowhere_in_the_index(word: str) -> bool:
    folded = fold_for_comparison(word)
    return not SearchEntry.objects.filter(folded__icontains=folded).exists()


@pytest.mark.parametrize(
    "query",
    [
        "زبل",  # Darija
        "الزبل",
        "أزبال",
        "ordures",  # everyday French
        "poubelles",
        "poubelle",
        "نفيات",  # misspellings
        "déchais",
        "poubel",
    ],
)
def test_the_words_people_use_find_the_waste_project_in_both_languages(commune_search, query):
    assert nowhere_in_the_index(query), f"{query} is in the programme's text: the test would prove nothing"
    assert WASTE_AR in found(query, "ar").get("project", set())
    assert WASTE_FR in found(query, "fr").get("project", set())


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("lampadaire", "traffic-decisions"),  # the axis of public lighting and roads: the project's context
        ("embouteillage", "traffic-decisions"),
        ("stationement", "traffic-decisions"),
        ("parc", "green-city"),
        ("جردة", "green-city"),
        ("كونكور", "cleanest-neighbourhood"),
        ("ليكول", "school-surroundings"),
        ("coperative", "local-products"),
        ("numerik", "services-promotion"),
        ("budjet", "citizen-budget"),
        ("petision", "petitions"),
    ],
)
def test_the_seeded_words_find_each_projects_subject(commune_search, query, slug):
    assert nowhere_in_the_index(query)
    project = Project.objects.get(slug=slug)
    for language in ("ar", "fr"):
        with translation.override(language):
            title = project.title
        assert title in found_with_context(query, language), (query, language)


def test_the_results_mark_the_synonym_found(commune_search, client):
    html = client.get(url("ar", q="زبل")).content.decode()
    assert "<mark>النفايات</mark>" in html or "<mark>نفايات</mark>" in html
    html = client.get(url("fr", q="ordures")).content.decode()
    # The part of the word that matched is marked.
    assert "<mark>déchet</mark>s" in html


def test_every_seeded_group_is_valid(commune_search):
    groups = list(SearchSynonym.objects.all())
    assert len(groups) >= 20
    for group in groups:
        group.full_clean()


def test_the_commune_data_loads_the_synonyms(db):
    call_command("load_commune_data", verbosity=0)
    assert SearchSynonym.objects.exists()
    assert WASTE_AR in found("زبل", "ar")["project"]


# Staff edit the synonyms


@pytest.fixture
def waste_programme(db):
    programme = programme_build()
    project = Project.objects.get(slug="project-1")
    project.title_ar = "تدبير النفايات"
    project.title_fr = "Gestion des déchets"
    project.save()
    return programme


def test_a_group_added_in_the_admin_takes_effect_at_once(waste_programme, admin_client):
    assert "project" not in found("الطارو", "ar")
    # A search before the change: nothing cached may hide the new words afterwards.
    response = admin_client.post(
        "/ar/admin/transparency/searchsynonym/add/",
        {"subject": "النفايات", "words": "نفايات، الطارو\ndéchets", "_save": "1"},
        follow=True,
    )
    assert response.status_code == 200
    group = SearchSynonym.objects.get()
    assert group.words == "نفايات\nالطارو\ndéchets"
    assert found("الطارو", "ar")["project"] == {"تدبير النفايات"}
    assert found("الطارو", "fr")["project"] == {"Gestion des déchets"}
    # Changed: the old word no longer finds it.
    admin_client.post(
        f"/ar/admin/transparency/searchsynonym/{group.pk}/change/",
        {"subject": "النفايات", "words": "نفايات\nالبركاصة", "_save": "1"},
    )
    assert "project" not in found("الطارو", "ar")
    assert found("البركاصة", "ar")["project"] == {"تدبير النفايات"}
    admin_client.post(f"/ar/admin/transparency/searchsynonym/{group.pk}/delete/", {"post": "yes"})
    assert not SearchSynonym.objects.exists()
    assert "project" not in found("البركاصة", "ar")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_admin_lists_and_adds_synonyms_in_the_staffs_language(commune_search, admin_client, language):
    with translation.override(language):
        changelist = reverse("admin:transparency_searchsynonym_changelist")
        add = reverse("admin:transparency_searchsynonym_add")
    html = admin_client.get(changelist).content.decode()
    assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html
    title = {"ar": "مرادفات البحث", "fr": "synonymes de recherche"}[language]
    assert title in html.lower()
    assert "النفايات – Déchets" in html
    separator = {"ar": "نفايات، نفاية", "fr": "نفايات, نفاية"}[language]
    assert separator in html
    html = admin_client.get(add).content.decode()
    assert {"ar": "الكلمات المترادفة", "fr": "Mots équivalents"}[language] in html
    response = admin_client.post(add, {"subject": "زبل", "words": "زبل\nالزبل", "_save": "1"})
    assert response.status_code == 200
    error = {
        "ar": "يرجى إدخال كلمتين أو عبارتين مختلفتين على الأقل",
        "fr": "Indiquez au moins deux mots ou expressions différents",
    }[language]
    assert error in response.content.decode()


def test_programme_editors_keep_the_synonyms(commune_search, client):
    editor = User.objects.create_user("editor", password="x-Strong-pass-1", is_staff=True)
    editor.groups.add(Group.objects.get(name="programme editors"))
    client.force_login(editor)
    assert client.get("/ar/admin/transparency/searchsynonym/").status_code == 200
    group = services.synonym_save(subject="الطرق", words="طريق\nالكودرون", acting_user=editor)
    services.synonym_delete(synonym=group, acting_user=editor)


def test_the_services_check_the_permission_and_the_words(waste_programme):
    clerk = User.objects.create_user("clerk", password="x-Strong-pass-1", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.synonym_save(subject="النفايات", words="نفايات\nزبل", acting_user=clerk)
    admin = User.objects.create_superuser("boss", password="x-Strong-pass-1")
    with pytest.raises(ValidationError) as error:
        services.synonym_save(subject="النفايات", words="نفايات، النفايات، نفاياتٌ", acting_user=admin)
    assert error.value.error_dict["words"][0].code == "too_few_words"
    with pytest.raises(ValidationError) as error:
        services.synonym_save(subject="كثير", words="\n".join(f"كلمة{n}" for n in range(31)), acting_user=admin)
    assert error.value.error_dict["words"][0].code == "too_many_words"


def test_a_change_to_the_synonyms_moves_the_content_version(waste_programme, admin_user):
    before = version_get(CONTENT)
    group = services.synonym_save(subject="النفايات", words="نفايات\nزبل", acting_user=admin_user)
    assert version_get(CONTENT) != before
    before = version_get(CONTENT)
    services.synonym_delete(synonym=group, acting_user=admin_user)
    assert version_get(CONTENT) != before


def test_rebuilding_the_index_leaves_the_cached_pages(waste_programme):
    before = version_get(CONTENT)
    search_index_rebuild()
    assert version_get(CONTENT) == before


# Fixed queries


def test_a_search_with_synonyms_costs_the_same_queries_whatever_the_data(assert_queries_fixed, waste_programme):
    SearchSynonym.objects.create(subject="النفايات", words="نفايات\nزبل\ndéchets\npoubelle")

    rounds = iter([100, 200])

    def grow():
        project = Project.objects.get(slug="project-1")
        start = next(rounds)
        for number in range(start, start + 40):
            ActivityFactory(project=project, number=number, text_ar=f"جمع النفايات {number}", text_fr="Déchets")
            ProjectFactory(programme=waste_programme, axis=project.axis, number=number, slug=f"w-{number}")
            SearchSynonym.objects.create(subject=f"مجموعة {number}", words=f"كلمة{number}\nmot{number}")

    plain = assert_queries_fixed(url("ar", q="نفايات"), url("fr", q="déchets", kind="activity"), grow=grow, limit=12)
    cache.clear()
    queries = assert_queries_fixed(url("ar", q="زبل"), url("fr", q="poubelles", kind="activity"), grow=grow, limit=12)
    # However many groups and words a query brings in, it costs what a query that brings in none costs.
    assert queries == plain


def test_the_synonyms_are_read_once_per_change_of_the_content(client, waste_programme, admin_user):
    def synonym_queries(query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("ar", q=query)).status_code == 200
        return sum("searchsynonym" in captured["sql"] for captured in queries.captured_queries)

    assert synonym_queries("زبل") == 1
    assert synonym_queries("نفايات") == 0
    services.synonym_save(subject="النفايات", words="نفايات\nزبل", acting_user=admin_user)
    assert synonym_queries("زبل") == 1
    assert synonym_queries("نفايات") == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's text search ranks only there")
def test_postgresql_ranks_the_entries_a_synonym_finds(waste_programme):
    from transparency.registry import registry
    from transparency.selectors import matching_entries

    SearchSynonym.objects.create(subject="النفايات", words="النفايات\nزبل")
    entries, _words = matching_entries("زبل", "ar", registry.search_sources())
    ranked = list(entries.filter(kind="project").values_list("title", "rank"))
    assert ranked and ranked[0][0] == "تدبير النفايات" and ranked[0][1] > 0
