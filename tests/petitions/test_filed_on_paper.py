"""A petition filed on paper says so on its public pages, and gathers no support online: its signatures are on paper."""

import datetime
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from petitions import services
from petitions.models import Petition, Support
from petitions.selectors import home_section_data
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db

FILED = {
    "ar": "أودعت ورقيا لدى مكتب الضبط بالجماعة في 4 ماي 2026",
    "fr": "Déposée sur papier au bureau d'ordre de la commune le 4 mai 2026",
}
NO_ONLINE_SUPPORT = {
    "ar": "أودعت هذه العريضة ورقيا مع توقيعاتها: فهي لا تجمع الدعم في هذه البوابة.",
    "fr": (
        "Cette pétition a été déposée sur papier avec ses signatures\u00a0: "
        "elle ne recueille pas de soutiens sur ce portail."
    ),
}
SUPPORT = {"name": "سعيد", "relation": "resident", "email": "said@example.ma", "consent": "on"}


def url(name: str, language: str = "ar", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def text(response) -> str:
    """Return the page without its tags (dates are in <time> elements)."""
    return unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def paper_petition(**fields) -> Petition:
    """A paper petition typed in on 4 May 2026, published after its pre-check, awaiting its deposit."""
    filed = timezone.make_aware(datetime.datetime(2026, 5, 4, 11))
    return PetitionFactory(channel=Petition.Channel.PAPER, created_at=filed, **fields)


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_petition_page_says_it_was_filed_on_paper_and_offers_no_online_support(client, language):
    petition = paper_petition()
    response = client.get(url("petitions:petition-detail", language, pk=petition.pk))
    assert FILED[language] in text(response)
    html = unescape(response.content.decode())
    assert NO_ONLINE_SUPPORT[language] in html
    assert url("petitions:support-create", language, pk=petition.pk) not in html
    assert url("petitions:petition-sheets", language, pk=petition.pk) not in html
    assert 'class="progress support-bar"' not in html
    # Still reportable, like any public petition.
    assert url("petitions:petition-report", language, pk=petition.pk) in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_list_says_which_petitions_were_filed_on_paper(client, language):
    paper_petition(title="عريضة ورقية لتهيئة حديقة الحي")
    PetitionFactory(title="عريضة إلكترونية لإنارة الحي")
    response = client.get(url("petitions:petition-list", language))
    assert text(response).count(FILED[language]) == 1
    cards = unescape(response.content.decode()).split('<li class="card petition-card">')[1:]
    paper = next(card for card in cards if "عريضة ورقية" in card)
    online = next(card for card in cards if "عريضة إلكترونية" in card)
    assert FILED[language] in re.sub(r"<[^>]+>", "", paper) and "support-bar" not in paper
    assert "bureau d'ordre" not in online and "مكتب الضبط" not in online and "support-bar" in online


def test_an_online_petition_says_nothing_of_paper(client):
    petition = PetitionFactory()
    html = unescape(client.get(url("petitions:petition-detail", "fr", pk=petition.pk)).content.decode())
    assert "Déposée sur papier" not in html
    assert url("petitions:support-create", "fr", pk=petition.pk) in html


def test_a_paper_petition_takes_no_online_support_nor_prints_sheets(client, mailoutbox):
    petition = paper_petition()
    assert not petition.is_gathering_support
    with pytest.raises(ValidationError) as caught:
        services.support_submit(
            petition=petition, name="سعيد", relation="resident", email="s@example.ma", consent=True, site_url=""
        )
    assert caught.value.code == "filed_on_paper"
    response = client.post(url("petitions:support-create", "fr", pk=petition.pk), SUPPORT, follow=True)
    assert "ses signatures sont sur papier, pas sur ce portail." in unescape(response.content.decode())
    assert client.get(url("petitions:petition-sheets", pk=petition.pk)).status_code == 404
    assert not Support.objects.exists() and not mailoutbox


def test_the_home_page_counts_only_petitions_gathering_support_online():
    paper_petition()
    online = PetitionFactory()
    data = home_section_data(None, timezone.localdate())
    assert data["petitions"] == [online] and data["gathering_count"] == 1


def test_the_open_data_says_how_each_petition_was_submitted(client):
    paper = paper_petition()
    online = PetitionFactory()
    results = client.get(reverse("api:dataset", kwargs={"dataset": "petitions"})).json()["results"]
    channels = {item["id"]: item["channel"] for item in results}
    assert channels == {paper.pk: "paper", online.pk: "online"}
