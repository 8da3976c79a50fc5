"""Links that act for a person, and mail to addresses nobody has confirmed: single use, bound to what was
submitted, no citizen-written text in the mail, and the same answer whether or not an address supports."""

import re

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from openmun.formatting import french_typography
from petitions import services
from petitions.models import Petition, Support
from tests.factories import CommuneFactory
from tests.petitions.factories import PetitionFactory, SupportFactory

pytestmark = pytest.mark.django_db

SITE = "https://openmun.example.ma"
# A name and a title as a spammer would write them: text with a link, for the commune's mail to carry.
SPAM_NAME = "Gagnez 1000 DH sur https://evil.example/prize"
SPAM_TITLE = "Cliquez sur www.evil.example pour gagner"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def url(name: str, language: str = "ar", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def support_post(client: Client, petition: Petition, *, name: str, email: str, relation: str = "resident"):
    data = {"name": name, "relation": relation, "email": email, "consent": "on"}
    return client.post(url("petitions:support-create", "fr", pk=petition.pk), data)


def link_path(mail) -> str:
    return re.search(r"http://testserver(/\w\w/petitions/confirm/\S+/)", mail.body).group(1)


def counted(petition: Petition) -> int:
    return Petition.objects.get(pk=petition.pk).support_count


def test_a_confirmation_link_confirms_once_and_a_second_holder_sees_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name="سعيد الإدريسي", email="said@example.ma", relation="activity")
    link = link_path(mailoutbox[0])
    # The page shows what the link confirms: the name and the link with the commune given with the address.
    html = client.get(link).content.decode()
    with translation.override("fr"):
        assert "سعيد الإدريسي" in html and escape(str(Support.Relation.ACTIVITY.label)) in html
    assert client.post(link)["Location"] == url("petitions:support-confirmed", "fr", pk=petition.pk)
    assert counted(petition) == 1
    # Someone else holding the link (a forwarded e-mail, a shared screen): it no longer acts nor shows anything.
    other = Client()
    response = other.get(link)
    html = response.content.decode()
    assert response.status_code == 410
    assert "سعيد الإدريسي" not in html and 'method="post"' in html
    # It offers the form that asks for a new link, empty.
    assert url("petitions:support-create", "fr", pk=petition.pk) in html and 'name="email"' in html
    assert "said@example.ma" not in html
    response = other.post(link)
    assert response.status_code == 302 and response["Location"] == link
    assert counted(petition) == 1
    support = Support.objects.get()
    assert support.link_nonce == "" and support.confirmed_at is not None


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_used_link_is_explained_in_the_visitors_language(client, language):
    support = SupportFactory(confirmed_at=None)
    token = services.support_token_make(support)
    services.support_confirm(support=support, nonce=support.link_nonce)
    response = client.get(url("petitions:support-confirm", language, token=token))
    html = response.content.decode()
    assert response.status_code == 410 and f'<html lang="{language}"' in html
    with translation.override(language):
        assert (
            translation.gettext("To receive a new link, support the petition again with the same e-mail address.")
            in html
        )


def test_a_later_submission_never_changes_what_an_earlier_link_confirms(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name="سعيد الإدريسي", email="said@example.ma")
        # Someone else types the same address with another name, from another address.
        support_post(
            Client(REMOTE_ADDR="10.9.9.9"), petition, name="Faux Nom", email="SAID@example.ma", relation="activity"
        )
    first, second = link_path(mailoutbox[0]), link_path(mailoutbox[1])
    # The person's own link no longer confirms anything, above all not the other name.
    response = client.get(first)
    assert response.status_code == 410 and "Faux Nom" not in response.content.decode()
    client.post(first)
    assert counted(petition) == 0 and Support.objects.get().confirmed_at is None
    # The newer link, sent to the same mailbox, shows the name it would confirm: its owner can see it is not theirs.
    html = client.get(second).content.decode()
    assert "Faux Nom" in html and 'method="post"' in html
    # The person supports again: their name, and only their newest link, count.
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name="سعيد الإدريسي", email="said@example.ma")
    assert client.get(second).status_code == 410
    client.post(link_path(mailoutbox[2]))
    support = Support.objects.get()
    assert (support.name, support.relation, counted(petition)) == ("سعيد الإدريسي", "resident", 1)


