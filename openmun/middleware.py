"""Site-wide middleware: the request log, the per-client budget of POST requests and the anonymous page cache."""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from openmun import antiabuse
from openmun.cache import CACHE_ERRORS, CONTENT, content_changed, version_get
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


# The CSRF token as {% csrf_token %} renders it. A cached page stores a placeholder instead, and each visitor
# gets a token of their own in its place.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
CSRF_PLACEHOLDER = b"openmun-csrf-token-placeholder"
# Query strings longer than this, or with other parameters than OPENMUN_PAGE_CACHE_QUERY_PARAMS, are not
# cached: made-up query strings must not fill the cache.
MAX_QUERY_STRING = 64
# Headers that belong to one response, never to the cached page.
UNCACHED_HEADERS = {"set-cookie", "vary", "content-length", "etag", "last-modified", "cache-control", "x-cache"}


def page_cache():
    return caches[settings.OPENMUN_PAGE_CACHE_ALIAS]


class PageCacheMiddleware:
    """Serve anonymous GET and HEAD requests from a cache of rendered pages, without touching the database.

    A page is kept per language and full path, under the content version (openmun/cache.py): any change to
    the portal's data moves the version, so the next request renders the page again; so does any POST that
    ends in a redirect (an accepted form), for writes that send no signal. The cache keeps only
    what is the same for every anonymous visitor:
    - requests with a session or messages cookie (staff, a visitor who was just shown a message) are
      neither served from the cache nor stored; neither is the admin;
    - a response is stored only when it is a 200 HTML page that sets no cookie, varies on nothing, opened
      no session, used no CSP nonce and shows no message, and that no Cache-Control forbids keeping;
    - a page with a form carries each visitor's own CSRF token: the cached copy keeps a placeholder in its
      place and each response gets a token for its own visitor (and the cookie that goes with it).
    Pages without a form carry an ETag: a browser that has the current page gets 304 Not Modified.
    The cache runs after the session, CSRF, authentication and messages middleware, so that what it needs to
    know about the request is known; a hit still costs no query and runs no view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and response.status_code in (301, 302, 303):
            # A form that was accepted may have written with QuerySet.update(), which sends no signal.
            try:
                content_changed(CONTENT)
            except CACHE_ERRORS:
                # The data is saved: the visitor must not be told otherwise.
                logger.warning("The cache is unavailable: the content version was not moved.")
        key = getattr(request, "_page_cache_key", None)
        if key is None or getattr(request, "_page_cache_hit", False):
            return response
        entry = self.entry_from(request, response)
        if entry is None:
            return response
        try:
            page_cache().set(key, entry, timeout=settings.OPENMUN_PAGE_CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("The page cache is unavailable: the page was not stored.")
            return response
        response["X-Cache"] = "miss"
        return self.conditional(request, response, entry)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not self.eligible(request):
            return None
        try:
            key = self.key_for(request)
            entry = page_cache().get(key)
        except CACHE_ERRORS:
            logger.warning("The page cache is unavailable: the page is rendered.")
            return None
        if entry is None:
            request._page_cache_key = key
            return None
        request._page_cache_key = key
        request._page_cache_hit = True
        content = entry["content"]
        if entry["csrf"]:
            # CsrfViewMiddleware then sets this visitor's CSRF cookie, as for a rendered form.
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, status=200)
        for header, value in entry["headers"]:
            response[header] = value
        response["X-Cache"] = "hit"
        return self.conditional(request, response, entry)

    @staticmethod
    def eligible(request: HttpRequest) -> bool:
        """Return whether the request may be answered from, and stored in, the page cache."""
        if settings.OPENMUN_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
            return False
        match = request.resolver_match
        if match is None or "admin" in match.namespaces:
            return False
        query = request.META.get("QUERY_STRING", "")
        if query:
            allowed = set(settings.OPENMUN_PAGE_CACHE_QUERY_PARAMS)
            if len(query) > MAX_QUERY_STRING or not set(request.GET) <= allowed:
                return False
        return True

    @staticmethod
    def key_for(request: HttpRequest) -> str:
        """Return the cache key of the page: content version, day, language, scheme, host and full path."""
        # The day is part of the key: "late" flags and open phases change at midnight without any save.
        path = hashlib.sha256(f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode())
        return (
            f"openmun:page:{version_get(CONTENT)}:{timezone.localdate().isoformat()}:"
            f"{translation.get_language()}:{path.hexdigest()[:40]}"
        )

    @staticmethod
    def entry_from(request: HttpRequest, response: HttpResponse) -> dict | None:
        """Return what to cache of the response, or None when it is not the same for every anonymous visitor."""
        if response.status_code != 200 or response.streaming or response.cookies:
            return None
        if not response.get("Content-Type", "").startswith("text/html") or response.has_header("Vary"):
            return None
        cache_control = response.get("Cache-Control", "")
        if any(word in cache_control for word in ("private", "no-store", "no-cache", "max-age=0")):
            return None
        session = getattr(request, "session", None)
        if session is not None and session.modified:
            return None
        messages = getattr(request, "_messages", None)
        if messages is not None and len(messages):
            return None
        if getattr(request, "_csp_nonce", None) is not None:
            return None
        content = response.content
        csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        if csrf:
            tokens = {match.group(2) for match in CSRF_INPUT.finditer(content)}
            content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\3", content)
            secret = request.META.get("CSRF_COOKIE", "").encode()
            # A token anywhere else than in a form's hidden input could not be replaced: keep nothing.
            if any(token in content for token in tokens) or (secret and secret in content):
                return None
        headers = [(header, value) for header, value in response.items() if header.lower() not in UNCACHED_HEADERS]
        etag = None if csrf else f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        return {"content": content, "headers": headers, "csrf": csrf, "etag": etag}

    @staticmethod
    def conditional(request: HttpRequest, response: HttpResponse, entry: dict) -> HttpResponse:
        """Mark the response as revalidated at each visit; answer 304 when the browser's copy is current."""
        # Staff (with a session cookie) get other pages at the same address: shared caches must not mix them.
        patch_vary_headers(response, ["Cookie"])
        if entry["etag"] is None:
            # A page with a form: each visitor's copy holds their own token; browsers keep none.
            patch_cache_control(response, private=True, no_cache=True)
            return response
        response["ETag"] = entry["etag"]
        patch_cache_control(response, no_cache=True)
        return get_conditional_response(request, etag=entry["etag"], response=response)
