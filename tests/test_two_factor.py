"""Two-factor sign-in for staff: who must, setting it up, signing in with a code or a recovery code, the lockout."""

import datetime
import html
import re
import subprocess
import sys
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openmun.admin_site import recovery_codes_replace

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password-2024"
TEXTS = {
    "ar": {
        "setup": "إعداد التحقق بخطوتين",
        "must": "يجب أن يستعمل حسابكم التحقق بخطوتين",
        "enter": "إدخال رمز الدخول",
        "wrong": "هذا الرمز غير صحيح",
        "setup_wrong": "هذا الرمز لا يطابق",
        "codes": "رموز الاسترجاع الخاصة بكم",
        "link": "التحقق بخطوتين",
    },
    "fr": {
        "setup": "Configurer la connexion en deux étapes",
        "must": "Votre compte doit utiliser la connexion en deux étapes",
        "enter": "Saisir votre code de connexion",
        "wrong": "Ce code n'est pas le bon",
        "setup_wrong": "Ce code ne correspond pas",
        "codes": "Vos codes de secours",
        "link": "Connexion en deux étapes",
    },
}


@pytest.fixture
def required_for_superusers(settings):
    # Production's default (tests/test_two_factor.py checks it below); the test suite runs with "none".
    settings.OPENMUN_2FA_REQUIRED_FOR = "superusers"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("chief", "chief@example.ma", PASSWORD)


@pytest.fixture
def clerk(db):
    return get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)


