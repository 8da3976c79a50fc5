import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from programme.models import Project
from tests.factories import ProjectUpdateFactory, programme_build

pytestmark = pytest.mark.django_db

PAGES = [
    ("programme:home", {}),
    ("programme:project-list", {}),
    ("programme:project-detail", {"slug": "project-1"}),
    ("programme:axis-detail", {"slug": "axis-1"}),
    ("programme:calendar", {}),
    ("programme:committee", {}),
    ("programme:method", {}),
]
LANGUAGES = [("ar", "rtl"), ("fr", "ltr")]


def url(name: str, kwargs: dict, language: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_renders_in_both_languages(client, name, kwargs, language, direction):
    programme_build()
    response = client.get(url(name, kwargs, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert '<main id="main"' in html and 'href="#main"' in html
    assert html.count("<h1") == 1
    # The language switcher points at the same page in the other language.
    other = "fr" if language == "ar" else "ar"
    assert f'href="{url(name, kwargs, other)}" lang="{other}"' in html


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_query_count_does_not_grow_with_the_data(assert_queries_fixed, django_db_blocker, name, kwargs):
    programme = programme_build()

    def grow():
        # Ten times the projects, activities, partners, updates and milestones.
        from tests import factories

        axes = list(programme.axes.all())
        for index in range(90):
            project = factories.ProjectFactory(
                axis=axes[index % 4], programme=programme, number=11 + index, slug=f"more-{index}"
            )
            activity = factories.ActivityFactory(project=project, number=1)
            factories.ActivityFactory(project=project, parent=activity, number=1)
            ProjectUpdateFactory(project=project)
            project.partners.set(factories.PartnerFactory.create_batch(3))
        for day in range(60):
            factories.MilestoneFactory(programme=programme, date=datetime.date(2023, 3, 1) + datetime.timedelta(day))

    # The project page adds the participation section's two queries (comments, shaping contributions) and the
    # follow form's count of followers; the home page its "participate now" sections' five (rounds; cycles and
    # their phases; petitions; the next session).
    limits = {"programme:project-detail": 10, "programme:home": 13}
    assert_queries_fixed(url(name, kwargs, "ar"), grow=grow, limit=limits.get(name, 8))


def test_home_shows_the_computed_totals(client):
    programme_build()
    html = client.get(url("programme:home", {}, "ar")).content.decode()
    # 10 projects of 40 000 DH each.
    assert '<bdi dir="ltr">400\xa0000,00</bdi>\xa0درهم' in html
    html = client.get(url("programme:home", {}, "fr")).content.decode()
    assert '<bdi dir="ltr">400\xa0000,00</bdi>\xa0DH' in html


def test_progress_never_reported_reads_as_such_not_as_zero(client):
    programme_build()
    silent = Project.objects.get(slug="project-2")
    silent.activities.update(is_done=False)
    Project.objects.filter(pk=silent.pk).update(progress=None, status=Project.Status.PLANNED)
    reporting = Project.objects.exclude(pk=silent.pk)
    reporting.update(progress=40, status=Project.Status.IN_PROGRESS)
    expected = {"ar": "نسبة التقدم: لم يُصرَّح بها بعد", "fr": "Avancement\xa0: non renseigné"}
    for language, text in expected.items():
        html = client.get(url("programme:project-detail", {"slug": silent.slug}, language)).content.decode()
        assert text in html
        assert "<progress" not in html
    # The averages count only the projects that reported: nine at 40 %, not 36 %.
    html = client.get(url("programme:home", {}, "fr")).content.decode()
    assert "40\xa0%" in html and "36\xa0%" not in html
    html = client.get(url("programme:project-list", {}, "fr")).content.decode()
    assert "non renseigné" in html


def test_project_page_shows_activities_sub_steps_partners_and_updates(client):
    programme_build()
    project = Project.objects.get(slug="project-1")
    html = client.get(url("programme:project-detail", {"slug": "project-1"}, "fr")).content.decode()
    assert project.title_fr in html
    for activity in project.activities.all():
        assert activity.text_fr in html
    for partner in project.partners.all():
        assert partner.name_fr in html
    assert "Montant dépensé" in html and "1\xa0500,50" in html
    assert '<time datetime="2024-05-02">2 mai 2024</time>' in html
    assert '<progress max="100" value="33"' in html  # one of three leaf sub-steps is done


@time_machine.travel(datetime.date(2026, 1, 1))
def test_late_projects_are_flagged(client):
    programme_build()
    html = client.get(url("programme:project-detail", {"slug": "project-1"}, "ar")).content.decode()
    assert "status--late" in html
    project = Project.objects.get(slug="project-1")
    project.status = Project.Status.DONE
    project.save()
    html = client.get(url("programme:project-detail", {"slug": "project-1"}, "ar")).content.decode()
    assert "status--late" not in html
    assert '<progress max="100" value="100"' in html


def test_gantt_marks_the_months_of_each_project(client):
    programme_build()
    Project.objects.filter(slug="project-1").update(
        start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 5, 31)
    )
    html = client.get(url("programme:calendar", {}, "ar")).content.decode()
    row = re.search(r"project-1/.*?</tr>", html, re.S).group(0)
    cells = re.findall(r'<span( class="on")?></span>', row)
    # The calendar starts with the milestones' year, 2023: March to May 2024 are months 15 to 17.
    assert [i for i, on in enumerate(cells) if on] == [14, 15, 16]


def test_unknown_project_and_axis_are_404_in_the_visitors_language(client):
    programme_build()
    response = client.get("/fr/programme/projects/nope/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    response = client.get("/ar/programme/axes/nope/")
    assert response.status_code == 404
    assert "الصفحة غير موجودة" in response.content.decode()


def test_pages_without_a_programme_are_404_not_500(client):
    assert client.get("/ar/").status_code == 404


def test_root_redirects_to_the_preferred_language(client):
    assert client.get("/").headers["Location"] == "/ar/"
    assert client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"}).headers["Location"] == "/fr/"
    assert client.get("/", headers={"accept-language": "en-US"}).headers["Location"] == "/ar/"


def test_pages_refuse_posts(client):
    programme_build()
    assert client.post(url("programme:home", {}, "ar")).status_code == 405


def test_content_is_escaped(client):
    programme_build()
    Project.objects.filter(slug="project-1").update(title_ar='<script>alert("x")</script>')
    html = client.get(url("programme:project-detail", {"slug": "project-1"}, "ar")).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_no_inline_script_or_style(client):
    programme_build()
    for name, kwargs in PAGES:
        html = client.get(url(name, kwargs, "ar")).content.decode()
        assert "<script" not in html
        assert " style=" not in html and "<style" not in html


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /ar/admin/" in response.content.decode()


def test_pages_link_to_the_pdfs(client):
    programme_build()
    for language in ("ar", "fr"):
        html = client.get(url("programme:home", {}, language)).content.decode()
        assert f'href="/{language}/programme/programme.pdf" type="application/pdf"' in html
        html = client.get(url("programme:project-detail", {"slug": "project-1"}, language)).content.decode()
        assert f'href="/{language}/programme/projects/project-1/sheet.pdf" type="application/pdf"' in html


def test_french_pages_are_typeset_with_no_break_spaces_and_arabic_pages_are_not(client):
    programme_build()
    project = Project.objects.get(slug="project-2")
    Project.objects.filter(pk=project.pk).update(
        title_fr="Projet « ville verte » : pourquoi ?", title_ar="مشروع «المدينة الخضراء»: لماذا؟"
    )
    html = client.get(url("programme:project-detail", {"slug": project.slug}, "fr")).content.decode()
    # The text a reader sees: markup, scripts and styles set aside.
    text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]*>", "\n", html, flags=re.DOTALL)
    assert "Projet «\xa0ville verte\xa0»\xa0: pourquoi\u202f?" in text
    assert "Avancement\xa0:" in text
    for typed in (" :", " ;", " ?", " !", "« ", " »"):
        assert typed not in text, typed
    arabic = client.get(url("programme:project-detail", {"slug": project.slug}, "ar")).content.decode()
    assert "مشروع «المدينة الخضراء»: لماذا؟" in arabic and "\u202f" not in arabic
