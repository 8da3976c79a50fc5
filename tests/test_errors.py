"""Error pages are translated and never need the database."""

import pytest
from django.db import DatabaseError

from programme import selectors

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
