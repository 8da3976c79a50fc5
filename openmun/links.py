"""Links between pages: breadcrumbs, the same page in each of the portal's languages, absolute addresses."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def crumb(label: str, url: str = "") -> dict:
    """Return one step of a page's breadcrumbs; the page itself has no url."""
    return {"label": label, "url": url}


def translated_urls(obj) -> dict[str, str]:
    """Return obj's address in each of the portal's languages, as {"ar": …, "fr": …}."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = obj.get_absolute_url()
    return urls


def site_url(request: HttpRequest) -> str:
    """Return the portal's address, scheme and host without a trailing slash, for absolute links.

    OPENMUN_SITE_URL when it is set, so that links and permanent ids never follow the Host header a client sent;
    otherwise the scheme and host the visitor used.
    """
    return settings.OPENMUN_SITE_URL or request.build_absolute_uri("/").rstrip("/")


def site_host(request: HttpRequest) -> str:
    """Return the portal's host name without its port: permanent ids (tag: URIs, UIDs) are minted under it."""
    return urlsplit(settings.OPENMUN_SITE_URL or f"//{request.get_host()}").hostname or ""


def absolute_url(path: str, *, site_url: str = "") -> str:
    """Return path under the portal's address: OPENMUN_SITE_URL when set, else site_url (the address staff used).

    For e-mailed links, written in a service, where there is no request: the view or admin passes site_url.
    """
    return (settings.OPENMUN_SITE_URL or site_url) + path
