"""Site-wide views: robots.txt, the health check, the error pages, in the visitor's language."""

import logging
import sys

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from openmun.cache import CACHE_ERRORS
from openmun.links import site_url

logger = logging.getLogger(__name__)

# The database or the cache cannot be reached: the request is answered "try again shortly", never saved in
# part (services write inside transactions) and the next request reconnects.
OUTAGE_ERRORS = (OperationalError, InterfaceError, *CACHE_ERRORS)
RETRY_AFTER = 30


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


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # Django calls this while handling the exception: an outage gets its own page and status.
    # No context processors: the database or the cache may be what failed.
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        response = HttpResponse(loader.get_template("errors/503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)


def login_locked_out(request, original_response=None, credentials=None):
    """Answer a sign-in from a client locked out after repeated failures (django-axes)."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    minutes = max(1, -(-int(cool_off.total_seconds()) // 60)) if cool_off else None
    response = render(request, "errors/locked_out.html", {"minutes": minutes}, status=429)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def login_client_description(username, ip_address, user_agent, path_info, request) -> str:
    """Describe a sign-in attempt for django-axes's log lines: the hashed client and the path, no name."""
    # ip_address is already antiabuse.client_key's keyed hash (AXES_CLIENT_IP_CALLABLE).
    path = path_info[0] if isinstance(path_info, (list, tuple)) else path_info
    return f"client {str(ip_address)[:12]} on {path}"
