"""Search, the open data pages, feeds, the calendar, sitemap.xml and the portal's share image (the API: api.py)."""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from openmun.ical import calendar_document
from openmun.links import crumb, site_host, site_url
from transparency import opendata, selectors, share, sitemaps
from transparency.feeds import TopicFeed
from transparency.registry import registry

# Search


@require_safe
def search(request):
    context = selectors.search_data(
        query=request.GET.get("q", ""),
        language=translation.get_language(),
        kind=request.GET.get("kind", ""),
        page=request.GET.get("page", 1),
    )
    # The query keeps its own direction inside the sentence that reports on it ("2024 budget" in Arabic).
    context["query_isolated"] = format_html("<bdi>{}</bdi>", context["query"])
    context["breadcrumbs"] = [crumb(pgettext("page title", "Search"))]
    response = render(request, "transparency/search.html", context)
    # Result pages are endless: kept out of search engines (robots.txt says so too).
    response["X-Robots-Tag"] = "noindex"
    return response


# Open data: the catalogue and the documentation (HTML, in each language)


@require_safe
def open_data(request):
    context = {
        "datasets": opendata.catalogue_data(),
        "licence": opendata.LICENCE,
        "licence_summary": opendata.LICENCE_SUMMARY,
        "feeds": registry.feed_list(),
        "calendars": [{"title": c.title, "url": reverse(c.url_name)} for c in registry.calendar_list() if c.url_name],
        "breadcrumbs": [crumb(_("Open data"))],
    }
    return render(request, "transparency/open_data.html", context)


@require_safe
def api_docs(request):
    datasets = [{"dataset": dataset, "columns": opendata.csv_columns(dataset)} for dataset in registry.dataset_list()]
    context = {
        "datasets": datasets,
        "licence": opendata.LICENCE,
        "page_size": opendata.PAGE_SIZE,
        "base_url": site_url(request),
        "breadcrumbs": [crumb(_("Open data"), reverse("transparency:open-data")), crumb(_("API"))],
    }
    return render(request, "transparency/api_docs.html", context)


# Feeds, calendar, sitemap


feed = require_safe(TopicFeed())


@require_safe
def calendar_ics(request):
    events = [event for source in registry.calendar_list() for event in source.events()]
    events.sort(key=lambda event: (event.start, event.uid))
    publisher = registry.site_name()
    name = _("Calendar of the open commune")
    document = calendar_document(
        events,
        name=f"{publisher} – {name}" if publisher else name,
        description=_(
            "Council sessions, consultation meetings and rounds, participatory budget phases and the "
            "programme's milestones."
        ),
        host=site_host(request),
        base_url=site_url(request),
        language=translation.get_language(),
    )
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="openmun.ics"'
    return response


@require_safe
def sitemap(request):
    return sitemap_view(request, sitemaps=sitemaps.sitemaps(base_url=site_url(request)))


# Share images


@require_safe
def site_share(request):
    content, etag = share.image_get(
        key="site",
        title=registry.site_title(),
        eyebrow=registry.site_name(),
        footer=_("Open commune portal"),
        language=translation.get_language(),
    )
    return share.image_response(request, content, etag)
