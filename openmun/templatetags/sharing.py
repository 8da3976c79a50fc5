"""Links that share a page on WhatsApp, on Facebook or by e-mail: plain links, no third-party script.

Citizens share the portal's pages in messaging apps. Each link carries the page's absolute address under the
portal's configured one (openmun.links.site_url), so that a shared link never follows the Host header a client sent.
templates/includes/share.html renders them: {% include "includes/share.html" with share_title=… %}.
"""

from urllib.parse import quote, urlencode

from django import template

from openmun.links import site_url

register = template.Library()


def query(**params: str) -> str:
    # %20 for spaces, never +: mail programs read a mailto: body literally.
    return urlencode(params, quote_via=quote)


@register.simple_tag(takes_context=True)
def share_targets(context, title, path: str = "") -> dict[str, str]:
    """Return the links that share the page at path (the current page by default) with its title."""
    request = context["request"]
    url = site_url(request) + (path or request.path)
    title = str(title)
    return {
        "url": url,
        "whatsapp": "https://wa.me/?" + query(text=f"{title}\n{url}"),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + query(u=url),
        "email": "mailto:?" + query(subject=title, body=url),
    }
