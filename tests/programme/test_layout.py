"""The markup the phone layout relies on: the menu, the logo, the axes' icons and colours, cards, crumbs, separators."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from programme.models import Activity, Axis, Commune, Project
from programme.transparency import ACTIVITY_TITLE_LENGTH, activity_title
from tests.consultations.factories import CommentFactory
from tests.factories import programme_build
from transparency.index import search_index_rebuild
from transparency.models import SearchEntry

pytestmark = pytest.mark.django_db


def get(client, name: str, language: str = "ar", **kwargs) -> str:
    with translation.override(language):
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_the_main_menu_folds_into_a_details_element(client):
    programme_build()
    html = get(client, "programme:home", "fr")
    menu = re.search(r'<details class="site-menu">(.*?)</details>', html, re.S).group(1)
    assert re.search(r"<summary[^>]*>.*Menu</summary>", menu, re.S)
    assert menu.count("<li>") == 9
    # The language switch and the search stay outside it.
    assert "language-switch" not in menu and 'role="search"' not in menu


def test_the_logo_is_in_the_header_only_when_uploaded(client):
    programme_build()
    assert "site-name__logo" not in get(client, "programme:home")
    # Saved as staff save it: the change moves the content version, so every page shows it.
    commune = Commune.objects.get()
    commune.logo = "commune/logo.png"
    commune.save()
    html = get(client, "programme:home", "fr")
    logo = re.search(r'<img class="site-name__logo"[^>]*>', html).group(0)
    assert 'src="/media/commune/logo.png"' in logo
    assert 'alt="Logo de la commune"' in logo
    # Its box is reserved before the image arrives: no shift of the page.
    assert 'width="48" height="48"' in logo


def test_the_commune_s_axes_each_have_an_icon_and_a_colour():
    fixture = json.loads((settings.BASE_DIR / "fixtures" / "programme.json").read_text())
    emblems = {row["fields"]["slug"]: row["fields"]["emblem"] for row in fixture if row["model"] == "programme.axis"}
    assert emblems == {
        "cleanliness-environment-health": Axis.Emblem.ENVIRONMENT,
        "communication": Axis.Emblem.COMMUNICATION,
        "city-upgrading": Axis.Emblem.CITY,
        "territorial-intelligence": Axis.Emblem.TERRITORY,
    }


def test_an_axis_shows_its_icon_and_colour_on_its_cards_and_pages(client):
    programme_build()
    Axis.objects.filter(slug="axis-1").update(emblem=Axis.Emblem.COMMUNICATION)
    home = get(client, "programme:home")
    card = re.search(r'<section class="axis axis-theme--communication".*?</h3>', home, re.S).group(0)
    assert '<svg class="emblem"' in card and 'aria-hidden="true"' in card
    axis_page = get(client, "programme:axis-detail", slug="axis-1")
    assert 'class="axis-header axis-theme--communication"' in axis_page
    assert 'class="emblem emblem--large"' in axis_page
    project = Project.objects.filter(axis__slug="axis-1").first()
    project_page = get(client, "programme:project-detail", slug=project.slug)
    assert "project__axis axis-theme--communication" in project_page
    # An axis without one gets the portal's colour and a plain dot.
    other = get(client, "programme:axis-detail", slug="axis-2")
    assert 'class="axis-header axis-theme--none"' in other and "<circle" in other


def test_staff_choose_an_axis_s_icon_in_the_admin(client):
    programme_build()
    client.force_login(User.objects.create_superuser("admin", "admin@example.ma", "a-long-pass-2026"))
    axis = Axis.objects.get(slug="axis-1")
    html = client.get(reverse("admin:programme_axis_change", args=[axis.pk])).content.decode()
    assert 'name="emblem"' in html and 'value="territory"' in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_project_table_names_each_value_for_the_phone(client, language):
    programme_build()
    html = get(client, "programme:project-list", language)
    assert 'class="data-table data-table--cards"' in html
    row = re.search(r"<tbody>\s*<tr[^>]*>(.*?)</tr>", html, re.S).group(1)
    labels = re.findall(r'data-label="([^"]+)"', row)
    with translation.override(language):
        assert labels == [gettext(w) for w in ("No.", "Axis", "Duration", "Estimated cost", "Status", "Progress")]


def test_each_crumb_is_isolated(client):
    programme_build()
    html = get(client, "programme:project-detail", "fr", slug="project-1")
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", crumbs, re.S)
    assert len(items) == 3
    assert all("<bdi>" in item for item in items)


def test_separators_stay_with_what_follows(client):
    programme_build()
    html = get(client, "programme:project-detail", "ar", slug="project-1")
    eyebrow = re.search(r'<p class="eyebrow project__axis.*?</p>', html, re.S).group(0)
    assert "·&nbsp;" in eyebrow and " · " not in eyebrow
    # No lone dot before the link to the history.
    actions = re.search(r'<p class="actions"><a class="download".*?</p>', html, re.S).group(0)
    assert "·" not in actions and "/history/" in actions


def test_the_report_button_belongs_to_the_citizen_s_comment(client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    comment = CommentFactory(project=project, text="تعليق المواطن")
    CommentFactory(project=project, parent=comment, is_official=True, display_name="", text="رد الجماعة")
    html = get(client, "programme:project-detail", slug="project-1")
    item = re.search(rf'<li class="comment" id="comment-{comment.pk}">.*?</li>', html, re.S).group(0)
    with translation.override("ar"):
        report = item.index(reverse("consultations:comment-report", args=[comment.pk]))
    assert report < item.index("comment--official") and item.index("تعليق المواطن") < report


def test_a_long_activity_is_cut_after_a_whole_word_in_search():
    text = "Organisation " + "des campagnes de sensibilisation " * 12
    title = activity_title(text.strip())
    assert len(title) <= ACTIVITY_TITLE_LENGTH and title.endswith("…")
    assert text.startswith(title[:-1]) and title[:-1].split()[-1] in text.split()
    assert activity_title("تنظيم مسابقة أنظف حي") == "تنظيم مسابقة أنظف حي"


def test_the_search_index_keeps_whole_words_in_titles():
    programme_build()
    project = Project.objects.get(slug="project-1")
    long = "Accompagnement et assistance des associations bénéficiaires " * 6
    Activity.objects.filter(project=project).update(text_fr=long.strip())
    search_index_rebuild()
    entries = SearchEntry.objects.filter(language="fr", title__startswith="Accompagnement")
    titles = entries.values_list("title", flat=True)
    assert titles
    for title in titles:
        assert title.endswith("…") and title[:-1].split()[-1] in long.split()
