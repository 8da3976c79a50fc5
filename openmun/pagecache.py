"""The anonymous page cache: rendered pages served again without running a view or touching the database.

A page is kept per language and full path with the content version it was rendered under (openmun/cache.py):
a change to the portal's data moves the version, so the next request renders the page again. Nothing here
moves a version: the cache only reads it. What is kept is what is the same for every anonymous visitor:
- requests with a session or messages cookie (staff, a visitor who was just shown a message) are neither
  served from the cache nor stored; neither is the admin;
- a response is stored only when it is a 200 HTML page that sets no cookie but the CSRF one, varies on nothing
  but the cookies and the language, opened no session, used no CSP nonce and shows no message, and that no
  Cache-Control forbids keeping;
- a page with a form carries each visitor's own CSRF token: the cached copy keeps a placeholder in its place
  and each response gets a token for its own visitor (and the cookie that goes with it), from Django's CSRF
  middleware.
Pages without a form carry an ETag: a browser that has the current page gets 304 Not Modified. They are also
kept compressed, so that a browser that accepts gzip gets them without compressing each time.

The middleware sits near the top of the stack, right after WhiteNoise and compression: a hit is answered before
the session, locale, CSRF, authentication and message middleware run and before the URL is resolved, about as
cheaply as a static file. What those middleware add to a page (its language, the content security policy, the
frame policy) is stored with it, since a page is stored once it has been through all of them.

Tracking parameters that shared links carry (utm_*, fbclid, gclid…) are dropped from GET and HEAD requests
before anything reads them: they neither split the cache nor bypass it, and no page shows them.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re
import time
from collections import OrderedDict
from urllib.parse import unquote_plus

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.text import compress_string
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from openmun.cache import CACHE_ERRORS, CONTENT, version_get, version_key, version_recent, version_remember

logger = logging.getLogger(__name__)

# The CSRF token as {% csrf_token %} renders it. A cached page stores a placeholder instead, and each visitor
# gets a token of their own in its place.
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
CSRF_PLACEHOLDER = b"openmun-csrf-token-placeholder"
# Query strings longer than this, or with other parameters than OPENMUN_PAGE_CACHE_QUERY_PARAMS, are not
# cached: made-up query strings must not fill the cache. Tracking parameters are dropped before this applies.
MAX_QUERY_STRING = 64
# Query-string parameters that only tell an analytics service where a link was shared: no page reads them.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "srsltid",
    }
)
TRACKING_PREFIXES = ("utm_",)
# Headers that belong to one response, never to the cached page.
UNCACHED_HEADERS = {"set-cookie", "vary", "content-length", "etag", "last-modified", "cache-control", "x-cache"}
# Cache-Control words that forbid keeping a response.
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache", "max-age=0")
# What a page may vary on: the cookies (the session and CSRF middleware say so) and the language, both of which
# the cache key accounts for (no session cookie; the language is part of the key).
SHARED_VARY = {"cookie", "accept-language"}
# Shorter pages are not worth compressing (as GZipMiddleware judges).
MIN_COMPRESSED_LENGTH = 200
# The shape of a cached entry, part of its key: a release that changes it never reads the previous release's
# entries (still in Redis while the servers restart one by one).
ENTRY_FORMAT = 3


def page_cache():
    return caches[settings.OPENMUN_PAGE_CACHE_ALIAS]


def tracking_param(name: str) -> bool:
    """Return whether a query-string parameter only serves tracking (utm_source, fbclid, gclid…)."""
    name = unquote_plus(name).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def tracking_strip(request: HttpRequest) -> None:
    """Drop the tracking parameters from the request's query string, as if the link had been shared without."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return
    pairs = query.split("&")
    kept = [pair for pair in pairs if not tracking_param(pair.split("=", 1)[0])]
    if len(kept) != len(pairs):
        request.META["QUERY_STRING"] = "&".join(kept)
        request.GET = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)


