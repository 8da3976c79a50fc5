"""{% kept %}: the parts of every page rendered once per content version, language and kind of page, in each process."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from openmun import cache as versions
from openmun.templatetags import openmun as tags
from tests.factories import CommuneFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    tags.kept_fragments.clear()
    yield
    tags.kept_fragments.clear()


class Counter:
    def __init__(self):
        self.calls = 0

    def __str__(self):
        self.calls += 1
        return f"rendered {self.calls}"


TEMPLATE = engines["django"].from_string('{% kept "part" kind %}{{ counter }}{% endkept %}')


def render(counter, *, kind="a", request=True):
    context = {"counter": counter, "kind": kind}
    if request:
        context["request"] = RequestFactory().get("/")
    return TEMPLATE.render(context)


def test_a_part_is_rendered_once_per_version_and_per_values():
    counter = Counter()
    assert render(counter) == render(counter) == "rendered 1"
    assert render(counter, kind="b") == "rendered 2"
    with translation.override("fr"):
        assert render(counter) == "rendered 3"
    versions.versions_bump(versions.CONTENT)
    assert render(counter) == "rendered 4"


def test_outside_a_request_the_part_is_always_rendered():
    counter = Counter()
    assert render(counter, request=False) == "rendered 1"
    assert render(counter, request=False) == "rendered 2"


def test_only_a_bounded_number_of_parts_is_kept(monkeypatch):
    monkeypatch.setattr(tags.kept_fragments, "size", 2)
    counter = Counter()
    for kind in ("a", "b", "c"):
        render(counter, kind=kind)
    assert len(tags.kept_fragments) == 2
    # "a", the least recently used, was dropped.
    assert render(counter, kind="a") == "rendered 4"


def test_each_page_marks_its_own_menu_entry(client):
    CommuneFactory()
    ProgrammeFactory()
    for address in ("/fr/petitions/", "/fr/programme/projects/", "/fr/petitions/", "/fr/"):
        response = client.get(address)
        assert response.status_code == 200
        menu = response.content.decode().split('class="main-nav"')[1].split("</nav>")[0]
        assert re.findall(r'<a href="([^"]+)" aria-current="page">', menu) == [address]


def test_the_footer_shows_a_change_to_the_commune_at_once(client):
    commune = CommuneFactory(email="contact@example.ma")
    assert "contact@example.ma" in client.get("/fr/petitions/").content.decode()
    commune.email = "accueil@example.ma"
    commune.save()
    page = client.get("/fr/petitions/").content.decode()
    assert "accueil@example.ma" in page and "contact@example.ma" not in page
