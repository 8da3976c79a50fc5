"""The anonymous page cache: rendered pages served again without running a view or touching the database.

A page is kept per language and full path under the content version (openmun/cache.py): a change to the
portal's data moves the version, so the next request renders the page again. Nothing here moves a version:
the cache only reads it. What is kept is what is the same for every anonymous visitor:
- requests with a session or messages cookie (staff, a visitor who was just shown a message) are neither
  served from the cache nor stored; neither is the admin;
- a response is stored only when it is a 200 HTML page that sets no cookie, varies on nothing, opened no
  session, used no CSP nonce and shows no message, and that no Cache-Control forbids keeping;
- a page with a form carries each visitor's own CSRF token: the cached copy keeps a placeholder in its place
  and each response gets a token for its own visitor (and the cookie that goes with it).
Pages without a form carry an ETag: a browser that has the current page gets 304 Not Modified.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from openmun.cache import CACHE_ERRORS, CONTENT, version_get

logger = logging.getLogger(__name__)

# The CSRF token as {% csrf_token %} renders it. A cached page stores a placeholder instead, and each visitor
# gets a token of their own in its place.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
CSRF_PLACEHOLDER = b"openmun-csrf-token-placeholder"
# Query strings longer than this, or with other parameters than OPENMUN_PAGE_CACHE_QUERY_PARAMS, are not
# cached: made-up query strings must not fill the cache.
MAX_QUERY_STRING = 64
# Headers that belong to one response, never to the cached page.
UNCACHED_HEADERS = {"set-cookie", "vary", "content-length", "etag", "last-modified", "cache-control", "x-cache"}
# Cache-Control words that forbid keeping a response.
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache", "max-age=0")


def page_cache():
    return caches[settings.OPENMUN_PAGE_CACHE_ALIAS]


def request_is_cacheable(request: HttpRequest) -> bool:
    """Return whether the request may be answered from, and stored in, the page cache."""
    if settings.OPENMUN_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    match = request.resolver_match
    if match is None or "admin" in match.namespaces:
        return False
    query = request.META.get("QUERY_STRING", "")
    return not query or (
        len(query) <= MAX_QUERY_STRING and set(request.GET) <= set(settings.OPENMUN_PAGE_CACHE_QUERY_PARAMS)
    )


def page_key(request: HttpRequest) -> str:
    """Return the cache key of the page: content version, day, language, scheme, host and full path."""
    # The day is part of the key: "late" flags and open phases change at midnight without any save.
    path = hashlib.sha256(f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode())
    return (
        f"openmun:page:{version_get(CONTENT)}:{timezone.localdate().isoformat()}:"
        f"{translation.get_language()}:{path.hexdigest()[:40]}"
    )


def response_is_shared(request: HttpRequest, response: HttpResponse) -> bool:
    """Return whether the response is the same for every anonymous visitor, CSRF token aside."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html") or response.has_header("Vary"):
        return False
    if any(word in response.get("Cache-Control", "") for word in UNCACHEABLE_DIRECTIVES):
        return False
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        not (session is not None and session.modified)
        and not (messages is not None and len(messages))
        and getattr(request, "_csp_nonce", None) is None
    )


def csrf_tokens_replace(request: HttpRequest, content: bytes) -> bytes | None:
    """Return the page with its forms' CSRF tokens replaced by the placeholder, or None if one would leak."""
    tokens = {match.group(2) for match in CSRF_INPUT.finditer(content)}
    content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\3", content)
    secret = request.META.get("CSRF_COOKIE", "").encode()
    # A token anywhere else than in a form's hidden input could not be replaced: keep nothing.
    if any(token in content for token in tokens) or (secret and secret in content):
        return None
    return content


def entry_build(request: HttpRequest, response: HttpResponse) -> dict | None:
    """Return what to cache of the response, or None when it is not the same for every anonymous visitor."""
    if not response_is_shared(request, response):
        return None
    content = response.content
    csrf = bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if csrf:
        content = csrf_tokens_replace(request, content)
        if content is None:
            return None
    headers = [(header, value) for header, value in response.items() if header.lower() not in UNCACHED_HEADERS]
    etag = None if csrf else f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    return {"content": content, "headers": headers, "csrf": csrf, "etag": etag}


def response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    """Return the cached page as a response for this visitor, with their own CSRF token in its forms."""
    content = entry["content"]
    if entry["csrf"]:
        # CsrfViewMiddleware then sets this visitor's CSRF cookie, as for a rendered form.
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=200)
    for header, value in entry["headers"]:
        response[header] = value
    response["X-Cache"] = "hit"
    return response


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


class PageCacheMiddleware:
    """Answer cacheable requests from the page cache (process_view) and store what they render (__call__).

    It runs after the session, CSRF, authentication and messages middleware, so that what it needs to know
    about the request is known; a hit still costs no query and runs no view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key is None or getattr(request, "_page_cache_hit", False):
            return response
        entry = entry_build(request, response)
        if entry is None:
            return response
        try:
            page_cache().set(key, entry, timeout=settings.OPENMUN_PAGE_CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("The page cache is unavailable: the page was not stored.")
            return response
        response["X-Cache"] = "miss"
        return conditional(request, response, entry)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not request_is_cacheable(request):
            return None
        try:
            request._page_cache_key = page_key(request)
            entry = page_cache().get(request._page_cache_key)
        except CACHE_ERRORS:
            logger.warning("The page cache is unavailable: the page is rendered.")
            request._page_cache_key = None
            return None
        if entry is None:
            return None
        request._page_cache_hit = True
        return conditional(request, response_from(request, entry), entry)