def request_is_cacheable(request: HttpRequest) -> bool:
    """Return whether the request may be answered from, and stored in, the page cache."""
    if settings.OPENMUN_PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return False
    query = request.META.get("QUERY_STRING", "")
    return not query or (
        len(query) <= MAX_QUERY_STRING and set(request.GET) <= set(settings.OPENMUN_PAGE_CACHE_QUERY_PARAMS)
    )


# The local day, and the timestamps it runs from and until: reading the time zone costs more than the rest of a
# cache hit, and the day changes once a day.
_today = (0.0, 0.0, "")


def today() -> str:
    """Return the local date (Africa/Casablanca), as YYYY-MM-DD."""
    global _today
    start, end, day = _today
    now = time.time()
    if not start <= now < end:
        local = timezone.localtime()
        following = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time())
        start = local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
        # Days are not all 24 hours long (daylight saving time): the next midnight is read, not added.
        end = timezone.make_aware(following).timestamp()
        day = local.date().isoformat()
        _today = (start, end, day)
    return day


def page_key(request: HttpRequest, language: str) -> str:
    """Return the cache key of the page: day, language, scheme, host and full path (the entry holds its version)."""
    # The day is part of the key: "late" flags and open phases change at midnight without any save.
    # get_host() refuses a host that is not allowed: a made-up Host header cannot plant pages in the cache.
    path = hashlib.sha256(f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode())
    return f"openmun:page:{ENTRY_FORMAT}:{today()}:{language}:{path.hexdigest()[:40]}"


class RecentPages:
    """The pages this process served last, newest last: with Redis, a hit found here costs no round trip.

    Each is kept no longer than OPENMUN_PAGE_CACHE_SECONDS, as in Redis.
    """

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[dict, float]] = OrderedDict()

    def get(self, key: str, version: str) -> dict | None:
        entry, expires = self.entries.get(key, (None, 0.0))
        if entry is None or entry["version"] != version or time.monotonic() >= expires:
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: dict) -> None:
        self.entries[key] = (entry, time.monotonic() + settings.OPENMUN_PAGE_CACHE_SECONDS)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


# A few hundred pages: the pages visitors ask for most, at tens of kilobytes each.
recent_pages = RecentPages(size=256)


def entry_get(key: str) -> tuple[str, dict | None]:
    """Return the current content version and the page's entry if it was rendered under that version.

    With Redis, this process first looks at the pages it served last, under the version it read less than
    OPENMUN_PAGE_CACHE_VERSION_SECONDS ago (openmun.cache.version_recent): a hit costs no round trip. Otherwise
    the pages and the versions share a key prefix (openmun/settings.py): one MGET reads both, on django-redis's
    own connection (get_redis_connection) and decoded as it encodes, without the per-call work of its get_many.
    Without Redis (each process's memory), the version comes from the default cache.
    """
    pages = page_cache()
    if not isinstance(pages, RedisCache):
        found = pages.get_many([version_key(CONTENT), key])
        version = found.get(version_key(CONTENT)) or version_get(CONTENT)
        entry = found.get(key)
        return version, (entry if entry is not None and entry["version"] == version else None)
    version = version_recent(CONTENT, max_age=settings.OPENMUN_PAGE_CACHE_VERSION_SECONDS)
    if version is not None:
        entry = recent_pages.get(key, version)
        if entry is not None:
            return version, entry
    found = get_redis_connection(settings.OPENMUN_PAGE_CACHE_ALIAS, write=False).mget(
        [pages.make_key(version_key(CONTENT)), pages.make_key(key)]
    )
    version, entry = (None if value is None else pages.client.decode(value) for value in found)
    version = version or version_get(CONTENT)
    version_remember(CONTENT, version)
    if entry is None or entry["version"] != version:
        return version, None
    recent_pages.put(key, entry)
    return version, entry


