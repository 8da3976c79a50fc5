"""Search, open data and its API, feeds, the calendar, sitemap.xml and the portal's share image."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import EmptyPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
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
    context["breadcrumbs"] = [crumb(_("Search"))]
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


# The API (JSON and CSV, no language prefix: every text is given in each language)


def api_response(data, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    # Open data: any site may read it from a browser (no cookie is ever needed or sent).
    response["Access-Control-Allow-Origin"] = "*"
    return response


def dataset_get(slug: str):
    try:
        return registry.datasets[slug]
    except KeyError:
        raise Http404("No such dataset.") from None


def dataset_links(request, dataset) -> dict:
    root = site_url(request)
    return {
        "json": root + reverse("api:dataset", kwargs={"dataset": dataset.slug}),
        "csv": root + reverse("api:dataset-csv", kwargs={"dataset": dataset.slug}),
        "schema": root + reverse("api:dataset-schema", kwargs={"dataset": dataset.slug}),
    }


@require_safe
def api_index(request):
    root = site_url(request)
    return api_response(
        {
            "version": opendata.API_VERSION,
            "licence": opendata.LICENCE,
            "documentation": {
                code: root + _reverse_in("transparency:api-docs", code) for code, _n in settings.LANGUAGES
            },
            "zip": root + reverse("api:zip"),
            "datasets": [
                {
                    "slug": item["dataset"].slug,
                    "title": _titles(item["dataset"]),
                    "updated": opendata.json_value(item["updated"]),
                    **dataset_links(request, item["dataset"]),
                }
                for item in opendata.catalogue_data()
            ],
        }
    )


def _reverse_in(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


def _titles(dataset) -> dict[str, str]:
    titles = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles[code] = str(dataset.title)
    return titles


@require_safe
def api_dataset(request, dataset: str):
    dataset = dataset_get(dataset)
    paginator = Paginator(dataset.queryset(), opendata.PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, ValueError, TypeError):
        raise Http404("No such page.") from None
    url = site_url(request) + request.path
    return api_response(
        {
            "dataset": dataset.slug,
            "licence": opendata.LICENCE,
            "updated": opendata.json_value(dataset.updated()),
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": f"{url}?{urlencode({'page': page.next_page_number()})}" if page.has_next() else None,
            "previous": f"{url}?{urlencode({'page': page.previous_page_number()})}" if page.has_previous() else None,
            "results": opendata.dataset_rows(dataset, page.object_list),
        }
    )


@require_safe
def api_item(request, dataset: str, key: str):
    dataset = dataset_get(dataset)
    rows = opendata.dataset_rows(dataset, opendata.dataset_item_queryset(dataset, key))
    if not rows:
        raise Http404("No such item.")
    return api_response(rows[0])


@require_safe
def api_schema(request, dataset: str):
    dataset = dataset_get(dataset)
    response = api_response(opendata.dataset_schema(dataset, base_url=site_url(request)))
    response["Content-Type"] = "application/schema+json"
    return response


@require_safe
def api_csv(request, dataset: str):
    dataset = dataset_get(dataset)
    response = HttpResponse(opendata.dataset_csv(dataset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def api_zip(request):
    content, etag = opendata.zip_get(base_url=site_url(request))
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{opendata.ZIP_NAME}"'
    response["ETag"] = etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, no_cache=True)
    return response


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
    return sitemap_view(request, sitemaps=sitemaps.sitemaps())


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
