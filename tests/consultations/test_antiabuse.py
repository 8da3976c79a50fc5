"""The anti-abuse pieces shared by every public form (openmun/antiabuse.py, openmun/text.py)."""

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.utils import translation

from openmun import antiabuse, text


def request_from(address: str, **meta):
    return RequestFactory().post("/", REMOTE_ADDR=address, **meta)


def test_rate_limit_counts_per_client_and_scope():
    first, second = request_from("192.0.2.1"), request_from("192.0.2.2")
    with time_machine.travel(1_800_000_000, tick=False):
        assert [antiabuse.rate_limit_hit(first, "comment", limit=3, window=60) for _ in range(4)] == [
            False,
            False,
            False,
            True,
        ]
        assert not antiabuse.rate_limit_hit(second, "comment", limit=3, window=60)
        assert not antiabuse.rate_limit_hit(first, "contribution", limit=3, window=60)
    # The next window starts afresh.
    with time_machine.travel(1_800_000_060, tick=False):
        assert not antiabuse.rate_limit_hit(first, "comment", limit=3, window=60)


@override_settings(OPENMUN_CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
def test_behind_a_proxy_the_client_is_the_address_the_proxy_sets():
    proxy_a = request_from("10.0.0.1", HTTP_X_REAL_IP="198.51.100.7")
    proxy_b = request_from("10.0.0.1", HTTP_X_REAL_IP="198.51.100.8")
    assert antiabuse.client_key(proxy_a) != antiabuse.client_key(proxy_b)
    assert antiabuse.client_key(request_from("10.0.0.1")) != antiabuse.client_key(proxy_a)


def test_client_keys_do_not_reveal_the_address():
    key = antiabuse.client_key(request_from("203.0.113.45"))
    assert "203.0.113.45" not in key and len(key) == 32
    assert key == antiabuse.client_key(request_from("203.0.113.45"))


def test_an_ipv6_client_is_known_by_its_64_network():
    home = antiabuse.client_key(request_from("2001:db8:aa:bb::1"))
    # Any address of the same /64, however written, is the same client: rotating through it changes nothing.
    for address in ["2001:db8:aa:bb:ffff:ffff:ffff:fffe", "2001:0db8:00aa:00bb:1234::9", "2001:DB8:AA:BB::abcd"]:
        assert antiabuse.client_key(request_from(address)) == home
    assert antiabuse.client_key(request_from("2001:db8:aa:bc::1")) != home


def test_ipv4_clients_are_known_by_their_full_address_however_written():
    first = antiabuse.client_key(request_from("192.0.2.1"))
    assert antiabuse.client_key(request_from("192.0.2.2")) != first
    assert antiabuse.client_key(request_from("::ffff:192.0.2.1")) == first
    assert antiabuse.client_key(request_from("::ffff:192.0.2.2")) != first


@override_settings(OPENMUN_CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP")
def test_a_proxys_ipv6_address_counts_by_its_64_network_too():
    one = request_from("10.0.0.1", HTTP_X_REAL_IP="2001:db8:1:2::10")
    other = request_from("10.0.0.1", HTTP_X_REAL_IP="2001:db8:1:2:9::10")
    assert antiabuse.client_key(one) == antiabuse.client_key(other)
    # A value that is not an address is still hashed, never used as it is.
    assert len(antiabuse.client_key(request_from("10.0.0.1", HTTP_X_REAL_IP="unknown"))) == 32


def test_the_rate_limit_counts_an_ipv6_network_once():
    with time_machine.travel(1_800_000_000, tick=False):
        hits = [
            antiabuse.rate_limit_hit(request_from(f"2001:db8:5:6::{number:x}"), "report", limit=3, window=60)
            for number in range(1, 5)
        ]
    assert hits == [False, False, False, True]


def test_fingerprints_ignore_case_spacing_punctuation_and_letter_variants():
    same = antiabuse.text_fingerprint("إنارة الحي  ضرورية!")
    assert antiabuse.text_fingerprint("انارة الحى ضروريه") == same
    assert antiabuse.text_fingerprint("  إنارة\nالحي ضرورية ") == same
    assert antiabuse.text_fingerprint("Plus d'ARBRES") == antiabuse.text_fingerprint("plus d arbres")
    assert antiabuse.text_fingerprint("إنارة الحي") != same


def test_a_submission_is_claimed_once():
    fingerprint = antiabuse.text_fingerprint("نص")
    assert antiabuse.submission_claim("round-1", fingerprint)
    assert not antiabuse.submission_claim("round-1", fingerprint)
    assert antiabuse.submission_claim("round-2", fingerprint)


class ExampleForm(antiabuse.HoneypotMixin, forms.Form):
    text = text.PlainTextField(max_length=50, widget=forms.Textarea)


def test_the_honeypot_catches_robots_only():
    assert not ExampleForm({"text": "مرحبا"}).is_robot()
    assert ExampleForm({"text": "مرحبا", antiabuse.HONEYPOT_FIELD: "http://spam.example"}).is_robot()
    assert antiabuse.HONEYPOT_FIELD in ExampleForm().fields


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "مرحبا <img src=x onerror=alert(1)>",
        "</textarea><b>bold</b>",
        "<!-- comment -->",
        "<svg/onload=alert(1)>",
        "<a href='javascript:alert(1)'>click</a>",
        "<?php echo 1; ?>",
        "<!DOCTYPE html>",
    ],
)
def test_html_is_refused(hostile):
    with pytest.raises(ValidationError) as error:
        text.validate_plain_text(hostile)
    assert error.value.code == "html"