def response_is_shared(request: HttpRequest, response: HttpResponse) -> bool:
    """Return whether the response is the same for every anonymous visitor, CSRF token aside."""
    if response.status_code != 200 or response.streaming:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    vary = {word.strip().lower() for word in response.get("Vary", "").split(",") if word.strip()}
    if vary - SHARED_VARY:
        return False
    if any(word in response.get("Cache-Control", "") for word in UNCACHEABLE_DIRECTIVES):
        return False
    match = request.resolver_match
    if match is None or "admin" in match.namespaces:
        return False
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        not (session is not None and session.modified)
        and not (messages is not None and len(messages))
        and getattr(request, "_csp_nonce", None) is None
    )


# Random bytes below this limit map evenly onto the 62 characters a CSRF token is made of; the others are drawn again.
_UNBIASED_BYTES = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def random_token_chars(length: int) -> str:
    """Return length characters of a CSRF token, drawn uniformly from the operating system's randomness."""
    chars: list[str] = []
    while len(chars) < length:
        chars.extend(
            CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]
            for byte in os.urandom(length + 8)
            if byte < _UNBIASED_BYTES
        )
    return "".join(chars[:length])


def visitor_token(request: HttpRequest) -> str:
    """Return a CSRF token for this visitor, as django.middleware.csrf.get_token does, with cheaper randomness.

    A cached page's hit is otherwise dominated by get_token's two random strings drawn a character at a time
    (secrets.choice, 64 calls). The same values are made here from one read of os.urandom each: the visitor's
    secret (kept, or new, and flagged for the cookie as get_token flags it) and a fresh mask, so that each answer
    carries a different token (Django's BREACH mitigation). Django's CSRF middleware checks the result
    (tests/test_page_cache.py posts forms from cached pages).
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = random_token_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = random_token_chars(CSRF_SECRET_LENGTH)
    count = len(CSRF_ALLOWED_CHARS)
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % count] for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def csrf_tokens_replace(request: HttpRequest, content: bytes) -> bytes | None:
    """Return the page with its forms' CSRF tokens replaced by the placeholder, or None if one would leak."""
    tokens = {match.group(2) for match in CSRF_INPUT.finditer(content)}
    if not tokens:
        # The visitor was given a CSRF cookie, yet no form shows a token: keep nothing rather than guess.
        return None
    content = CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\3", content)
    secret = request.META.get("CSRF_COOKIE", "").encode()
    # A token anywhere else than in a form's hidden input could not be replaced: keep nothing.
    if any(token in content for token in tokens) or (secret and secret in content):
        return None
    return content


def entry_build(request: HttpRequest, response: HttpResponse, language: str, version: str) -> dict | None:
    """Return what to cache of the response, or None when it is not the same for every anonymous visitor."""
    # The locale middleware chose the page's language after the key was made: they must agree.
    if translation.get_language() != language or not response_is_shared(request, response):
        return None
    content = response.content
    csrf = settings.CSRF_COOKIE_NAME in response.cookies
    if csrf:
        content = csrf_tokens_replace(request, content)
        if content is None:
            return None
    headers = [(header, value) for header, value in response.items() if header.lower() not in UNCACHED_HEADERS]
    # Staff (with a session cookie) get other pages at the same address: shared caches must not mix them.
    vary = vary_words(response.get("Vary", ""), "Cookie")
    entry = {
        "version": version,
        "content": content,
        # Each visitor's copy of a page with a form holds their own token: browsers and shared caches keep none.
        "headers": [*headers, ("Vary", ", ".join(vary)), ("Cache-Control", "no-cache, private"), ("X-Cache", "hit")],
        "csrf": csrf,
        "etag": None,
        "route": "/" + request.resolver_match.route,
    }
    if csrf:
        return entry
    # A page without a form holds nothing secret: it is compressed once, and its answers are built ahead, with an
    # ETag (weak for the compressed copy, as GZipMiddleware makes it). A page with a form is compressed for each
    # visitor by the compression middleware, with its BREACH mitigation: it holds their token.
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    compressed = compress_string(content) if len(content) >= MIN_COMPRESSED_LENGTH else None
    if compressed is not None and len(compressed) >= len(content):
        compressed = None
    if compressed is not None:
        vary = vary_words(", ".join(vary), "Accept-Encoding")
    common = [*headers, ("Vary", ", ".join(vary)), ("Cache-Control", "no-cache"), ("X-Cache", "hit")]
    entry["etag"] = etag
    entry["plain"] = [*common, ("ETag", etag), ("Content-Length", str(len(content)))]
    if compressed is not None:
        entry["gzip"] = compressed
        entry["gzip_headers"] = [
            *common,
            ("ETag", f"W/{etag}"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(compressed))),
        ]
    return entry


