"""PDFs rendered by WeasyPrint once per version of what they show, and served with an ETag.

WeasyPrint shapes Arabic and lays out right-to-left text itself: it gets the template's text as it is, never
text processed by arabic-reshaper or python-bidi. It reads the portal's static files from disk and, from the
uploaded media, only the files the caller names (the commune's logo), through the default storage; nothing
else. A render takes seconds and memory that is not given back, so the bytes are cached under a key that
names the version of the data, and a lock makes concurrent downloads of a stale PDF wait for one render
instead of starting their own. Each app names its documents and their keys (programme/pdf.py, …).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import posixpath
import re
import time
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from openmun.formatting import french_typography, french_typography_html

logger = logging.getLogger(__name__)

# Relative URLs in the PDF templates and print.css resolve against this origin; the fetcher maps it
# to the static files on disk. The .invalid domain can never be fetched over the network.
BASE_URL = "https://static.openmun.invalid/"
# The uploaded files a document may show (media_url), read through the default storage (disk or S3).
MEDIA_BASE_URL = "https://media.openmun.invalid/"
CACHE_TIMEOUT = 7 * 24 * 3600
# The lock outlives the slowest render (seconds for the whole programme). A waiter renders on its own
# after WAIT_TIMEOUT, in case the process holding the lock died: under gunicorn's default 30 s worker
# timeout, so that a waiting request is answered rather than killed.
LOCK_TIMEOUT = 90
WAIT_TIMEOUT = 25
POLL_INTERVAL = 0.2


def media_url(name: str) -> str:
    """Return the URL under which a document shows an uploaded file (name as the storage gives it)."""
    return MEDIA_BASE_URL + quote(name)


def static_files_fetcher(media: Collection[str] = ()):
    """Return a WeasyPrint URL fetcher that serves the portal's static files and the uploaded files named in media,
    and refuses every other URL."""
    # WeasyPrint is imported when a PDF is made: it takes half a second and logs while it loads.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = frozenset(name for name in media if name)

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            if url.startswith(MEDIA_BASE_URL):
                return self.media_fetch(url)
            if not url.startswith(BASE_URL):
                raise PermissionError(f"The PDF may only use the portal's static files, not {url}")
            relative = unquote(urlsplit(url).path).lstrip("/")
            if not relative or posixpath.normpath(relative) != relative or relative.startswith(".."):
                raise PermissionError(f"Refused static path {relative!r}")
            path = finders.find(relative)
            if path is None:
                raise FileNotFoundError(f"No static file {relative!r}")
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=Path(path).read_bytes(), headers={"Content-Type": content_type})

        def media_fetch(self, url: str) -> URLFetcherResponse:
            # Only the exact names the document was given: not another upload (a petition's documents), not a
            # path that leads out of the storage.
            parts = urlsplit(url)
            name = unquote(parts.path).lstrip("/")
            if parts.query or parts.fragment or name not in allowed:
                raise PermissionError(f"Refused media file {name!r}")
            with default_storage.open(name, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    # A refused or missing resource stops the render instead of printing with a fallback font.
    return StaticFilesFetcher(fail_on_errors=True)


@dataclass(frozen=True)
class PdfFile:
    content: bytes
    etag: str
    filename: str


def css_string(text: str) -> str:
    """Return text as a quoted CSS string, safe inside a <style> element."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 0x20 else char for char in str(text))
    return f'"{escaped}"'


def page_css(*, language: str, header_start: str, header_end: str, footer_start: str) -> str:
    """Return the @page margin boxes of the language: header and footer texts, "page X of Y"."""
    with translation.override(language):
        # Translators: the page counter in the PDF footer; keep %(page)s and %(pages)s.
        label = _("Page %(page)s of %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    counter = " ".join(
        f"counter({part})" if part in ("page", "pages") else css_string(part) for part in label.split("\0") if part
    )
    start, end = ("right", "left") if translation.get_language_info(language)["bidi"] else ("left", "right")
    if language == "fr":
        header_start, header_end, footer_start = map(french_typography, (header_start, header_end, footer_start))
    boxes = {
        f"top-{start}": css_string(header_start),
        f"top-{end}": css_string(header_end),
        f"bottom-{start}": css_string(footer_start),
        f"bottom-{end}": counter,
    }
    rules = " ".join(f"@{box} {{ content: {content}; }}" for box, content in boxes.items())
    return f"@page {{ {rules} }}"


# A French document, as its root element declares it (the pages' typography: openmun.middleware).
FRENCH_DOCUMENT = re.compile(r"<html\b[^>]*\blang=[\"']?fr\b", re.IGNORECASE)


def html_to_pdf(html: str, *, title: str, media: Collection[str] = ()) -> bytes:
    """Return the PDF of an HTML document whose resources are static files and the uploaded files in media."""
    from weasyprint import HTML

    started = time.monotonic()
    if FRENCH_DOCUMENT.search(html):
        html = french_typography_html(html)
    fetcher = static_files_fetcher(media)
    # Tagged for screen readers: the text keeps its logical order and its structure.
    content = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(pdf_tags=True)
    logger.info("Rendered %s in %.1f s (%d bytes).", title, time.monotonic() - started, len(content))
    return content


def cached_render(key: str, render: Callable[[], bytes]) -> bytes:
    """Return the bytes cached under key; render them once however many requests ask at the same time."""
    content = cache.get(key)
    if content is not None:
        return content
    lock_key = f"{key}:lock"
    token = uuid.uuid4().hex
    deadline = time.monotonic() + WAIT_TIMEOUT
    while not cache.add(lock_key, token, timeout=LOCK_TIMEOUT):
        # Another request is rendering: wait for its result; try the lock again if it gave up.
        if time.monotonic() >= deadline:
            logger.warning("Waited %s s for %s; rendering it here.", WAIT_TIMEOUT, key)
            content = render()
            cache.set(key, content, timeout=CACHE_TIMEOUT)
            return content
        time.sleep(POLL_INTERVAL)
        content = cache.get(key)
        if content is not None:
            return content
    try:
        # The holder may have finished between our first look and our taking the lock.
        content = cache.get(key)
        if content is None:
            content = render()
            cache.set(key, content, timeout=CACHE_TIMEOUT)
    finally:
        if cache.get(lock_key) == token:
            cache.delete(lock_key)
    return content


def etag_from(key: str) -> str:
    return f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def pdf_get(*, key: str, render: Callable[[], bytes], filename: str) -> PdfFile:
    """Return the PDF cached under key, rendering it once if it is not there (key names its data's version)."""
    return PdfFile(content=cached_render(key, render), etag=etag_from(key), filename=filename)


def pdf_response(request: HttpRequest, pdf_file: PdfFile) -> HttpResponse:
    """Return the PDF shown in the browser, or 304 Not Modified when the client's copy is current."""
    response = HttpResponse(pdf_file.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, pdf_file.filename)
    response["ETag"] = pdf_file.etag
    # A changed programme must show at once: browsers revalidate each time and get 304 if nothing changed.
    patch_cache_control(response, public=True, no_cache=True)
    return get_conditional_response(request, etag=pdf_file.etag, response=response)
