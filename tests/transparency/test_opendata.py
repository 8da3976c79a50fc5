import csv
import io
import json
import re
import zipfile

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from moderation.models import Moderated
from programme.models import Project
from tests.budgets.factories import ProposalFactory, cycle_build, year_build
from tests.consultations.factories import CommentFactory, ContributionFactory, MeetingFactory, RoundFactory
from tests.factories import programme_build
from tests.petitions.factories import PetitionFactory, SupportFactory, petitions_build
from transparency.registry import registry

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
# What no dataset may name, as a field or anywhere in a value.
PERSONAL_FIELDS = {
    "email",
    "contact_email",
    "contact_phone",
    "phone",
    "display_name",
    "agent_name",
    "association_representative",
    "association_seat",
    "receipt_number",
    "fingerprint",
    "moderation_reason",
    "email_hash",
    "supporters",
}
PERSONAL_VALUES = [
    "فاطمة الزهراء العلوي",
    "خديجة البوعزاوي",
    "Yassine Supporter",
    "0612345678",
    "secret-moderation",
    "غير منشور سري",
]


@pytest.fixture
def portal(db):
    """Every app's data, with personal data in every place it can hide."""
    programme = programme_build()
    consultation_round = RoundFactory(programme=programme, slug="ideas")
    MeetingFactory(round=consultation_round)
    ContributionFactory(
        round=consultation_round,
        display_name="خديجة البوعزاوي",
        email="khadija@example.ma",
        outcome="taken",
        outcome_project=Project.objects.first(),
        moderation_reason="secret-moderation",
    )
    ContributionFactory(round=consultation_round, text="غير منشور سري ولا يظهر", status=Moderated.Status.PENDING)
    CommentFactory(project=Project.objects.first(), display_name="خديجة البوعزاوي")
    petitions = petitions_build()
    SupportFactory(petition=petitions[0], name="Yassine Supporter", email="yassine@example.ma")
    PetitionFactory(
        title="عريضة غير منشور سري بعد", status=Moderated.Status.PENDING, published_on=None, state="submitted"
    )
    year_build(2024, executed=True)
    cycle = cycle_build(proposals=3)
    ProposalFactory(cycle=cycle, display_name="خديجة البوعزاوي", email="khadija@example.ma")
    return programme


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def walk(value, path=""):
    """Yield (key path, key, value) for every key and leaf of a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)


def assert_no_personal_data(text: str, document=None) -> None:
    assert not EMAIL.search(text), EMAIL.search(text).group(0)
    for value in PERSONAL_VALUES:
        assert value not in text, value
    if document is not None:
        keys = {key for _path, key, _value in walk(document)}
        assert not keys & PERSONAL_FIELDS, keys & PERSONAL_FIELDS


def test_the_index_lists_every_dataset_with_its_links(client, portal):
    index = client.get(api("index")).json()
    slugs = [item["slug"] for item in index["datasets"]]
    assert slugs == [
        "axes",
        "projects",
        "activities",
        "consultation-rounds",
        "petitions",
        "council-sessions",
        "budget-years",
        "budget-lines",
        "participatory-cycles",
    ]
    assert index["licence"]["id"] == "etalab-2.0"
    assert index["datasets"][1]["csv"].endswith("/api/v1/projects.csv")
    assert index["documentation"]["fr"].endswith("/fr/open-data/api/")


@pytest.mark.parametrize("slug", sorted(registry.datasets))
def test_every_dataset_matches_its_schema_and_holds_no_personal_data(client, portal, slug):
    response = client.get(api("dataset", dataset=slug))
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["count"] > 0, slug
    schema = client.get(api("dataset-schema", dataset=slug)).json()
    jsonschema.Draft202012Validator.check_schema(schema)
    for item in document["results"]:
        jsonschema.validate(
            item,
            schema,
            cls=jsonschema.Draft202012Validator,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )
    assert_no_personal_data(response.content.decode(), document)
    text = client.get(api("dataset-csv", dataset=slug)).content.decode()
    assert_no_personal_data(text)


def test_only_public_items_are_published(client, portal):
    petitions = client.get(api("dataset", dataset="petitions")).json()
    assert {item["state"] for item in petitions["results"]} == {"published", "deposited", "accepted", "refused"}
    assert petitions["count"] == 4
    rounds = client.get(api("dataset", dataset="consultation-rounds")).json()["results"]
    assert rounds[0]["published_contributions"] == 1 and rounds[0]["outcome_taken"] == 1


def test_items_have_stable_identifiers(client, portal):
    project = client.get(api("dataset-item", dataset="projects", key="project-3")).json()
    assert project["number"] == 3 and project["title"]["fr"] == Project.objects.get(slug="project-3").title_fr
    assert len(project["activities"]) == 6
    line = client.get(api("dataset", dataset="budget-lines")).json()["results"][0]
    again = client.get(api("dataset-item", dataset="budget-lines", key=line["id"])).json()
    assert again == line
    assert client.get(api("dataset-item", dataset="projects", key="nothing")).status_code == 404
    assert client.get(api("dataset-item", dataset="petitions", key="abc")).status_code == 404
    assert client.get(api("dataset", dataset="nothing")).status_code == 404


def test_pages_have_a_fixed_size_and_links(client, portal):
    from tests.factories import ActivityFactory

    project = Project.objects.get(slug="project-1")
    for number in range(10, 200):
        ActivityFactory(project=project, number=number)
    first = client.get(api("dataset", dataset="activities")).json()
    assert first["count"] == 250 and first["pages"] == 3 and len(first["results"]) == 100
    assert first["previous"] is None and first["next"].endswith("/api/v1/activities/?page=2")
    last = client.get(first["next"]).json()
    assert last["page"] == 2
    beyond = client.get(api("dataset", dataset="activities") + "?page=9")
    assert beyond.status_code == 400 and beyond.json()["error"]["code"] == "page_invalid"


def test_csv_opens_in_spreadsheets_with_one_column_per_language(client, portal):
    response = client.get(api("dataset-csv", dataset="projects"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="projects.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 10
    first = Project.objects.get(number=1)
    assert rows[0]["title_ar"] == first.title_ar and rows[0]["title_fr"] == first.title_fr
    assert rows[0]["estimated_cost"] == "40000.00"
    assert "activities" not in rows[0] and "partners" not in rows[0]


def test_csv_writes_the_open_data_format_and_formula_like_text_as_text(client, portal):
    Project.objects.filter(number=1).update(title_fr='=HYPERLINK("http://example.ma")')
    text = client.get(api("dataset-csv", dataset="projects")).content.decode("utf-8")
    assert text.startswith("\ufeffslug,") and text.endswith("\r\n")
    first = next(row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if row["number"] == "1")
    # Shown as text by spreadsheets, never run as a formula.
    assert first["title_fr"] == '\'=HYPERLINK("http://example.ma")'
    assert first["estimated_cost"] == "40000.00"
    text = client.get(api("dataset-csv", dataset="budget-years")).content.decode("utf-8")
    (year,) = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    assert year["is_demonstration"] in ("true", "false")
    assert re.fullmatch(r"\d+\.\d\d", year["revenue_adopted"])


def test_the_zip_holds_every_dataset_and_is_built_once_per_data_version(client, portal):
    response = client.get(api("zip"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    for slug in registry.datasets:
        assert {f"{slug}.json", f"{slug}.csv", f"{slug}.schema.json"} <= names
        assert_no_personal_data(archive.read(f"{slug}.json").decode(), json.loads(archive.read(f"{slug}.json")))
        assert_no_personal_data(archive.read(f"{slug}.csv").decode())
    assert "Licence Ouverte" in archive.read("README.txt").decode()
    etag = response["ETag"]
    assert client.get(api("zip"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    with CaptureQueriesContext(connection) as queries:
        client.get(api("zip"))
    assert len(queries) == 0
    project = Project.objects.first()
    project.estimated_cost = 1
    project.save()
    assert client.get(api("zip"))["ETag"] != etag


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
@pytest.mark.parametrize("name", ["transparency:open-data", "transparency:api-docs"])
def test_open_data_pages_in_both_languages(client, portal, name, language, direction):
    with translation.override(language):
        path = reverse(name)
    html = client.get(path).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1
    assert "etalab.gouv.fr" in html
    for slug in registry.datasets:
        assert f"/api/v1/{slug}/" in html
    if name == "transparency:open-data":
        # The petitions app's own calendar of council sessions, besides the combined one.
        assert "/council/sessions.ics" in html and "/feeds/calendar.ics" in html
    if name == "transparency:api-docs":
        assert '<code dir="ltr">estimated_cost</code>' in html


def test_open_data_pages_cost_a_fixed_number_of_queries(client, portal):
    counts = []
    for scale in (1, 3):
        if scale == 3:
            petitions_build(scale=2)
            year_build(2025, scale=2)
        with CaptureQueriesContext(connection) as queries:
            for name in ("transparency:open-data", "transparency:api-docs"):
                client.get(reverse(name))
            client.get(api("index"))
            for slug in registry.datasets:
                client.get(api("dataset", dataset=slug))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
