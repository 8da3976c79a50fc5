"""Follow a page without an account: double opt-in, news to confirmed followers only, unsubscribe in one click."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from following import services
from following.models import Follow
from tests.factories import ProjectFactory, programme_build

pytestmark = pytest.mark.django_db

SITE = "https://openmun.example.ma"


def url(name: str, language: str = "ar", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def project(db):
    programme = programme_build()
    return programme.projects.order_by("number").first()


def follow_post(client: Client, target: str, email: str, *, language: str = "ar", frequency: str = "immediate"):
    data = {
        "follow-target": target,
        "follow-email": email,
        "follow-frequency": frequency,
        "follow-consent": "on",
    }
    return client.post(url("following:follow", language), data)


def confirm_path(mail) -> str:
    return re.search(r"http://testserver(/\w\w/follow/confirm/\S+/)", mail.body).group(1)


def followed_confirmed(client, target, email, mailoutbox, capture, *, language="ar", frequency="immediate"):
    with capture(execute=True):
        follow_post(client, target, email, language=language, frequency=frequency)
    link = confirm_path(mailoutbox[-1])
    client.post(link)
    return Follow.objects.get(email=email, target=target)


def test_following_needs_the_link_and_news_reach_only_confirmed_followers_in_their_language(
    client, project, mailoutbox, django_capture_on_commit_callbacks
):
    target = f"project:{project.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = follow_post(client, target, "Amina@Example.ma", language="ar")
    assert response.status_code == 302 and response["Location"].startswith(url("following:follow-sent"))
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["amina@example.ma"]
    link = confirm_path(mailoutbox[0])
    # Not confirmed yet: the news reaches nobody.
    with django_capture_on_commit_callbacks(execute=True):
        services.announce(target=target, event="progress", site_url=SITE)
    assert len(mailoutbox) == 1
    # A GET only shows the button (mail scanners open links); the POST confirms, once.
    assert client.get(link).status_code == 200
    assert Follow.objects.get().confirmed_at is None
    assert client.post(link).status_code == 200
    assert Follow.objects.get().confirmed_at is not None
    assert client.post(link).status_code == 302 and client.get(link).status_code == 410
    # A French follower of the same project, confirmed.
    followed_confirmed(client, target, "paul@example.ma", mailoutbox, django_capture_on_commit_callbacks, language="fr")
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.announce(target=target, event="progress", site_url=SITE)
    news = mailoutbox[sent:]
    assert sorted(message.to[0] for message in news) == ["amina@example.ma", "paul@example.ma"]
    by_address = {message.to[0]: message for message in news}
    assert "تحديث" in by_address["amina@example.ma"].body
    assert project.title_ar in by_address["amina@example.ma"].body
    assert (
        "mise à jour" in by_address["paul@example.ma"].body and project.title_fr in by_address["paul@example.ma"].body
    )
    for message in news:
        unsubscribe = re.search(r"(https://\S+/follow/unsubscribe/\S+/)", message.body).group(1)
        assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/follow/stop/" in message.body
        # Plain text and HTML, signed by the commune.
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and unsubscribe in html
        assert "جماعة تجريبية" in message.body or "Commune d'essai" in message.body
    # An event of another target reaches none of them.
    other = ProjectFactory(programme=project.programme, axis=project.axis, number=99, slug="other")
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.announce(target=f"project:{other.pk}", event="activity_done", site_url=SITE)
    assert len(mailoutbox) == sent


def test_the_answer_is_the_same_whatever_the_address(client, project, mailoutbox, django_capture_on_commit_callbacks):
    target = f"project:{project.pk}"
    followed_confirmed(client, target, "amina@example.ma", mailoutbox, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        known = follow_post(client, target, "amina@example.ma", frequency="weekly")
        new = follow_post(client, target, "nadia@example.ma")
    assert known.status_code == new.status_code == 302 and known["Location"] == new["Location"]
    # The known address gets a note, not a change: whoever typed it may not own it.
    assert "already follows" in mailoutbox[-2].body or "يتابع" in mailoutbox[-2].body
    assert Follow.objects.get(email="amina@example.ma").frequency == "immediate"


def test_one_click_unsubscribe_works_without_a_csrf_token_and_a_get_changes_nothing(
    project, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    target = f"project:{project.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        follow = Follow.objects.create(target=target, email="amina@example.ma", language="ar")
        Follow.objects.filter(pk=follow.pk).update(confirmed_at="2026-01-01T00:00Z")
        services.announce(target=target, event="progress", site_url=SITE)
    path = re.search(r"https://[^/]+(/\S+/follow/unsubscribe/\S+/)", mailoutbox[-1].body).group(1)
    assert client.get(path).status_code == 200
    assert Follow.objects.filter(pk=follow.pk).exists()
    # What a mail client sends (RFC 8058): a POST with this body, no cookie, no token.
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not Follow.objects.filter(pk=follow.pk).exists()
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        services.announce(target=target, event="progress", site_url=SITE)
    assert len(mailoutbox) == sent
    # Again: the same answer, nothing to undo.
    assert client.post(path).status_code == 200


def test_stop_everything_stops_only_that_address(client, project, mailoutbox, django_capture_on_commit_callbacks):
    other = ProjectFactory(programme=project.programme, axis=project.axis, number=99, slug="other")
    for target in (f"project:{project.pk}", f"project:{other.pk}"):
        followed_confirmed(client, target, "amina@example.ma", mailoutbox, django_capture_on_commit_callbacks)
    followed_confirmed(client, target, "paul@example.ma", mailoutbox, django_capture_on_commit_callbacks)
    key = Follow.objects.filter(email="amina@example.ma").first().key
    path = url("following:stop", key=key)
    assert client.get(path).status_code == 200 and Follow.objects.count() == 3
    client.post(path)
    assert list(Follow.objects.values_list("email", flat=True)) == ["paul@example.ma"]


def test_the_form_refuses_what_it_must_in_the_visitor_language(client, project, mailoutbox):
    target = f"project:{project.pk}"
    response = client.post(url("following:follow", "fr"), {"follow-target": target, "follow-email": "nope"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="follow-errors"' in html
    assert "Cochez cette case" in html
    assert not Follow.objects.exists() and not mailoutbox
    # A target that names nothing public: the form again, with the reason.
    for target in ("project:999999", "nothing:1", "project:x"):
        response = follow_post(client, target, "amina@example.ma", language="fr")
        assert response.status_code == 200 and "Cette page ne peut pas être suivie." in response.content.decode()
    assert not Follow.objects.exists() and not mailoutbox
    # A robot fills the hidden field: the same answer, nothing recorded.
    response = client.post(
        url("following:follow"),
        {"follow-target": target, "follow-email": "a@example.ma", "follow-consent": "on", "follow-hp_check": "x"},
    )
    assert response.status_code == 302 and not Follow.objects.exists()


def test_a_client_cannot_ask_for_more_than_the_rate_limit(client, project, settings, mailoutbox):
    settings.OPENMUN_RATE_LIMIT = (3, 600)
    target = f"project:{project.pk}"
    answers = [follow_post(client, target, f"victim{n}@example.ma").status_code for n in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert Follow.objects.count() == 3


def test_the_recipient_cap_stops_a_mail_bomb(client, project, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.OPENMUN_MAIL_PER_RECIPIENT = (2, 3600)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):
            other = ProjectFactory(programme=project.programme, axis=project.axis, number=50 + number)
            follow_post(Client(REMOTE_ADDR=f"10.0.0.{number}"), f"project:{other.pk}", "victim@example.ma")
    assert len(mailoutbox) == 2


def test_the_purge_erases_follows_never_confirmed(project, settings, mailoutbox):
    settings.OPENMUN_FOLLOW_CONFIRMATION_HOURS = 1
    old = Follow.objects.create(target=f"project:{project.pk}", email="old@example.ma", language="ar")
    Follow.objects.filter(pk=old.pk).update(created_at="2020-01-01T00:00Z")
    confirmed = Follow.objects.create(
        target=f"project:{project.pk}", email="kept@example.ma", language="ar", confirmed_at="2020-01-02T00:00Z"
    )
    Follow.objects.filter(pk=confirmed.pk).update(created_at="2020-01-01T00:00Z")
    recent = Follow.objects.create(target=f"project:{project.pk}", email="new@example.ma", language="ar")
    call_command("purge_personal_data", verbosity=0)
    assert set(Follow.objects.values_list("pk", flat=True)) == {confirmed.pk, recent.pk}


def test_addresses_are_never_shown_on_pages(client, project, mailoutbox, django_capture_on_commit_callbacks):
    followed_confirmed(
        client, f"project:{project.pk}", "amina@example.ma", mailoutbox, django_capture_on_commit_callbacks
    )
    html = client.get(project.get_absolute_url()).content.decode()
    assert "amina@example.ma" not in html and 'name="follow-email"' in html


def test_the_pages_with_the_follow_form_cost_the_same_whatever_the_follows(client, project, assert_queries_fixed):
    from django.utils import timezone

    from tests.consultations.factories import open_round
    from tests.petitions.factories import PetitionFactory

    petition = PetitionFactory()
    consultation_round = open_round(project.programme)
    urls = [
        project.get_absolute_url(),
        petition.get_absolute_url(),
        url("budgets:cycle-list"),
        consultation_round.get_absolute_url(),
    ]
    for path in urls:
        assert 'name="follow-email"' in client.get(path).content.decode()
    targets = (
        f"project:{project.pk}",
        f"petition:{petition.pk}",
        "budget:participatory",
        f"round:{consultation_round.pk}",
    )

    def grow():
        for number in range(30):
            for target in targets:
                Follow.objects.create(
                    target=target,
                    email=f"f{number}@example.ma",
                    language="ar",
                    confirmed_at=timezone.now() if number % 2 else None,
                )

    # The form costs one query, the count of confirmed followers; the rest is the pages' own (their apps' tests).
    assert_queries_fixed(*urls, grow=grow, limit=40)
    page = client.get(url("budgets:cycle-list", "fr")).content.decode()
    assert '<bdi dir="ltr">15</bdi> personnes suivent cette page' in page


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_the_confirmation_mail_uses_the_portals_mail_layout(
    client, project, mailoutbox, django_capture_on_commit_callbacks, language, direction
):
    with django_capture_on_commit_callbacks(execute=True):
        follow_post(client, f"project:{project.pk}", "amina@example.ma", language=language)
    (message,) = mailoutbox
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html.startswith(f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">')
    with translation.override(language):
        label = translation.gettext("Confirm that you want to follow this page")
    assert f'<a href="http://testserver{confirm_path(message)}" style="' in html and f">{label}</a>" in html
    assert f"<title>{message.subject}</title>" in html
    signature = {"ar": "جماعة تجريبية", "fr": "Commune d&#x27;essai"}[language]
    assert f"<p>{signature}</p>\n</body>" in html
