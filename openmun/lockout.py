"""The staff sign-in lockout: django-axes's cache handler, plus a count per user name whatever the address.

django-axes counts failed sign-ins per client and user name (AXES_LOCKOUT_PARAMETERS) and locks that pair out
after OPENMUN_LOGIN_FAILURE_LIMIT failures: an office behind one address is not locked out by one person's typos.
A guesser who changes address at each try (a botnet, an IPv6 client moving to another /64) would never reach
that limit, so failures are also counted per user name across every address, against a higher limit
(OPENMUN_LOGIN_NAME_FAILURE_LIMIT): past it, the name is locked out from everywhere for the cool-off time.
That count is not reset by a successful sign-in (the person signing in is not the one guessing) and ends
OPENMUN_LOGIN_LOCKOUT_MINUTES after the last failure. The name is kept as a keyed hash, never as typed.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import get_cache_timeout, get_client_username, get_failure_limit
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def name_key(username: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), username.encode(), hashlib.sha256).hexdigest()[:32]
    return f"openmun:login-name:{digest}"


class LockoutHandler(AxesCacheHandler):
    """Lock a client and user name out as django-axes does, and a user name alone past its own limit."""

    def name_failures(self, request: HttpRequest, credentials: dict | None) -> int:
        username = get_client_username(request, credentials)
        return self.cache.get(name_key(username), 0) if username else 0

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if self.name_failures(request, credentials) >= settings.OPENMUN_LOGIN_NAME_FAILURE_LIMIT:
            # As many as locks a client out: is_locked compares this count to AXES_FAILURE_LIMIT.
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        locked_before = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        username = get_client_username(request, credentials) if request is not None else None
        # A sign-in refused because of a lockout is not counted again (nor is it by django-axes).
        if not username or locked_before or self.is_whitelisted(request, credentials):
            return
        key, timeout = name_key(username), get_cache_timeout(request)
        failures = 1
        if not self.cache.add(key, 1, timeout=timeout):
            try:
                failures = self.cache.incr(key)
            except ValueError:
                # The count expired between add and incr: this failure starts a new one.
                self.cache.add(key, 1, timeout=timeout)
            else:
                self.cache.touch(key, timeout=timeout)
        if failures >= settings.OPENMUN_LOGIN_NAME_FAILURE_LIMIT and not request.axes_locked_out:
            logger.warning("A user name is locked out after repeated failed sign-ins from several addresses.")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)