def app_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """Return the code an authenticator app shows for device now (or offset_steps of 30 seconds later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def app_device(user, **fields) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True, **fields)


def sign_in(client: Client, username: str, *, language: str = "fr", password: str = PASSWORD, next_url: str = ""):
    next_url = next_url or f"/{language}/admin/"
    return client.post(f"/{language}/admin/login/?next={next_url}", {"username": username, "password": password})


def code(client: Client, value: str, *, language: str = "fr", next_url: str = ""):
    next_url = next_url or f"/{language}/admin/"
    return client.post(f"/{language}/admin/two-factor/verify/", {"code": value, "next": next_url})


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_superuser_without_an_app_sets_one_up_before_using_the_admin(required_for_superusers, superuser, language):
    client = Client()
    response = sign_in(client, "chief", language=language)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/admin/two-factor/setup/?next=%2F{language}%2Fadmin%2F"
    # Nothing of the admin opens before the app is set up: every page leads back to the setup.
    for url in (f"/{language}/admin/", f"/{language}/admin/auth/user/", f"/{language}/admin/two-factor/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0].startswith(f"/{language}/admin/two-factor/setup/"), url
    page = client.get(f"/{language}/admin/two-factor/setup/")
    text = page.content.decode()
    assert page.status_code == 200
    assert TEXTS[language]["setup"] in text
    assert TEXTS[language]["must"] in text
    assert "<svg" in text
    assert page.headers["Cache-Control"].startswith("max-age=0")
    device = TOTPDevice.objects.get(user=superuser)
    assert not device.confirmed
    # The key, grouped by four for typing by hand, is the one of the QR code.
    assert re.search(r"<code dir=\"ltr\">([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", text)
    # Reloading the page keeps the key already scanned.
    client.get(f"/{language}/admin/two-factor/setup/")
    assert TOTPDevice.objects.get(user=superuser).key == device.key

    wrong = client.post(f"/{language}/admin/two-factor/setup/", {"code": "000000", "next": f"/{language}/admin/"})
    assert wrong.status_code == 200
    assert TEXTS[language]["setup_wrong"] in html.unescape(wrong.content.decode())
    assert client.get(f"/{language}/admin/").status_code == 302

    # After a wrong code, django-otp waits a moment before it checks another.
    with time_machine.travel(datetime.timedelta(seconds=5)):
        done = client.post(
            f"/{language}/admin/two-factor/setup/", {"code": app_code(device), "next": f"/{language}/admin/"}
        )
    assert done.status_code == 200
    assert TEXTS[language]["codes"] in done.content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", done.content.decode())
    assert len(shown) == 10
    assert sorted(code.replace(" ", "") for code in shown) == sorted(
        StaticToken.objects.filter(device__user=superuser).values_list("token", flat=True)
    )
    assert TOTPDevice.objects.get(user=superuser).confirmed
    admin_index = client.get(f"/{language}/admin/")
    assert admin_index.status_code == 200
    assert TEXTS[language]["link"] in admin_index.content.decode()
    assert LogEntry.objects.filter(object_id=str(superuser.pk)).exists()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_with_an_app_the_right_code_opens_the_admin_and_a_wrong_one_does_not(
    required_for_superusers, superuser, language
):
    device = app_device(superuser)
    client = Client()
    response = sign_in(client, "chief", language=language, next_url=f"/{language}/admin/auth/user/")
    assert response["Location"] == f"/{language}/admin/two-factor/verify/?next=%2F{language}%2Fadmin%2Fauth%2Fuser%2F"
    page = client.get(response["Location"])
    assert TEXTS[language]["enter"] in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()

    wrong = code(client, "123456" if app_code(device) != "123456" else "654321", language=language)
    assert wrong.status_code == 200
    assert TEXTS[language]["wrong"] in html.unescape(wrong.content.decode())
    assert client.get(f"/{language}/admin/").status_code == 302

    # django-otp slows a device down after a failure: the next code waits for the delay.
    with time_machine.travel(datetime.timedelta(seconds=5)):
        right = code(client, app_code(device), language=language, next_url=f"/{language}/admin/auth/user/")
        assert right.status_code == 302
        assert right["Location"] == f"/{language}/admin/auth/user/"
        assert client.get(f"/{language}/admin/auth/user/").status_code == 200


def test_a_code_already_used_does_not_sign_in_again(required_for_superusers, superuser):
    device = app_device(superuser)
    first = Client()
    sign_in(first, "chief")
    used = app_code(device)
    assert code(first, used).status_code == 302
    second = Client()
    sign_in(second, "chief")
    assert code(second, used).status_code == 200
    assert second.get("/fr/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(required_for_superusers, superuser):
    app_device(superuser)
    codes = recovery_codes_replace(user=superuser)
    client = Client()
    sign_in(client, "chief", language="ar")
    # Typed as shown, in two groups of four, or in capitals.
    response = code(client, f"{codes[0][:4].upper()} {codes[0][4:].upper()}", language="ar")
    assert response.status_code == 302
    assert client.get("/ar/admin/").status_code == 200
    client.post("/ar/admin/logout/")

    again = Client()
    sign_in(again, "chief", language="ar")
    response = code(again, codes[0], language="ar")
    assert response.status_code == 200
    assert TEXTS["ar"]["wrong"] in html.unescape(response.content.decode())
    assert again.get("/ar/admin/").status_code == 302
    assert StaticToken.objects.filter(device__user=superuser).count() == 9


def test_new_recovery_codes_replace_the_old_ones(required_for_superusers, superuser):
    device = app_device(superuser)
    old = recovery_codes_replace(user=superuser)
    client = Client()
    sign_in(client, "chief")
    code(client, app_code(device))
    status = client.get("/fr/admin/two-factor/")
    assert status.status_code == 200
    assert "10 codes de secours restants." in status.content.decode()
    response = client.post("/fr/admin/two-factor/recovery-codes/")
    new = [c.replace(" ", "") for c in re.findall(r"<li><code>([a-z2-7 ]{9})</code></li>", response.content.decode())]
    assert len(new) == 10
    assert set(StaticToken.objects.filter(device__user=superuser).values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)
    # Getting codes is a POST: a GET neither shows nor makes any.
    assert client.get("/fr/admin/two-factor/recovery-codes/").status_code == 405


def test_wrong_codes_count_for_the_sign_in_lockout(required_for_superusers, superuser):
    device = app_device(superuser)
    client = Client()
    # Two wrong passwords, then the right one: django-axes counts on with the wrong codes.
    sign_in(client, "chief", password="wrong")
    sign_in(client, "chief", password="wrong")
    sign_in(client, "chief")
    statuses = []
    for step in range(5):
        with time_machine.travel(datetime.timedelta(minutes=step)):
            statuses.append(code(client, "000000" if app_code(device) != "000000" else "111111").status_code)
    # The reset on success: the right password cleared the two failures; the fifth wrong code locks out.
    assert statuses == [200, 200, 200, 200, 429]
    # Locked out and signed out: neither the code nor the password opens the admin until the cool-off ends.
    assert client.get("/fr/admin/").status_code == 302
    assert sign_in(client, "chief").status_code == 429


def test_a_password_alone_cannot_replace_the_app_of_an_account(required_for_superusers, superuser):
    app_device(superuser)
    client = Client()
    sign_in(client, "chief")
    response = client.get("/fr/admin/two-factor/setup/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/admin/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=superuser).count() == 1


def test_other_staff_sign_in_with_a_password_unless_they_set_up_an_app(required_for_superusers, clerk):
    client = Client()
    response = sign_in(client, "clerk")
    assert response["Location"] == "/fr/admin/"
    assert client.get("/fr/admin/").status_code == 200
    # They may set it up; from then on, their password alone no longer opens the account.
    page = client.get("/fr/admin/two-factor/setup/")
    assert page.status_code == 200
    assert TEXTS["fr"]["must"] not in page.content.decode()
    device = TOTPDevice.objects.get(user=clerk)
    client.post("/fr/admin/two-factor/setup/", {"code": app_code(device)})
    client.post("/fr/admin/logout/")
    again = Client()
    assert sign_in(again, "clerk")["Location"].startswith("/fr/admin/two-factor/verify/")


def test_all_staff_must_when_required_for_staff(settings, clerk):
    settings.OPENMUN_2FA_REQUIRED_FOR = "staff"
    client = Client()
    assert sign_in(client, "clerk")["Location"].startswith("/fr/admin/two-factor/setup/")


def test_nobody_must_when_required_for_none(settings, superuser):
    settings.OPENMUN_2FA_REQUIRED_FOR = "none"
    client = Client()
    assert sign_in(client, "chief")["Location"] == "/fr/admin/"


def test_staff_pages_outside_the_admin_ask_for_the_second_step_too(required_for_superusers, superuser):
    device = app_device(superuser)
    client = Client()
    sign_in(client, "chief", language="ar")
    queue = "/ar/consultations/moderation/"
    response = client.get(queue)
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/admin/login/")
    # The sign-in sends the account to its code, then back to the page it asked for.
    response = client.get(response["Location"])
    assert response["Location"].startswith("/ar/admin/two-factor/verify/")
    assert code(client, app_code(device), language="ar", next_url=queue)["Location"] == queue
    assert client.get(queue).status_code == 200


def test_an_account_before_its_second_step_can_sign_out(required_for_superusers, superuser):
    client = Client()
    sign_in(client, "chief", language="ar")
    page = client.get("/ar/admin/two-factor/setup/")
    assert 'action="/ar/admin/two-factor/sign-out/"' in page.content.decode()
    client.post("/ar/admin/two-factor/sign-out/")
    assert "_auth_user_id" not in client.session
    assert client.get("/ar/admin/two-factor/setup/")["Location"].startswith("/ar/admin/login/")


def test_the_device_pages_of_django_otp_are_not_in_the_admin(superuser):
    client = Client()
    sign_in(client, "chief")
    index = client.get("/fr/admin/").content.decode()
    assert "otp_totp" not in index
    assert "otp_static" not in index
    assert client.get("/fr/admin/otp_static/staticdevice/").status_code == 404


def test_two_factor_reset_removes_the_app_and_the_codes(required_for_superusers, superuser, capsys):
    app_device(superuser)
    recovery_codes_replace(user=superuser)
    call_command("two_factor_reset", "chief")
    assert "must set up a new app" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=superuser).exists()
    assert not StaticDevice.objects.filter(user=superuser).exists()
    assert sign_in(Client(), "chief")["Location"].startswith("/fr/admin/two-factor/setup/")


def run_settings(env: dict) -> subprocess.CompletedProcess:
    code = "from django.conf import settings as s; print(s.OPENMUN_2FA_REQUIRED_FOR)"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=django_settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "example.ma", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_requires_it_of_superusers_and_debug_of_nobody():
    assert run_settings({}).stdout.split()[-1] == "superusers"
    assert run_settings({"DJANGO_DEBUG": "true"}).stdout.split()[-1] == "none"
    assert run_settings({"OPENMUN_2FA_REQUIRED_FOR": "staff"}).stdout.split()[-1] == "staff"
    refused = run_settings({"OPENMUN_2FA_REQUIRED_FOR": "everyone"})
    assert refused.returncode != 0
    assert "OPENMUN_2FA_REQUIRED_FOR must be superusers, staff or none" in refused.stderr