def vary_words(vary: str, *words: str) -> list[str]:
    """Return the words of a Vary header with words added, each once, as patch_vary_headers does."""
    present = [word.strip() for word in vary.split(",") if word.strip()]
    lowered = {word.lower() for word in present}
    return present + [word for word in words if word.lower() not in lowered]


def response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    """Return the cached page as a response for this visitor: as stored, or with their own CSRF token in its forms."""
    if not entry["csrf"]:
        gzip = "gzip" in entry and re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if gzip:
            response = HttpResponse(entry["gzip"], headers=entry["gzip_headers"])
        else:
            response = HttpResponse(entry["content"], headers=entry["plain"])
        if "HTTP_IF_NONE_MATCH" in request.META:
            return get_conditional_response(request, etag=entry["etag"], response=response)
        return response
    content = entry["content"].replace(CSRF_PLACEHOLDER, visitor_token(request).encode())
    return HttpResponse(content, headers=[*entry["headers"], ("Content-Length", str(len(content)))])


def conditional(request: HttpRequest, response: HttpResponse, entry: dict) -> HttpResponse:
    """Mark a rendered page as revalidated at each visit; answer 304 when the browser's copy is current."""
    patch_vary_headers(response, ["Cookie"])
    if entry["etag"] is None:
        # A page with a form: each visitor's copy holds their own token; browsers keep none.
        patch_cache_control(response, private=True, no_cache=True)
        return response
    response["ETag"] = entry["etag"]
    patch_cache_control(response, no_cache=True)
    return get_conditional_response(request, etag=entry["etag"], response=response)


class PageCacheMiddleware:
    """Answer cacheable requests from the page cache before the rest of the stack; store what they render.

    It comes right after WhiteNoise and the compression middleware (openmun/settings.py): a hit skips every
    middleware below it, the URL resolver and the view, and costs no query. A miss goes through all of them,
    and the response is stored as they leave it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # Only its process_request and process_response are used: they give a visitor a CSRF token and cookie.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            tracking_strip(request)
        if not request_is_cacheable(request):
            return self.get_response(request)
        # The language as the locale middleware will choose it: from the path, else the cookie or the browser.
        language = translation.get_language_from_request(request, check_path=True)
        try:
            key = page_key(request, language)
            version, entry = entry_get(key)
        except CACHE_ERRORS:
            logger.warning("The page cache is unavailable: the page is rendered.")
            return self.get_response(request)
        if entry is not None:
            return self.hit(request, entry)
        response = self.get_response(request)
        # Kept under the version read before rendering: a change made meanwhile makes it stale at once.
        entry = entry_build(request, response, language, version)
        if entry is None:
            return response
        try:
            page_cache().set(key, entry, timeout=settings.OPENMUN_PAGE_CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("The page cache is unavailable: the page was not stored.")
            return response
        if isinstance(page_cache(), RedisCache):
            recent_pages.put(key, entry)
        response["X-Cache"] = "miss"
        return conditional(request, response, entry)

    def hit(self, request: HttpRequest, entry: dict) -> HttpResponse:
        """Answer from the cached entry, as the stack below would have."""
        # The request log names the request by its route: the URL was not resolved.
        request.openmun_route = entry["route"]
        if not entry["csrf"]:
            return response_from(request, entry)
        self.csrf.process_request(request)
        return self.csrf.process_response(request, response_from(request, entry))
