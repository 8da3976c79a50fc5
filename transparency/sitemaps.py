"""sitemap.xml from the pages every app registers, each page in both languages with its alternates.

The sitemap lists the public pages that hold content. Left out on purpose: forms and the pages shown after one
(each form is linked from the page it belongs to, and has no content of its own), links that act for a person
(confirmation links, a voter's ballot), staff pages, search results (endless, and noindex), and files (PDFs,
feeds, calendars, images, CSV, the API): the PDFs print what the pages show, the feeds and the open data are
listed on the open data page. tests/transparency/test_sitemap.py walks every URL pattern and holds the list.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from transparency.registry import SitemapSource, registry

# The transparency app's own pages.
OWN_PAGES = SitemapSource(
    slug="transparency-pages",
    items=lambda: ["transparency:open-data", "transparency:api-docs"],
    priority=0.5,
)


class SourceSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def __init__(self, source: SitemapSource, *, base_url: str = ""):
        self.source = source
        self.priority = source.priority
        # The portal's configured address (openmun.links.site_url), never the Host header of the request.
        address = urlsplit(base_url)
        self.protocol = address.scheme or None
        self.domain = address.netloc

    def items(self):
        return list(self.source.items())

    def location(self, item) -> str:
        if isinstance(item, str):
            return reverse(item)
        if isinstance(item, tuple):
            name, kwargs = item
            return reverse(name, kwargs=kwargs)
        return item.get_absolute_url()

    def lastmod(self, item):
        return self.source.lastmod(item) if self.source.lastmod else None

    def get_domain(self, site=None) -> str:
        return self.domain or super().get_domain(site)


def sitemaps(*, base_url: str = "") -> dict[str, Sitemap]:
    sources = {OWN_PAGES.slug: OWN_PAGES, **registry.sitemaps}
    return {slug: SourceSitemap(source, base_url=base_url) for slug, source in sorted(sources.items())}
