"""A voting link opens the ballot once, in the browser that used it: a second holder sees and changes nothing."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from budgets import services
from budgets.models import Ballot, Phase, Voter
from tests.budgets.factories import cycle_build, voter_make
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db
Kind = Phase.Kind


def url(name: str, language: str = "fr", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def link_request(client: Client, email: str, capture) -> str:
    with capture(execute=True):
        client.post(url("budgets:voter-create", slug="v"), {"email": email})
    return re.search(r"http://testserver(/\w\w/budget/participatory/v/vote/confirm/\S+/)", mail.outbox[-1].body).group(
        1
    )


def chosen(ballot: Ballot) -> set[int]:
    return set(ballot.choices.values_list("proposal", flat=True))


def test_a_second_browser_holding_the_link_sees_and_changes_nothing(django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    first, second = cycle.proposals.order_by("pk")[:2]
    voter_browser = Client()
    link = link_request(voter_browser, "voter@example.ma", django_capture_on_commit_callbacks)
    assert voter_browser.post(link)["Location"] == url("budgets:ballot-edit", slug="v")
    voter_browser.post(url("budgets:ballot-edit", slug="v"), {"proposals": [first.pk]})
    # The same link, from another browser: neither the choice nor the ballot, and a way to ask for a new link.
    other = Client()
    for response in (other.get(link), other.post(link)):
        html = response.content.decode()
        assert response.status_code == 410
        assert f'action="{url("budgets:voter-create", slug="v")}#errors"' in html and 'name="email"' in html
        assert first.title not in html
    ballot_page = other.get(url("budgets:ballot-edit", slug="v"))
    assert ballot_page.status_code == 302 and ballot_page["Location"] == url("budgets:voter-create", slug="v")
    other.post(url("budgets:ballot-edit", slug="v"), {"proposals": [second.pk]})
    assert chosen(Ballot.objects.get()) == {first.pk}
    # The browser that used the link keeps its ballot.
    assert voter_browser.get(url("budgets:ballot-edit", slug="v")).status_code == 200


def test_a_new_link_retires_the_earlier_ones_and_the_session_they_opened(django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    phone, laptop = Client(), Client()
    old_link = link_request(phone, "voter@example.ma", django_capture_on_commit_callbacks)
    unused_link = link_request(phone, "voter@example.ma", django_capture_on_commit_callbacks)
    assert phone.get(old_link).status_code == 410  # replaced by the newer one before it was used
    assert phone.post(unused_link).status_code == 302
    assert phone.get(url("budgets:ballot-edit", slug="v")).status_code == 200
    # The voter opens the ballot on another device with a new link: that browser only holds it now.
    laptop_link = link_request(laptop, "voter@example.ma", django_capture_on_commit_callbacks)
    assert laptop.post(laptop_link).status_code == 302
    assert laptop.get(url("budgets:ballot-edit", slug="v")).status_code == 200
    assert phone.get(url("budgets:ballot-edit", slug="v")).status_code == 302
    phone.post(url("budgets:ballot-edit", slug="v"), {"proposals": [cycle.proposals.first().pk]})
    assert not Ballot.objects.exists()
    assert Voter.objects.count() == 1


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_used_link_is_explained_in_the_visitors_language(client, language):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    token = services.voter_token_make(voter_make(cycle, "a@example.ma", confirmed=False))
    services.voter_confirm(cycle=cycle, token=token)
    response = client.get(url("budgets:voter-confirm", language, slug="v", token=token))
    html = response.content.decode()
    assert response.status_code == 410 and f'<html lang="{language}"' in html
    with translation.override(language):
        assert gettext("Send me the link") in html


def test_a_session_from_before_single_use_links_opens_nothing(client):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    voter = voter_make(cycle, "a@example.ma")
    session = client.session
    session[f"budgets:voter:{cycle.pk}"] = voter.pk  # what the session held before: the voter's id only
    session.save()
    assert client.get(url("budgets:ballot-edit", slug="v")).status_code == 302


def test_the_voting_mail_says_the_link_works_once(django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    with django_capture_on_commit_callbacks(execute=True):
        services.voter_register(cycle=cycle, email="a@example.ma", site_url="https://openmun.example.ma")
    with translation.override("ar"):
        assert gettext("The link works once: it opens your ballot in the browser where you press the button.") in (
            mail.outbox[0].body
        )


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_voting_mail_is_text_and_html_in_the_visitors_language_signed_by_the_commune(
    client, django_capture_on_commit_callbacks, language, direction
):
    CommuneFactory(name_ar="جماعة بني ملال", name_fr="Commune de Beni Mellal")
    signature = {"ar": "جماعة بني ملال", "fr": "Commune de Beni Mellal"}[language]
    cycle = cycle_build(current=Kind.VOTE, slug="v", title_fr="Budget <i>participatif</i> & 2025")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("budgets:voter-create", language, slug="v"), {"email": "samira@example.ma"})
    (message,) = mail.outbox
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html.startswith(f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">')
    # The link that opens the ballot, as a labelled button, and the cycle's page.
    confirm_url = re.search(r"http://testserver/\w\w/budget/participatory/v/vote/confirm/\S+/", message.body).group(0)
    with translation.override(language):
        label = gettext("Open your ballot")
        cycle_url = f"http://testserver{cycle.get_absolute_url()}"
    assert f'<a href="{confirm_url}" style="' in html and f">{label}</a>" in html
    assert f'<a href="{cycle_url}">' in html
    # Signed by the commune, in both parts, as the notices are.
    assert message.body.rstrip().endswith(signature) and f"<p>{signature}</p>\n</body>" in html
    # The cycle's title is the commune's, shown escaped.
    if language == "fr":
        assert "Budget &lt;i&gt;participatif&lt;/i&gt; &amp; 2025</a>" in html and "<i>" not in html
    assert "samira" not in html


def test_the_button_gives_the_browser_a_new_session_key(client, django_capture_on_commit_callbacks):
    cycle_build(current=Kind.VOTE, slug="v")
    link = link_request(client, "voter@example.ma", django_capture_on_commit_callbacks)
    # A session the browser held before, whose key someone else may know (a shared computer, a planted cookie).
    session = client.session
    session["seen"] = True
    session.save()
    known = session.session_key
    assert client.post(link)["Location"] == url("budgets:ballot-edit", slug="v")
    assert client.cookies["sessionid"].value != known
    assert client.session["seen"] is True
    assert client.get(url("budgets:ballot-edit", slug="v")).status_code == 200
    # The old key opens nothing.
    other = Client()
    other.cookies["sessionid"] = known
    assert other.get(url("budgets:ballot-edit", slug="v")).status_code == 302


def test_the_button_opens_the_ballot_in_a_browser_without_a_session(django_capture_on_commit_callbacks):
    cycle_build(current=Kind.VOTE, slug="v")
    link = link_request(Client(), "voter@example.ma", django_capture_on_commit_callbacks)
    browser = Client()
    assert "sessionid" not in browser.cookies
    assert browser.post(link)["Location"] == url("budgets:ballot-edit", slug="v")
    assert browser.cookies["sessionid"].value
    assert browser.get(url("budgets:ballot-edit", slug="v")).status_code == 200
