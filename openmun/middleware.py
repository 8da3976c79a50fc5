"""Site-wide middleware: the request log, compression, French typography, the translated 405 page and the
per-client budget of POST requests (the page cache: pagecache.py)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

from openmun import antiabuse, views
from openmun.formatting import french_typography_html
from openmun.logs import request_id_var

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("openmun.request")

# An id a load balancer or proxy passed along; anything else is replaced by one of ours.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# A segment of a path that matched no route, shown as is in the logs: a short word, never a token or an address.
PLAIN_SEGMENT = re.compile(r"^[\w.-]{0,24}$")
# What the compression middleware compresses: text. PDFs, images and archives are compressed already.
COMPRESSIBLE_TYPES = re.compile(
    r"^(text/|application/(json|xml|javascript|atom\+xml|rss\+xml|[\w.-]+\+json|[\w.-]+\+xml)\b)", re.IGNORECASE
)


def request_route(request: HttpRequest) -> str:
    """Return how the logs name a request: its URL pattern, never a path that may carry a token or a name."""
    route = getattr(request, "openmun_route", None)
    if route:
        return route
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return "/" + match.route
    return "/".join(part if PLAIN_SEGMENT.match(part) else "…" for part in request.path.split("/"))


class RouteFilter(logging.Filter):
    """Name the request by its route in Django's own log lines ("Not Found: …", "Forbidden (…): …")."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest) and isinstance(record.args, tuple) and record.args:
            # django.utils.log.log_response escapes the path it logs.
            paths = {request.path, request.path.encode("unicode_escape").decode("ascii")}
            route = request_route(request)
            record.args = tuple(route if isinstance(arg, str) and arg in paths else arg for arg in record.args)
        return True


class RequestLogMiddleware:
    """Log every request once, when answered: id, method, route (never the path itself), status, duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if request_logger.isEnabledFor(logging.INFO):
                # The route, not the path: a confirmation link's path holds its token.
                route = request_route(request)
                request_logger.info(
                    "%s %s %s",
                    request.method,
                    route,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": route,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class CompressionMiddleware(GZipMiddleware):
    """Compress text answers (pages, feeds, JSON, CSV, calendars) for clients that accept gzip.

    Django's GZipMiddleware, with its mitigation of BREACH (random bytes in each compressed answer), limited to
    text. It comes after WhiteNoise, which serves the static files compressed ahead of time, and before the page
    cache, which stores pages uncompressed (they hold a placeholder for each visitor's CSRF token).
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not COMPRESSIBLE_TYPES.match(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)


class FrenchTypographyMiddleware:
    """Give French pages their typography: no-break spaces before : ; ? ! and inside « », 1er for a first day.

    Applied once to the rendered page, so that catalogue entries, templates and the commune's data are written
    with ordinary spaces and none of them can forget one; markup, code and form fields are left as they are
    (openmun.formatting.french_typography_html). Below the page cache, which stores the page as it leaves here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "LANGUAGE_CODE", None) == "fr"
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            charset = response.charset
            response.content = french_typography_html(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


class MethodNotAllowedMiddleware:
    """Give a bare 405 (require_safe, require_POST…) the translated error page, keeping its Allow header.

    The API answers its own errors in JSON: an answer that has a body is left as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            page = views.error_response(request, "errors/405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response


class PostRateLimitMiddleware:
    """Give every client a budget of POST requests (OPENMUN_POST_RATE_LIMIT), whatever the form or page.

    A generous backstop against floods, on top of each form's own, stricter limit (antiabuse.rate_limit). It
    counts in process_view, after the CSRF middleware has accepted the request: a cross-site page that makes
    visitors' browsers send forms without a token cannot spend their office's budget (the CSRF middleware refuses
    those first). It counts in the default cache, as the forms' limits do: when the cache is down, the request
    fails with the "service unavailable" page rather than going unlimited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        # The read-only open data API (transparency/api.py) is exempt from the CSRF check and answers every
        # write with a 405 that touches nothing: counting it would let any site spend a visitor's budget again.
        if getattr(view_func, "csrf_exempt", False):
            return None
        limit, window = settings.OPENMUN_POST_RATE_LIMIT
        if antiabuse.rate_limit_hit(request, "post", limit=limit, window=window):
            logger.warning("The POST budget of a client is spent.")
            return antiabuse.too_many_requests(request, retry_after=window - int(time.time()) % window)
        return None
