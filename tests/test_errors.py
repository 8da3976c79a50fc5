"""Error pages are translated and never need the database."""

import pytest
from django.db import DatabaseError
from django.test import Client

from openmun import views
from programme import selectors
from tests.factories import programme_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_home(monkeypatch):
    def fail():
        raise DatabaseError("the database is down")

    monkeypatch.setattr(selectors, "home_data", fail)


@pytest.mark.parametrize(("language", "text"), [("ar", "خطأ في الخادم"), ("fr", "Erreur du serveur")])
def test_server_error_page_is_translated(client, failing_home, language, text):
    client.raise_request_exception = False
    response = client.get(f"/{language}/")
    assert response.status_code == 500
    html = response.content.decode()
    assert text in html
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html


def test_not_found_page_keeps_the_site_navigation(client):
    response = client.get("/fr/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and 'href="#main"' in html


# Each error page, in each language: (template, status, Arabic text, French text).
ERROR_PAGES = [
    ("errors/400.html", 400, "طلب غير صالح", "Requête invalide"),
    ("errors/403.html", 403, "الولوج غير مسموح", "Accès refusé"),
    ("errors/404.html", 404, "الصفحة غير موجودة", "Page introuvable"),
    ("errors/405.html", 405, "لا يمكن استعمال هذا العنوان بهذه الطريقة", "Cette adresse ne peut pas être utilisée"),
    ("errors/429.html", 429, "طلبات كثيرة جدا", "Trop de requêtes"),
    ("errors/500.html", 500, "خطأ في الخادم", "Erreur du serveur"),
    ("errors/503.html", 503, "الخدمة غير متاحة مؤقتا", "Service temporairement indisponible"),
    ("errors/csrf.html", 403, "تعذر إرسال الاستمارة", "pas pu être envoyé"),
    ("errors/locked_out.html", 429, "تم قفل تسجيل الدخول", "Connexion bloquée"),
]


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize(("template", "status", "arabic", "french"), ERROR_PAGES)
def test_every_error_page_is_translated_and_cannot_fail(
    rf, django_assert_num_queries, language, template, status, arabic, french
):
    # A Host that is not allowed, as in the very request that gets a 400: nothing may validate it again.
    request = rf.get(f"/{language}/some/page/", HTTP_HOST="evil.example")
    with django_assert_num_queries(0):
        response = views.error_response(request, template, status=status)
    html = response.content.decode()
    assert response.status_code == status
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert (arabic if language == "ar" else french) in html
    assert "evil.example" not in html and "style=" not in html and "<script" not in html


def test_a_missing_page_costs_no_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/fr/no-such-page/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("language", "text"), [("ar", "تعذر إرسال الاستمارة"), ("fr", "Le formulaire n'a pas pu être envoyé")]
)
def test_a_form_refused_by_the_csrf_check_gets_a_plain_translated_page(language, text):
    programme_build()
    project = f"/{language}/programme/projects/project-1/"
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/{language}/consultations/projects/project-1/comments/",
        {"text": "Quand le projet commence-t-il ?", "consent": "on"},
        headers={"referer": f"http://testserver{project}"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert text in html
    # What Django's default page has: an inline style the CSP blocks, words for developers.
    assert "style" not in html.split("</head>")[1] and "<style" not in html
    assert "DEBUG" not in html and "CSRF" not in html
    assert f'<a href="{project}">' in html


def test_the_csrf_page_links_back_only_to_the_portals_own_pages():
    client = Client(enforce_csrf_checks=True)
    for referer in [
        "https://evil.example/fr/",
        "http://testserver//evil.example/",
        "http://testserver/\\evil.example/",
    ]:
        html = client.post("/fr/petitions/new/", headers={"referer": referer}).content.decode()
        assert "evil.example" not in html and '<a href="/fr/">' in html