def test_a_confirmation_racing_a_new_submission_keeps_what_its_link_named(
    mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    support = SupportFactory(petition=petition, name="سعيد", confirmed_at=None, email="said@example.ma")
    nonce = support.link_nonce
    assert services.support_confirm(support=support, nonce=nonce) is True
    with django_capture_on_commit_callbacks(execute=True):
        services.support_submit(
            petition=petition,
            name="Faux Nom",
            relation="activity",
            email="said@example.ma",
            consent=True,
            site_url=SITE,
        )
    support.refresh_from_db()
    assert (support.name, support.relation) == ("سعيد", "resident")
    assert services.support_confirm(support=support, nonce=nonce) is False
    assert services.support_confirm(support=support, nonce="") is False


def test_an_old_token_without_its_nonce_confirms_nothing():
    # A link signed before links carried a nonce ("<id>:<time>:<signature>") names the row, but no nonce.
    support = SupportFactory(confirmed_at=None)
    old = signing.TimestampSigner(salt=services.SUPPORT_TOKEN_SALT).sign(str(support.pk))
    assert services.support_token_read(old) == (support.pk, "")
    assert Client().get(url("petitions:support-confirm", token=old)).status_code == 410
    assert services.support_confirm(support=support, nonce="") is False


def test_the_answer_is_the_same_whether_or_not_the_address_already_supports(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    SupportFactory(petition=petition, email="known@example.ma")  # confirmed
    answers = []
    for email in ("new@example.ma", "known@example.ma"):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = support_post(client, petition, name="سعيد", email=email)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], CSRF.sub("", page.content.decode())))
        # The same work: one message to the address in both cases.
        assert [message.to for message in mailoutbox] == [[email]]
    assert answers[0] == answers[1]
    # To the address that already supports: a note, and no link that could change anything.
    (note,) = mailoutbox
    assert "/confirm/" not in note.body and f"{petition.pk}" in note.subject
    assert Support.objects.get(email="known@example.ma").name != "سعيد"


def test_mail_to_an_unconfirmed_address_carries_no_text_a_stranger_typed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    petition = PetitionFactory(title=SPAM_TITLE)
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name=SPAM_NAME, email="victim@example.ma")
    SupportFactory(petition=petition, email="known@example.ma")
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name=SPAM_NAME, email="known@example.ma")
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        text = message.subject + message.body
        assert "evil" not in text and "Gagnez" not in text and "Cliquez" not in text
        # The petition by its number and its page on the portal.
        assert str(petition.pk) in message.subject
        assert f"http://testserver{url('petitions:petition-detail', 'fr', pk=petition.pk)}" in message.body
    # The confirmation page, which only the holder of the link sees, shows the name, escaped, never as a link.
    html = client.get(link_path(mailoutbox[0])).content.decode()
    assert SPAM_NAME in html and 'href="https://evil.example' not in html


