"""sitemap.xml from the pages every app registers, each page in both languages with its alternates."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from transparency.registry import SitemapSource, registry


class SourceSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def __init__(self, source: SitemapSource):
        self.source = source
        self.priority = source.priority

    def items(self):
        return list(self.source.items())

    def location(self, item) -> str:
        return reverse(item) if isinstance(item, str) else item.get_absolute_url()

    def lastmod(self, item):
        return self.source.lastmod(item) if self.source.lastmod else None


def sitemaps() -> dict[str, Sitemap]:
    return {slug: SourceSitemap(source) for slug, source in sorted(registry.sitemaps.items())}
