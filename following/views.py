"""Follow a page: the form's answer, the confirmation link, one-click unsubscribe and "stop everything"."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from following import services
from following.forms import FollowForm
from following.models import Follow
from following.registry import target_resolve
from openmun.antiabuse import rate_limit
from openmun.links import crumb, site_url


def sent_redirect():
    return redirect(reverse("following:follow-sent") + "#main")


@require_http_methods(["POST"])
@sensitive_post_parameters("follow-email")
@rate_limit("follow")
def follow_create(request):
    form = FollowForm(request.POST)
    if form.is_robot():
        return sent_redirect()
    followed = target_resolve(request.POST.get("follow-target", ""))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_request(
                target=data["target"],
                email=data["email"],
                frequency=data["frequency"],
                language=get_language(),
                consent=data["consent"],
                site_url=site_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return sent_redirect()
    # Without JavaScript too: a page of its own with the form, its errors and what was typed.
    context = {
        "form": form,
        "followed": followed,
        "breadcrumbs": [
            *([crumb(followed.title, followed.path)] if followed else []),
            crumb(_("Follow this page by e-mail")),
        ],
    }
    return render(request, "following/follow_form.html", context)


@require_safe
def follow_sent(request):
    context = {
        "hours": settings.OPENMUN_FOLLOW_CONFIRMATION_HOURS,
        "breadcrumbs": [crumb(_("Follow this page by e-mail"))],
    }
    return render(request, "following/follow_sent.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limit("follow-confirm")
def follow_confirm(request, token: str):
    context = {"breadcrumbs": [crumb(_("Follow this page by e-mail"))]}
    follow = None
    try:
        follow_id, nonce = services.follow_token_read(token)
    except signing.SignatureExpired:
        context["problem"] = "expired"
    except (signing.BadSignature, ValueError):
        context["problem"] = "invalid"
    else:
        follow = Follow.objects.filter(pk=follow_id).first()
        if follow is None:
            context["problem"] = "expired"
    if follow is None:
        return render(request, "following/follow_confirm.html", context, status=404)
    context["followed"] = target_resolve(follow.target)
    if not follow.link_acts(nonce):
        if request.method == "POST":
            return redirect(request.path)
        context["problem"] = "used"
        return render(request, "following/follow_confirm.html", context, status=410)
    if request.method == "POST":
        if not services.follow_confirm(follow=follow, nonce=nonce):
            return redirect(request.path)
        context["confirmed"] = True
    return render(request, "following/follow_confirm.html", context)


# RFC 8058: a mail client's one-click unsubscribe is a POST without a CSRF token nor a session. The key in the
# address is the secret; a GET only shows the button, since link checkers and mail scanners open links.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def unsubscribe(request, key: str):
    follow = Follow.objects.filter(key=key).only("target").first()
    context = {"breadcrumbs": [crumb(_("Stop following"))]}
    if request.method == "POST":
        services.follow_unsubscribe(key=key)
        context["done"] = True
    elif follow is not None:
        context["followed"] = target_resolve(follow.target)
    else:
        context["done"] = True
    return render(request, "following/unsubscribe.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def stop_all(request, key: str):
    context = {"breadcrumbs": [crumb(_("Stop every follow"))], "stop": True}
    if request.method == "POST":
        services.follow_stop_all(key=key)
        context["done"] = True
    elif not Follow.objects.filter(key=key).exists():
        context["done"] = True
    return render(request, "following/unsubscribe.html", context)