def test_petition_mail_names_the_petition_by_its_number(officer, mailoutbox, django_capture_on_commit_callbacks):
    data = {
        "kind": Petition.Kind.CITIZENS,
        "title": SPAM_TITLE,
        "request": "Nous demandons l'inscription d'un point sur l'éclairage public du quartier.",
        "reasons": "Le quartier est dans le noir la nuit, ce qui menace la sécurité des habitants.",
        "domain": Petition.Domain.LIGHTING,
        "contact_email": "victim@example.ma",
        "agent_name": "Fatima Zahra",
        "language": "fr",
        "site_url": SITE,
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = services.petition_submit(**data)
        services.petition_publish(petition=first, acting_user=officer, site_url=SITE)
        second = services.petition_submit(**{**data, "request": data["request"] + " Vite.", "title": SPAM_TITLE + "!"})
        services.petition_not_admit(petition=second, reason="Hors compétence.", acting_user=officer, site_url=SITE)
    assert len(mailoutbox) == 4
    for message, petition in zip(mailoutbox, (first, first, second, second), strict=True):
        text = message.subject + message.body
        assert "evil" not in text and "Cliquez" not in text
        assert f"{petition.pk}" in message.body
    # The published petition is linked; the others are not public, so they are named by their number only.
    with translation.override("fr"):
        assert f"{SITE}{first.get_absolute_url()}" in mailoutbox[1].body
    assert "Hors compétence." in mailoutbox[3].body


def test_a_mail_that_cannot_be_sent_is_logged_without_its_link_or_address(
    client, mailoutbox, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = support_post(client, petition, name="سعيد", email="said@example.ma")
    support = Support.objects.get()
    # The action itself stands; the log names the message, never the address nor the token of its link.
    assert response.status_code == 302
    assert f"Could not send the confirmation link of support {support.pk}." in caplog.text
    assert "said@" not in caplog.text and services.support_token_make(support).split(":")[0] not in caplog.text


# Mail in plain text and HTML, signed by the commune


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr")])
def test_support_mail_is_text_and_html_in_the_visitors_language_signed_by_the_commune(
    client, mailoutbox, django_capture_on_commit_callbacks, language, direction
):
    CommuneFactory(name_ar="جماعة بني ملال", name_fr="Commune de Beni Mellal")
    signature = {"ar": "جماعة بني ملال", "fr": "Commune de Beni Mellal"}[language]
    petition = PetitionFactory(title=SPAM_TITLE)
    SupportFactory(petition=petition, email="known@example.ma")  # confirmed
    data = {"name": SPAM_NAME, "relation": "resident", "consent": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("new@example.ma", "known@example.ma"):
            client.post(url("petitions:support-create", language, pk=petition.pk), {**data, "email": email})
    link, note = mailoutbox
    petition_url = f"http://testserver{url('petitions:petition-detail', language, pk=petition.pk)}"
    confirm_url = f"http://testserver{link_path(link)}"
    for message in (link, note):
        html = html_part(message)
        assert html.startswith(f'<!DOCTYPE html>\n<html lang="{language}" dir="{direction}">')
        # The petition's page, and the commune's name at the end of both parts, as the notices sign.
        assert f'href="{petition_url}"' in html and petition_url in message.body
        assert message.body.rstrip().endswith(signature) and f"<p>{signature}</p>\n</body>" in html
        # Nothing a stranger typed: neither the name given in the form nor the petition's title.
        assert "evil" not in message.body + html and "Gagnez" not in html and "Cliquez" not in html
    # The link that confirms, as a labelled button; the note to a confirmed address has none.
    with translation.override(language):
        label = translation.gettext("Confirm your support")
    assert f'<a href="{confirm_url}" style="' in html_part(link) and f">{label}</a>" in html_part(link)
    assert "/confirm/" not in html_part(note)
    # The same sentences as the text.
    with translation.override(language):
        sentence = translation.gettext("If you did not ask for this, ignore this e-mail: nothing will be counted.")
    sentence = french_typography(sentence) if language == "fr" else sentence
    assert sentence in link.body
    assert f"<p>{sentence}</p>" in html_part(link)


def test_support_mail_escapes_what_it_shows(client, mailoutbox, django_capture_on_commit_callbacks):
    CommuneFactory(name_fr="Commune <b>Beni</b> & Mellal")
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name="سعيد الإدريسي", email="said@example.ma")
    (message,) = mailoutbox
    html = html_part(message)
    assert "<p>Commune &lt;b&gt;Beni&lt;/b&gt; &amp; Mellal</p>" in html and "<b>" not in html
    assert "سعيد" not in html + message.body
    assert message.body.rstrip().endswith("Commune <b>Beni</b> & Mellal")


def test_a_renamed_commune_signs_the_next_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    commune = CommuneFactory(name_fr="Commune de Beni Mellal")
    petition = PetitionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        support_post(client, petition, name="سعيد", email="said@example.ma")
        commune.name_fr = "Commune urbaine de Beni Mellal"
        commune.save()
        support_post(client, petition, name="سعيد", email="other@example.ma")
    assert [message.body.rstrip().rsplit("\n", 1)[1] for message in mailoutbox] == [
        "Commune de Beni Mellal",
        "Commune urbaine de Beni Mellal",
    ]


def test_the_html_part_costs_a_support_no_query(client, mailoutbox, django_capture_on_commit_callbacks):
    # The form's check reads the commune's names (no citizen may sign as the commune); the mail is signed from that
    # same read: a support costs 9 queries, as it did with plain text alone, and 7 while the data stays the same (the
    # commune and the petition are kept per content version).
    CommuneFactory()
    petition = PetitionFactory()
    rendered = []
    template_rendered.connect(receiver := lambda sender, template, **kwargs: rendered.append(template.name))
    try:
        counts = []
        for email in ("a@example.ma", "b@example.ma"):
            with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
                assert support_post(client, petition, name="سعيد", email=email).status_code == 302
            counts.append(len(queries))
    finally:
        template_rendered.disconnect(receiver)
    assert counts == [9, 7]
    # Each part rendered once per message.
    assert rendered.count("petitions/email/support_confirm.html") == 2
    assert rendered.count("petitions/email/support_confirm.txt") == 2
    assert len(mailoutbox) == 2
