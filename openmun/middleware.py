"""Site-wide middleware: the request log and the per-client budget of POST requests (the page cache: pagecache.py)."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from openmun import antiabuse
from openmun.logs import request_id_var

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("openmun.request")

# An id a load balancer or proxy passed along; anything else is replaced by one of ours.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Log every request once, when answered: id, method, path without query string, status, duration."""

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
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class PostRateLimitMiddleware:
    """Give every client a budget of POST requests (OPENMUN_POST_RATE_LIMIT), whatever the form or page.

    A generous backstop against floods, on top of each form's own, stricter limit (antiabuse.rate_limit). It
    counts in the default cache, as the forms' limits do: when the cache is down, the request fails with the
    "service unavailable" page rather than going unlimited.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            limit, window = settings.OPENMUN_POST_RATE_LIMIT
            if antiabuse.rate_limit_hit(request, "post", limit=limit, window=window):
                logger.warning("The POST budget of a client is spent.")
                return antiabuse.too_many_requests(request, retry_after=window - int(time.time()) % window)
        return self.get_response(request)
