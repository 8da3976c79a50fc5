"""The head of every page: Open Graph and Twitter card tags, the Atom feeds it advertises, its language versions.

Every address in the head is absolute under the portal's configured address (openmun.links.site_url).
"""

from __future__ import annotations

import html
import re

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import reverse
from django.utils.html import format_html_join, strip_tags
from django.utils.translation import get_language

from openmun.links import site_url
from transparency.feeds import ALL
from transparency.registry import registry

register = template.Library()

OG_LOCALES = {"ar": "ar_MA", "fr": "fr_MA"}
DESCRIPTION = re.compile(r'<meta\s+name="description"\s+content="([^"]*)"', re.IGNORECASE)


def block_render(context, name: str) -> str:
    """Return what the page's block renders (the most derived template's version), "" when there is none."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    node = block_context.get_block(name) if block_context is not None else None
    return node.render(context) if node is not None else ""


def plain(rendered: str) -> str:
    return " ".join(html.unescape(strip_tags(rendered)).split())


@register.inclusion_tag("transparency/_head.html", takes_context=True)
def transparency_head(context, image: str = ""):
    """Describe the page for link previews (from its title and meta blocks) and advertise the feeds.

    image is the path of the page's share image; the portal's own image by default.
    """
    request = context.get("request")
    language = get_language() or "ar"
    feeds = [
        {"title": str(feed.title), "url": reverse("transparency:feed", kwargs={"slug": feed.slug})}
        for feed in registry.feed_list()
    ]
    data = {"feeds": feeds, "all_feed": reverse("transparency:feed", kwargs={"slug": ALL})}
    if request is None:
        return data
    match = DESCRIPTION.search(block_render(context, "meta"))
    commune = context.get("commune")
    site_name = str(commune.name) if commune else ""
    title = plain(block_render(context, "title")) or site_name
    data.update(
        {
            "og": True,
            "site_name": site_name,
            "title": title,
            "description": html.unescape(match.group(1)) if match else "",
            "url": site_url(request) + request.path,
            "image": site_url(request) + (image or reverse("transparency:site-share")),
            "locale": OG_LOCALES.get(language, language),
            "alternate_locales": [value for code, value in OG_LOCALES.items() if code != language],
        }
    )
    return data


@register.simple_tag(takes_context=True)
def hreflang_links(context) -> str:
    """Link the page in each language, absolute, and the default language's version as x-default."""
    request = context.get("request")
    alternates = context.get("alternates") or []
    if request is None or not alternates:
        return ""
    root = site_url(request)
    links = [(alternate["code"], root + alternate["url"]) for alternate in alternates]
    default = next((url for code, url in links if code == settings.LANGUAGE_CODE), None)
    if default is not None:
        links.append(("x-default", default))
    return format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links)
