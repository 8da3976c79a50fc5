"""The portal's mail: sent after the commit, and never more than OPENMUN_MAIL_PER_RECIPIENT to one address."""

import datetime
import logging

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from openmun.mail import mail_after_commit
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db


def send(to: str, number: int = 1) -> None:
    mail_after_commit(subject=f"Message {number}", body="…", to=to, what=f"test message {number}")


def test_one_address_receives_at_most_the_cap_whatever_the_case(
    settings, mailoutbox, caplog, django_capture_on_commit_callbacks
):
    settings.OPENMUN_MAIL_PER_RECIPIENT = (3, 3600)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 10, 5, tzinfo=datetime.UTC), tick=False):
        with caplog.at_level(logging.WARNING, logger="openmun.mail"), django_capture_on_commit_callbacks(execute=True):
            for number, to in enumerate(["victim@example.ma", "Victim@Example.MA", " victim@example.ma"] * 2):
                send(to, number)
            send("other@example.ma")
        assert [message.subject for message in mailoutbox] == ["Message 0", "Message 1", "Message 2", "Message 1"]
        # Dropped messages are logged by what they are, never by the address.
        assert "test message 3 not sent" in caplog.text
        assert "victim" not in caplog.text.lower()
    # The next hour, the address receives mail again.
    next_hour = time_machine.travel(datetime.datetime(2026, 3, 1, 11, 5, tzinfo=datetime.UTC), tick=False)
    with next_hour, django_capture_on_commit_callbacks(execute=True):
        send("victim@example.ma", 9)
    assert mailoutbox[-1].subject == "Message 9"


def test_a_rolled_back_action_uses_none_of_the_allowance(settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.OPENMUN_MAIL_PER_RECIPIENT = (1, 3600)
    with django_capture_on_commit_callbacks(execute=False):
        send("victim@example.ma", 1)  # its transaction never commits
    with django_capture_on_commit_callbacks(execute=True):
        send("victim@example.ma", 2)
    assert [message.subject for message in mailoutbox] == ["Message 2"]


def test_typing_an_address_from_many_clients_does_not_flood_it(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    # Limits per client raised, as a botnet would get round them: the cap per recipient still holds.
    settings.OPENMUN_RATE_LIMIT = (1000, 600)
    settings.OPENMUN_POST_RATE_LIMIT = (1000, 600)
    petitions = PetitionFactory.create_batch(4)
    responses = []
    # Within one hour of the cap's fixed windows.
    clock = time_machine.travel(datetime.datetime(2026, 3, 1, 10, 5, tzinfo=datetime.UTC), tick=False)
    clock.start()
    for index in range(20):
        petition = petitions[index % 4]
        client = Client(REMOTE_ADDR=f"10.0.{index}.1")
        with translation.override("fr"):
            address = reverse("petitions:support-create", kwargs={"pk": petition.pk})
        data = {"name": "Saïd", "relation": "resident", "email": "victim@example.ma", "consent": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(address, data)
        responses.append((response.status_code, response["Location"].replace(str(petition.pk), "<pk>")))
    clock.stop()
    assert len(mailoutbox) == 5  # the default cap: 5 an hour
    # Every visitor got the usual answer: the cap is not revealed.
    assert set(responses) == {(302, "/fr/petitions/<pk>/support/sent/#main")}


def test_french_mail_is_typeset_as_french_pages_are_and_arabic_mail_is_left_alone(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with translation.override("fr"):
            mail_after_commit(
                subject="Votre pétition : reçue",
                body="Le lien : « https://x/confirm/t0k3n/ » expire le 1 février. Des questions ?",
                html='<p>Le lien : <a href="https://x/a?b=1">ici</a></p>',
                to="said@example.ma",
                what="the French message",
            )
        with translation.override("ar"):
            mail_after_commit(subject="عريضتكم : وصلت", body="الرابط : هنا", to="said@example.ma", what="m2")
    french, arabic = mailoutbox
    assert french.subject == "Votre pétition\u00a0: reçue"
    assert (
        french.body
        == "Le lien\u00a0: «\u00a0https://x/confirm/t0k3n/\u00a0» expire le 1er\u00a0février. Des questions\u202f?"
    )
    assert french.alternatives[0][0] == '<p>Le lien\u00a0: <a href="https://x/a?b=1">ici</a></p>'
    assert (arabic.subject, arabic.body) == ("عريضتكم : وصلت", "الرابط : هنا")
