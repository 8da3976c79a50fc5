"""Defences shared by every public form: a per-client rate limit, duplicate detection and a honeypot field.

The rate limit counts in Django's cache: Redis when REDIS_URL is set (shared by every worker), else this
process's memory. cache.add followed by cache.incr is atomic on both, so concurrent requests cannot slip
past the limit.

The client is known by its address, REMOTE_ADDR. Behind a reverse proxy REMOTE_ADDR is the proxy's own
address, and every visitor would share one limit: either have the server set REMOTE_ADDR to the
visitor's address, or name the header the proxy sets (and always overwrites) in
OPENMUN_CLIENT_ADDRESS_HEADER, e.g. HTTP_X_REAL_IP. An IPv4 address is one client; an IPv6 client is known
by its /64 network, since a single subscriber gets at least a /64 and can use any address in it (an
IPv4-mapped IPv6 address counts as the IPv4 one). Addresses are hashed before they reach the cache and
are never stored or logged.
"""

import functools
import hashlib
import hmac
import ipaddress
import logging
import time
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from openmun.folding import fold_for_comparison
from openmun.views import error_response

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "hp_check"


# The part of an IPv6 address that one subscriber holds: its /64 network.
IPV6_CLIENT_PREFIX = 64


def client_address(address: str) -> str:
    """Return what identifies a client by its address: an IPv4 address, or an IPv6 address's /64 network."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip), IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


def client_key(request: HttpRequest) -> str:
    """Return a key for the client that sent request: a keyed hash of its address, never the address."""
    header = getattr(settings, "OPENMUN_CLIENT_ADDRESS_HEADER", "")
    address = (request.META.get(header) if header else "") or request.META.get("REMOTE_ADDR", "")
    address = client_address(address.split(",")[0].strip())
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def window_count(key: str, window: int) -> int:
    """Count one more event under key, kept for window seconds; return the count so far, this one included.

    Atomic on Redis and in memory, so that concurrent requests cannot slip past a limit. On Redis it costs one round
    trip (create the key if absent with its expiry, then increment, pipelined), not the two of cache.add() and
    cache.incr(): every form, its confirmation link and every message queued count once or twice.
    """
    client = getattr(cache, "client", None)
    if hasattr(client, "get_client"):
        full_key = cache.make_and_validate_key(key)
        pipeline = client.get_client(write=True).pipeline(transaction=False)
        pipeline.set(full_key, 0, ex=window, nx=True)
        pipeline.incr(full_key)
        return int(pipeline.execute()[1])
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add and incr: this event opens the next one.
        cache.add(key, 1, timeout=window)
        return 1


def rate_limit_hit(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count one request of this client in scope; return whether it is over limit in the current window."""
    now = int(time.time())
    return window_count(f"openmun:ratelimit:{scope}:{client_key(request)}:{now - now % window}", window) > limit


def too_many_requests(request: HttpRequest, *, retry_after: int | None = None) -> HttpResponse:
    """Return the translated 429 page, telling the client when it may try again."""
    minutes = -(-(retry_after or 60) // 60)
    response = error_response(request, "errors/429.html", status=429, context={"retry_after_minutes": minutes})
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def rate_limit(scope: str) -> Callable:
    """Limit the POST requests each client sends to a view, as set by OPENMUN_RATE_LIMIT (count, seconds)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                limit, window = settings.OPENMUN_RATE_LIMIT
                if rate_limit_hit(request, scope, limit=limit, window=window):
                    logger.warning("Rate limit reached for %s", scope)
                    return too_many_requests(request, retry_after=window - int(time.time()) % window)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def text_fingerprint(*parts: str) -> str:
    """Return a hash of the text normalised for comparison, so that near-identical copies compare equal."""
    return hashlib.sha256("\x1f".join(fold_for_comparison(part) for part in parts).encode()).hexdigest()


def submission_claim(scope: str, fingerprint: str, *, timeout: int = 24 * 3600) -> bool:
    """Claim a fingerprint in scope for timeout seconds; return False when it is already claimed."""
    return cache.add(f"openmun:submission:{scope}:{fingerprint}", 1, timeout=timeout)


class HoneypotMixin:
    """Add a field that people never see (the stylesheet hides it) and that form-filling robots fill."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def honeypot(self) -> forms.BoundField:
        return self[HONEYPOT_FIELD]

    def is_robot(self) -> bool:
        """Return whether the hidden field was filled in: the sender is a robot."""
        return bool(self.data.get(self.add_prefix(HONEYPOT_FIELD)))
