"""The staff area: Django's admin site, with a second factor at sign-in (TOTP, django-otp).

Sign-in has two steps. The first is Django's (user name and password, counted by django-axes); the second asks for
the six-digit code of an authenticator app, or one of the account's recovery codes. Who must take it:
OPENMUN_2FA_REQUIRED_FOR ("superusers" in production, "staff", or "none"); an account that must and has no app yet
is sent to set one up before it sees anything. An account that has set one up takes the second step too, required
or not: otherwise its password alone would still open it.

Until the second step, the account is anonymous outside the admin (TwoFactorMiddleware), so the staff pages the
apps keep outside it (the moderation queue, the petition deadlines) ask for it as the admin does. Wrong codes count
as failed sign-ins for django-axes, and django-otp slows down each device after a failure.
"""

from __future__ import annotations

import functools
from base64 import b32encode
from typing import Literal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp import user_has_device, verify_token
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openmun import dashboard
from openmun.actions import audit_log

Step = Literal["verify", "setup"]
RECOVERY_CODE_COUNT = 10
# Names stored with the devices; staff never see them.
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"


def two_factor_required(user) -> bool:
    """Return whether the account must sign in with a second factor (OPENMUN_2FA_REQUIRED_FOR)."""
    policy = settings.OPENMUN_2FA_REQUIRED_FOR
    if policy == "staff":
        return bool(user.is_staff)
    return policy == "superusers" and bool(user.is_superuser)


def two_factor_step(request: HttpRequest, user=None) -> Step | None:
    """Return the step a signed-in staff account still owes in this session ("verify", "setup"), or None."""
    user = request.user if user is None else user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    # Set by django-otp's middleware from the session, or by otp_login() once the code is accepted.
    if getattr(user, "otp_device", None) is not None:
        return None
    cached = getattr(request, "_two_factor_step", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    step = "verify" if user_has_device(user) else "setup" if two_factor_required(user) else None
    request._two_factor_step = (user.pk, step)
    return step


def recovery_codes_replace(*, user) -> list[str]:
    """Give the account new recovery codes in place of its old ones, and return them (they are shown once)."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def authenticator_confirm(*, user, device: TOTPDevice) -> list[str]:
    """Make device the account's one authenticator app, with new recovery codes; return the codes."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = recovery_codes_replace(user=user)
        audit_log(user, user, _("Two-factor sign-in set up."))
    return codes


def two_factor_reset(*, user) -> int:
    """Remove the account's authenticator apps and recovery codes; return how many devices were removed."""
    with transaction.atomic():
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        removed_static, _details = StaticDevice.objects.filter(user=user).delete()
    return removed + removed_static


def is_app_code(code: str) -> bool:
    # An app shows six digits; a recovery code has eight letters and digits.
    return code.isdigit() and len(code) == 6


def code_verify(user, code: str):
    """Return the device of user that accepts code (app code or recovery code, each used once), or None."""
    model = TOTPDevice if is_app_code(code) else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def code_throttled(user, code: str) -> bool:
    """Return whether django-otp refuses, for now, every code of this kind for user after repeated failures."""
    model = TOTPDevice if is_app_code(code) else StaticDevice
    devices = list(model.objects.devices_for_user(user, confirmed=True))
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
                "dir": "ltr",
            }
        ),
    )

    def clean_code(self) -> str:
        # Recovery codes are shown in two groups of four letters; people type them with a space, a dash or capitals.
        return "".join(self.cleaned_data["code"].split()).replace("-", "").lower()


