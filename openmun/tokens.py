"""Signed, time-limited tokens for the links that the portal mails to confirm an address."""

from django.core import signing


def token_make(*, salt: str, pk: int) -> str:
    """Return a token that names the row pk, signed under salt and stamped with the time."""
    return signing.TimestampSigner(salt=salt).sign(str(pk))


def token_read(*, salt: str, token: str, max_age_hours: int) -> int:
    """Return the row id a token names; raise signing.SignatureExpired or signing.BadSignature."""
    value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age_hours * 3600)
    try:
        return int(value)
    except ValueError:
        raise signing.BadSignature("The token names no row.") from None
