"""Pages and open data say how many confirmed addresses follow a page: a number, never an address."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from following.models import Follow
from following.selectors import follower_counts
from tests.factories import programme_build
from tests.following.test_following import followed_confirmed

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(db):
    return programme_build().projects.order_by("number").first()


def follows_make(target: str, count: int, *, confirmed: bool = True, start: int = 0) -> None:
    for number in range(start, start + count):
        Follow.objects.create(
            target=target,
            email=f"f{number}@example.ma",
            language="ar",
            confirmed_at=timezone.now() - datetime.timedelta(days=1) if confirmed else None,
        )


def count_note(path: str, language: str) -> str:
    """The page's sentence about its followers, or "" when it has none."""
    with translation.override(language):
        html = Client().get(f"/{language}{path[3:]}").content.decode()
    start = html.find('class="note follow-count">')
    # The text of the note, the number's isolate (<bdi dir="ltr">) taken away.
    return re.sub(r"<[^>]+>", "", html[start:].split(">", 1)[1].split("</p>", 1)[0]) if start >= 0 else ""


@pytest.mark.parametrize(
    ("count", "arabic", "french"),
    [
        (1, "يتابع هذه الصفحة شخص واحد", "1 personne suit cette page"),
        (2, "يتابع هذه الصفحة شخصان", "2 personnes suivent cette page"),
        (3, "يتابع هذه الصفحة 3 أشخاص", "3 personnes suivent cette page"),
        (12, "يتابع هذه الصفحة 12 شخصا", "12 personnes suivent cette page"),
        (100, "يتابع هذه الصفحة 100 شخص", "100 personnes suivent cette page"),
        (103, "يتابع هذه الصفحة 103 أشخاص", "103 personnes suivent cette page"),
    ],
)
def test_a_project_page_counts_its_confirmed_followers_in_each_language(project, count, arabic, french):
    target = f"project:{project.pk}"
    follows_make(target, count)
    # Neither the follows still unconfirmed nor those of another page count.
    follows_make(target, 4, confirmed=False, start=500)
    follows_make(f"project:{project.pk + 1000}", 5, start=600)
    path = project.get_absolute_url()
    assert count_note(path, "ar") == arabic
    assert count_note(path, "fr") == french


def test_no_count_is_shown_without_a_confirmed_follower(project):
    follows_make(f"project:{project.pk}", 3, confirmed=False)
    assert count_note(project.get_absolute_url(), "ar") == ""
    assert count_note(project.get_absolute_url(), "fr") == ""


def test_each_followable_page_shows_its_count_and_no_address():
    from tests.budgets.factories import cycle_build
    from tests.consultations.factories import open_round
    from tests.petitions.factories import PetitionFactory

    programme = programme_build()
    consultation_round = open_round(programme)
    petition = PetitionFactory()
    cycle_build()
    with translation.override("fr"):
        pages = {
            f"round:{consultation_round.pk}": consultation_round.get_absolute_url(),
            f"petition:{petition.pk}": petition.get_absolute_url(),
            "budget:participatory": reverse("budgets:cycle-list"),
        }
    for number, target in enumerate(pages, start=2):
        follows_make(target, number, start=100 * number)
    for number, (target, path) in enumerate(pages.items(), start=2):
        html = Client().get(path).content.decode()
        assert f'<bdi dir="ltr">{number}</bdi> personnes suivent cette page' in html, target
        assert f"f{100 * number}@example.ma" not in html


def test_a_confirmation_or_an_unsubscription_shows_on_the_cached_page(
    client, project, mailoutbox, django_capture_on_commit_callbacks
):
    path = project.get_absolute_url()
    assert count_note(path, "fr") == ""
    follow = followed_confirmed(
        client, f"project:{project.pk}", "amina@example.ma", mailoutbox, django_capture_on_commit_callbacks
    )
    assert count_note(path, "fr") == "1 personne suit cette page"
    Client().post(f"/fr/follow/unsubscribe/{follow.key}/")
    assert count_note(path, "fr") == ""


def test_the_counts_of_many_targets_in_one_query(django_assert_num_queries):
    follows_make("project:1", 3)
    follows_make("project:2", 1, start=10)
    follows_make("project:2", 2, confirmed=False, start=20)
    with django_assert_num_queries(1):
        counts = follower_counts(["project:1", "project:2", "project:3"])
    assert counts == {"project:1": 3, "project:2": 1, "project:3": 0}


def test_the_open_data_counts_the_followers_without_an_address(client, assert_queries_fixed):
    from tests.consultations.factories import open_round
    from tests.petitions.factories import PetitionFactory

    programme = programme_build()
    projects = list(programme.projects.order_by("number"))
    consultation_round = open_round(programme)
    petition = PetitionFactory()
    follows_make(f"project:{projects[0].pk}", 3)
    follows_make(f"project:{projects[0].pk}", 2, confirmed=False, start=50)
    follows_make(f"round:{consultation_round.pk}", 2, start=100)
    follows_make(f"petition:{petition.pk}", 1, start=200)

    def api(name: str, **kwargs) -> str:
        with translation.override("fr"):
            return reverse(f"api:{name}", kwargs=kwargs)

    rows = {row["slug"]: row for row in client.get(api("dataset", dataset="projects")).json()["results"]}
    assert rows[projects[0].slug]["follower_count"] == 3 and rows[projects[1].slug]["follower_count"] == 0
    item = client.get(api("dataset-item", dataset="consultation-rounds", key=consultation_round.slug)).json()
    assert item["follower_count"] == 2
    [row] = client.get(api("dataset", dataset="petitions")).json()["results"]
    assert row["follower_count"] == 1
    csv = client.get(api("dataset-csv", dataset="projects")).content.decode()
    assert "follower_count" in csv.splitlines()[0]
    schema = client.get(api("dataset-schema", dataset="projects")).json()
    assert "follower_count" in str(schema)
    for dataset in ("projects", "consultation-rounds", "petitions"):
        assert "@example.ma" not in client.get(api("dataset", dataset=dataset)).content.decode()

    def grow():
        for project in projects:
            follows_make(f"project:{project.pk}", 5, start=1000 + 10 * project.pk)

    # One grouped query for the counts of a page of projects, whatever their number and their followers.
    assert_queries_fixed(api("dataset", dataset="projects"), grow=grow, limit=12)