def next_url(request: HttpRequest) -> str:
    """Return where to go once the second step is done: the page asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("admin:index")


def step_redirect(request: HttpRequest, step: Step) -> HttpResponseRedirect:
    url = reverse(f"admin:two-factor-{step}")
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url(request)})}")


def qr_code_svg(text: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def grouped(text: str, size: int = 4) -> str:
    return " ".join(text[index : index + size] for index in range(0, len(text), size))


WRONG_CODE = _("This code is not right. Check that the time of your phone is right, or use a recovery code.")
SETUP_WRONG_CODE = _(
    "This code does not match. Check that you scanned the code of this page and that the time of your phone is right."
)
THROTTLED = _("Too many wrong codes: please wait a moment before trying again.")


def signed_in_staff(view):
    """Let through an active staff account signed in with its password, whether or not it took the second step."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff):
            return HttpResponseRedirect(f"{reverse('admin:login')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return never_cache(csrf_protect(wrapped))


class StaffAdminSite(admin.AdminSite):
    """The admin site of the portal (admin.site): Django's, and the second step of sign-in."""

    site_header = _("Open commune portal: staff area")
    site_title = _("Open commune portal")
    index_title = _("What needs doing today")
    # The width goes to the lists and forms, which must fit at 1280 px and on a tablet in Arabic: the index and the
    # breadcrumbs lead to every list the sidebar of applications would.
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and two_factor_step(request) is None

    def each_context(self, request: HttpRequest) -> dict:
        # The staff pages outside the admin that the account may open, linked from the header of every admin page.
        context = super().each_context(request)
        context["staff_screens"] = dashboard.staff_screens(request.user) if self.has_permission(request) else []
        return context

    def index(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # What needs doing today, from what the apps declare and the account may see (openmun/dashboard.py).
        extra_context = {"dashboard": dashboard.dashboard_panels(request.user), **(extra_context or {})}
        return super().index(request, extra_context)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        step = two_factor_step(request)
        if step is not None:
            return step_redirect(request, step)
        response = super().login(request, extra_context)
        # The password was right: the account may still owe its second step before the page it asked for.
        if request.method == "POST" and response.status_code == 302:
            step = two_factor_step(request)
            if step is not None:
                return step_redirect(request, step)
        return response

    def get_urls(self):
        urls = [
            path("two-factor/", self.admin_view(self.two_factor_status), name="two-factor"),
            path("two-factor/verify/", signed_in_staff(self.two_factor_verify), name="two-factor-verify"),
            path("two-factor/setup/", signed_in_staff(self.two_factor_setup), name="two-factor-setup"),
            # The admin's own sign-out opens only to accounts past the second step; this one also to those before it.
            path("two-factor/sign-out/", signed_in_staff(self.logout), name="two-factor-logout"),
            path(
                "two-factor/recovery-codes/",
                self.admin_view(self.two_factor_recovery_codes),
                name="two-factor-recovery-codes",
            ),
        ]
        return urls + super().get_urls()

    def two_factor_context(self, request: HttpRequest, **context) -> dict:
        return {**self.each_context(request), "next": next_url(request), **context}

    @staticmethod
    def locked_out(request: HttpRequest, credentials: dict) -> HttpResponse:
        from axes.helpers import get_lockout_response

        logout(request)
        return get_lockout_response(request, credentials=credentials)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def two_factor_verify(self, request: HttpRequest) -> HttpResponse:
        from axes.handlers.proxy import AxesProxyHandler

        step = two_factor_step(request)
        if step is None:
            return HttpResponseRedirect(next_url(request))
        if step == "setup":
            return step_redirect(request, "setup")
        user = request.user
        form = CodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            # The user name is what django-axes counts failures by (with the client), as at the first step.
            credentials = {"username": user.get_username()}
            if AxesProxyHandler.is_locked(request, credentials):
                return self.locked_out(request, credentials)
            code = form.cleaned_data["code"]
            # django-otp refuses every code for a moment after a wrong one (longer after each): say so, not "wrong".
            throttled = code_throttled(user, code)
            device = code_verify(user, code)
            if device is not None:
                # A new session key for the session that now opens the staff area.
                request.session.cycle_key()
                otp_login(request, device)
                return HttpResponseRedirect(next_url(request))
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return self.locked_out(request, credentials)
            if throttled:
                form.add_error("code", forms.ValidationError(THROTTLED, code="throttled"))
            else:
                form.add_error("code", forms.ValidationError(WRONG_CODE, code="wrong_code"))
        context = self.two_factor_context(request, title=_("Enter your sign-in code"), form=form)
        return TemplateResponse(request, "admin/two_factor/verify.html", context)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def two_factor_setup(self, request: HttpRequest) -> HttpResponse:
        if two_factor_step(request) == "verify":
            # Whoever has only the password must not replace the app of the account.
            return step_redirect(request, "verify")
        user = request.user
        # The same key until it is confirmed: reloading the page does not change the code already scanned.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        form = CodeForm(request.POST if request.method == "POST" else None)
        form.fields["code"].widget.attrs["inputmode"] = "numeric"
        if form.is_valid():
            throttled = not device.verify_is_allowed()[0]
            if device.verify_token(form.cleaned_data["code"]):
                codes = authenticator_confirm(user=user, device=device)
                request.session.cycle_key()
                otp_login(request, device)
                return self.codes_response(request, codes, set_up=True)
            if throttled:
                form.add_error("code", forms.ValidationError(THROTTLED, code="throttled"))
            else:
                form.add_error("code", forms.ValidationError(SETUP_WRONG_CODE, code="wrong_code"))
        context = self.two_factor_context(
            request,
            title=_("Set up two-factor sign-in"),
            form=form,
            required=two_factor_required(user),
            replacing=TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            key=grouped(b32encode(device.bin_key).decode()),
            qr_code=mark_safe(qr_code_svg(device.config_url)),
        )
        return TemplateResponse(request, "admin/two_factor/setup.html", context)

    @method_decorator(require_POST)
    def two_factor_recovery_codes(self, request: HttpRequest) -> HttpResponse:
        if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
            return HttpResponseRedirect(reverse("admin:two-factor"))
        return self.codes_response(request, recovery_codes_replace(user=request.user), set_up=False)

    def codes_response(self, request: HttpRequest, codes: list[str], *, set_up: bool) -> HttpResponse:
        context = self.two_factor_context(
            request, title=_("Your recovery codes"), codes=[grouped(code) for code in codes], set_up=set_up
        )
        return TemplateResponse(request, "admin/two_factor/recovery_codes.html", context)

    @method_decorator(require_safe)
    def two_factor_status(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        app = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
        codes_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
        context = self.two_factor_context(
            request,
            title=_("Two-factor sign-in"),
            app=app,
            codes_left=codes_left,
            required=two_factor_required(user),
        )
        return TemplateResponse(request, "admin/two_factor/status.html", context)


class TwoFactorMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.otp_device), and outside the admin, a staff account that still owes
    its second step is anonymous: the apps' staff pages then send it to the admin's sign-in, which asks for it."""

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = request.resolver_match
        if match is None or match.app_name == "admin":
            return None
        user = request.user
        # Lazy, as Django's own: a page that never looks at the user does not read the session.
        request.user = SimpleLazyObject(functools.partial(self.outside_admin_user, request, user))
        return None

    @staticmethod
    def outside_admin_user(request: HttpRequest, user):
        return AnonymousUser() if two_factor_step(request, user) is not None else user


def device_admins_unregister() -> None:
    """Take django-otp's device pages out of the admin: English only, and they show the recovery codes in clear.

    Staff manage their own app and codes on the two-factor page; an account that lost both is reset with
    `manage.py two_factor_reset` (docs/operations.md).
    """
    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