@pytest.mark.parametrize("harmless", ["2 < 3 et 5 > 4", "أحب <3 مدينتي", "a<b", "السعر 40 000 درهم"])
def test_comparisons_are_not_markup(harmless):
    text.validate_plain_text(harmless)


@pytest.mark.parametrize(
    ("spam", "code"),
    [
        ("Frее mоnеy here", "mixed_scripts"),  # Cyrillic е and о inside Latin words
        ("Visit pаypal now", "mixed_scripts"),
        ("Ϲlick this", "mixed_scripts"),  # Greek/Coptic capital lunate sigma for C... in a Latin word
        ("𝐟𝐫𝐞𝐞 𝐦𝐨𝐧𝐞𝐲", "styled"),
        ("ｆｒｅｅ money", "styled"),
        ("http://a.example http://b.example http://c.example", "links"),
    ],
)
def test_look_alike_spam_is_refused(spam, code):
    with pytest.raises(ValidationError) as error:
        text.validate_plain_text(spam)
    assert error.value.code == code


@pytest.mark.parametrize(
    "honest",
    [
        "Москва и Paris: deux villes",  # two alphabets, each word in one
        "مشروع PDF الخاص بالميزانية",
        "Voir https://www.communebenimellal.ma pour le détail",
        "Ελλάδα",
    ],
)
def test_honest_multilingual_text_passes(honest):
    text.validate_plain_text(honest)


def test_the_mixed_script_error_is_translated():
    with translation.override("fr"):
        with pytest.raises(ValidationError) as error:
            text.validate_plain_text("Frее")
        assert error.value.messages == [
            "Le mot « Frее » mélange des lettres de différents alphabets. Retapez-le avec un seul clavier."
        ]


def test_normalise_strips_invisible_and_direction_overriding_characters():
    trojan = "abc\u202edcba\u2066x\u2069\u200b\x00\x07\ufeff"
    assert text.normalise(trojan) == "abcdcbax"
    # Joiners and direction marks are kept: they belong to the text.
    assert text.normalise("40\u200f000 ي\u200cه") == "40\u200f000 ي\u200cه"
    assert text.normalise("  a \t b \r\n\r\n\r\n\r\nc  ") == "a b\n\nc"
    assert text.normalise("ligne\nsuivante", multiline=False) == "ligne suivante"


def test_plain_text_field_cleans_and_limits():
    form = ExampleForm({"text": "\u202eمرحبا" + "ا" * 60})
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["text"]] == ["max_length"]
    form = ExampleForm({"text": "  مرحبا\u202e  "})
    assert form.is_valid() and form.cleaned_data["text"] == "مرحبا"


@override_settings(OPENMUN_RATE_LIMIT=(1, 600))
@pytest.mark.django_db
def test_the_rate_limit_decorator_answers_429_in_the_visitors_language(rf):
    @antiabuse.rate_limit("test")
    def view(request):
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = rf.post("/fr/", REMOTE_ADDR="192.0.2.9")
    request.user = None
    with translation.override("fr"):
        assert view(request).status_code == 200
        response = view(request)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "Trop de requêtes" in response.content.decode()
    # Reading is never limited.
    assert view(rf.get("/fr/", REMOTE_ADDR="192.0.2.9")).status_code == 200
