"""Signed, time-limited, single-use tokens for the links that the portal mails to act for a person.

A token names a row and the row's current nonce: signed with the secret key (nobody can forge one) and
stamped with the time (it expires). The nonce makes it single-use: the service that acts on a link
compares the nonce with the row's and, in the same conditional UPDATE that acts, replaces or clears it, so
that the link then matches nothing. A new link for the same row gets a new nonce, which retires the old one.
The nonce lives in the database, so a link that was used stays used across restarts and workers.
"""

import hmac
import secrets

from django.core import signing

NONCE_BYTES = 16
# 16 random bytes in URL-safe base64: 22 characters.
NONCE_LENGTH = 32


def nonce_new() -> str:
    """Return a new random nonce, to store on a row."""
    return secrets.token_urlsafe(NONCE_BYTES)


def nonce_matches(stored: str, given: str) -> bool:
    """Return whether a nonce read from a link or a session is the row's current one; an empty nonce never is."""
    return bool(stored) and bool(given) and hmac.compare_digest(stored.encode(), given.encode())


def token_make(*, salt: str, pk: int, nonce: str) -> str:
    """Return a token that names the row pk and its nonce, signed under salt and stamped with the time."""
    return signing.TimestampSigner(salt=salt).sign(f"{pk}.{nonce}")


def token_read(*, salt: str, token: str, max_age_hours: int) -> tuple[int, str]:
    """Return the row id and the nonce a token names; raise signing.SignatureExpired or signing.BadSignature."""
    value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age_hours * 3600)
    pk, _dot, nonce = value.partition(".")
    try:
        return int(pk), nonce
    except ValueError:
        raise signing.BadSignature("The token names no row.") from None
