"""Site-wide views: robots.txt, the favicon, the health check, the error pages, in the visitor's language."""

import functools
import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from openmun.cache import CACHE_ERRORS
from openmun.context_processors import LANGUAGE_NAMES
from openmun.links import site_url

logger = logging.getLogger(__name__)

# The database or the cache cannot be reached: the request is answered "try again shortly", never saved in
# part (services write inside transactions) and the next request reconnects.
OUTAGE_ERRORS = (OperationalError, InterfaceError, *CACHE_ERRORS)
RETRY_AFTER = 30
# Browsers ask for /favicon.ico on every site; it changes with a release at most.
FAVICON_MAX_AGE = 7 * 24 * 3600
# The open data API (openmun/urls.py, transparency/api.py) answers every error in JSON, those that stop a request
# before its views run included: a Host that is not allowed, more parameters than Django reads.
API_PATH = "/api/"


def error_response(request: HttpRequest, template: str, *, status: int, context: dict | None = None) -> HttpResponse:
    """Render an error page in the visitor's language, without anything that could fail in turn.

    No context processor, no query, nothing built from the Host header (which may be the very error): the page
    gets its own context only. The language is read from the request, as the locale middleware reads it, since
    an error may come before that middleware has run.
    """
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        context = {
            # The language switch of an error page leads to the home page in each language.
            "alternates": [
                {"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": f"/{code}/"}
                for code, _name in settings.LANGUAGES
            ],
            **(context or {}),
        }
        return HttpResponse(loader.render_to_string(template, context), status=status)


@require_safe
def robots_txt(request):
    # Search result pages are endless combinations of words: crawlers get the sitemap instead.
    sitemap = f"{site_url(request)}/sitemap.xml"
    return HttpResponse(
        "User-agent: *\nDisallow: /ar/admin/\nDisallow: /fr/admin/\n"
        f"Disallow: /ar/search/\nDisallow: /fr/search/\nSitemap: {sitemap}\n",
        content_type="text/plain; charset=utf-8",
    )


@never_cache
@require_safe
def healthz(request):
    """Tell a load balancer whether this server can reach the database and the cache."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:
        logger.warning("Health check: the database is unavailable (%s).", type(error).__name__)
        checks["database"] = "unavailable"
    try:
        cache.set("openmun:healthz", 1, timeout=10)
        checks["cache"] = "ok" if cache.get("openmun:healthz") == 1 else "unavailable"
    except Exception as error:
        logger.warning("Health check: the cache is unavailable (%s).", type(error).__name__)
        checks["cache"] = "unavailable"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)


def api_error_response(*, status: int, code: str, message: str) -> JsonResponse:
    """Return an error of the open data API as its own views do: JSON, readable from any site, never stored."""
    response = JsonResponse(
        {"error": {"status": status, "code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, no_store=True)
    return response


def bad_request(request, exception=None):
    if request.path_info.startswith(API_PATH):
        # In the language the client asks for (Accept-Language), as the API's own errors.
        with translation.override(translation.get_language_from_request(request)):
            return api_error_response(status=400, code="bad_request", message=_("The request is not valid."))
    return error_response(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return error_response(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return error_response(request, "errors/404.html", status=404)


def server_error(request):
    # Django calls this while handling the exception: an outage gets its own page and status.
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        response = error_response(request, "errors/503.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return error_response(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    """Tell a visitor whose form failed the CSRF check what happened and how to send it again (CSRF_FAILURE_VIEW)."""
    # Back to the page the form was on, when the browser says and it is one of the portal's own.
    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    try:
        same_site = bool(referer.netloc) and referer.netloc == request.get_host()
    except DisallowedHost:
        same_site = False
    back = referer.path if same_site and url_has_allowed_host_and_scheme(referer.path, allowed_hosts=None) else ""
    return error_response(request, "errors/csrf.html", status=403, context={"back": back})


@functools.cache
def favicon_bytes() -> bytes:
    return (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()


@require_safe
def favicon(request):
    """Serve the portal's icon at /favicon.ico, where browsers look for it whatever the page says."""
    response = HttpResponse(favicon_bytes(), content_type="image/vnd.microsoft.icon")
    patch_cache_control(response, public=True, max_age=FAVICON_MAX_AGE)
    return response


def login_locked_out(request, original_response=None, credentials=None):
    """Answer a sign-in from a client locked out after repeated failures (django-axes)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, -(-int(cool_off.total_seconds()) // 60)) if cool_off else None
    response = error_response(request, "errors/locked_out.html", status=429, context={"minutes": minutes})
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def login_client_description(username, ip_address, user_agent, path_info, request) -> str:
    """Describe a sign-in attempt for django-axes's log lines: the hashed client and the path, no name."""
    # ip_address is already antiabuse.client_key's keyed hash (AXES_CLIENT_IP_CALLABLE).
    path = path_info[0] if isinstance(path_info, (list, tuple)) else path_info
    return f"client {str(ip_address)[:12]} on {path}"
