"""The read-only open data API as its clients see it: JSON, conditional requests, cross-origin reads, strict input.

Every answer of /api/v1/, errors included, is JSON and readable from any site (CORS):
- an error is {"error": {"status": 400, "code": "page_invalid", "message": "…"}}, the message in the language the
  client asks for (Accept-Language, Arabic by default); a 400 for an unknown parameter also lists the known ones;
- OPTIONS answers a CORS preflight (GET, HEAD and the conditional headers allowed, kept for a day), and any other
  method than GET, HEAD or OPTIONS gets a 405 with Allow;
- data carries an ETag and a Last-Modified taken from the portal's content version (openmun/cache.py), which moves
  with every change to published data, and from the day (some fields, such as a project being late, change at
  midnight): a client that has the current copy gets 304 Not Modified before any query is made.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.exception import response_for_exception
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt

from openmun.cache import CONTENT, version_get
from openmun.links import site_url
from transparency import opendata
from transparency.registry import Dataset, registry

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
# What a page from another site may send and read: the conditional headers, and the ETag of the answer.
CORS_ALLOW_HEADERS = ("Accept", "Accept-Language", "Cache-Control", "If-Modified-Since", "If-None-Match")
CORS_EXPOSE_HEADERS = ("Content-Disposition", "ETag")
CORS_MAX_AGE = 24 * 3600
# Open data holds nothing personal: any cache may keep it, for a minute, then revalidate it (ETag, 304).
CACHE_SECONDS = 60
# When the portal first saw a content version: the Last-Modified of what it publishes under it.
VERSION_SEEN_SECONDS = 30 * 24 * 3600
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
# How many unknown parameters an error names, and how much of each name.
MAX_NAMES = 10
MAX_NAME_LENGTH = 50


class ApiError(Exception):
    """An answer the client must get as a JSON error: status, a stable code, a translated message, extra fields."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra
        self.headers = headers or {}


def api_json(data, *, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 1}
    )


def error_response(error: ApiError) -> JsonResponse:
    response = api_json(
        {"error": {"status": error.status, "code": error.code, "message": error.message, **error.extra}},
        status=error.status,
    )
    patch_cache_control(response, no_store=True)
    for header, value in error.headers.items():
        response[header] = value
    return response


def cors_allow(response: HttpResponse) -> HttpResponse:
    """Let any site read the answer from a browser: open data, and no cookie is ever needed."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = ", ".join(CORS_EXPOSE_HEADERS)
    return response


def preflight() -> HttpResponse:
    """Answer OPTIONS, a CORS preflight included: what a page from another site may do here."""
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED_METHODS)
    response["Access-Control-Allow-Headers"] = ", ".join(CORS_ALLOW_HEADERS)
    response["Access-Control-Max-Age"] = str(CORS_MAX_AGE)
    return response


def unexpected_error(request: HttpRequest, exception: Exception) -> ApiError:
    """Let Django log and report an unexpected exception as for any page, and give its status as a JSON error."""
    # The same path as any other view (log, got_request_exception, handler500 telling an outage from a bug).
    response = response_for_exception(request, exception)
    if response.status_code == 503:
        retry = {"Retry-After": response["Retry-After"]} if response.has_header("Retry-After") else {}
        return ApiError(503, "unavailable", _("Service temporarily unavailable"), headers=retry)
    if response.status_code >= 500:
        return ApiError(response.status_code, "server_error", _("Server error"))
    return ApiError(response.status_code, "bad_request", _("The request is not valid."))


def api_view(*, params: tuple[str, ...] | None = ()) -> Callable:
    """Make a view an API endpoint: JSON errors, CORS, OPTIONS, GET and HEAD only, the query parameters it knows.

    params lists the query parameters the view reads; any other is refused with a 400 that lists them (None: the
    view takes any, as the catch-all of unknown addresses does).
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "OPTIONS":
                return cors_allow(preflight())
            try:
                if request.method not in ALLOWED_METHODS:
                    raise ApiError(
                        405,
                        "method_not_allowed",
                        _("This API is read-only: use GET, HEAD or OPTIONS."),
                        headers={"Allow": ", ".join(ALLOWED_METHODS)},
                    )
                if params is not None:
                    parameters_check(request, params)
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = error_response(error)
            except Http404:
                response = error_response(not_found_error())
            except Exception as exception:
                response = error_response(unexpected_error(request, exception))
            return cors_allow(response)

        # Read-only: a cross-site POST has nothing to forge, and must get the API's 405, not the CSRF page.
        return csrf_exempt(wrapper)

    return decorator


def parameters_check(request: HttpRequest, known: tuple[str, ...]) -> None:
    """Refuse a query parameter the endpoint does not know, so that a client's typo is never silently ignored."""
    unknown = sorted(name for name in request.GET if name not in known)
    if not unknown:
        return
    # Named back to the client, so kept short: a scanner's parameters can be anything.
    unknown = [name[:MAX_NAME_LENGTH] for name in unknown[:MAX_NAMES]]
    values = {"names": ", ".join(unknown), "known": ", ".join(known)}
    if known:
        message = ngettext(
            "Unknown query parameter: %(names)s. Known parameters: %(known)s.",
            "Unknown query parameters: %(names)s. Known parameters: %(known)s.",
            len(unknown),
        )
    else:
        message = ngettext(
            "Unknown query parameter: %(names)s. This address takes none.",
            "Unknown query parameters: %(names)s. This address takes none.",
            len(unknown),
        )
    message %= values
    raise ApiError(400, "unknown_parameter", message, parameters=unknown, known_parameters=list(known))


def page_number(request: HttpRequest) -> int:
    """Return the page asked for (1 by default), or raise a 400 when it is not a whole number from 1 up."""
    values = request.GET.getlist("page")
    if not values:
        return 1
    if len(values) == 1 and PAGE_NUMBER.fullmatch(values[0]) and int(values[0]) >= 1:
        return int(values[0])
    raise page_error()


def page_error(pages: int | None = None) -> ApiError:
    if pages is None:
        message = _("The parameter “page” must be a whole number from 1 up, given once.")
    else:
        message = _("The parameter “page” must be a whole number from 1 to %(pages)s.") % {"pages": pages}
    return ApiError(400, "page_invalid", message)


# Conditional requests


def version_seen_at(version: str) -> datetime.datetime:
    """Return when this content version was first seen: no later change can be older (the version moves)."""
    now = timezone.now().replace(microsecond=0)
    key = f"openmun:transparency:version-seen:{version}"
    cache.add(key, now.timestamp(), timeout=VERSION_SEEN_SECONDS)
    return datetime.datetime.fromtimestamp(cache.get(key, now.timestamp()), tz=datetime.UTC)


def validators(request: HttpRequest) -> tuple[str, datetime.datetime]:
    """Return the ETag and the last modification of what the request gets, without reading the data."""
    version = version_get(CONTENT)
    today = timezone.localdate()
    # Everything the answer depends on: the data, the day, the address it is built for, the language of the
    # schemas' titles, and the API's own version.
    key = "\n".join(
        [
            opendata.API_VERSION,
            version,
            today.isoformat(),
            translation.get_language() or "",
            site_url(request),
            request.get_full_path(),
        ]
    )
    etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    return etag, max(version_seen_at(version), midnight)


def conditional(request: HttpRequest, build: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer 304 when the client has the current copy (no query made), or build the answer; with its validators."""
    etag, modified = validators(request)
    response = get_conditional_response(request, etag=etag, last_modified=int(modified.timestamp()))
    if response is None:
        response = build()
    elif response.status_code == 412:
        raise ApiError(412, "precondition_failed", _("The condition of the request is not met."))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified.timestamp())
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


# The catch-all of /api/v1/


@api_view(params=None)
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    # CommonMiddleware's APPEND_SLASH does not see past a catch-all: the redirect it would make is made here.
    if not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            # The path escaped as CommonMiddleware escapes it: a line break in it never reaches a header.
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    raise not_found_error()


def not_found_error() -> ApiError:
    return ApiError(404, "not_found", _("Nothing is published at this address. The list of datasets: /api/v1/"))


# The endpoints


def dataset_get(slug: str) -> Dataset:
    try:
        return registry.datasets[slug]
    except KeyError:
        raise ApiError(404, "dataset_not_found", _("No such dataset. The list of datasets: /api/v1/")) from None


def dataset_links(root: str, dataset: Dataset) -> dict:
    return {
        "json": root + reverse("api:dataset", kwargs={"dataset": dataset.slug}),
        "csv": root + reverse("api:dataset-csv", kwargs={"dataset": dataset.slug}),
        "schema": root + reverse("api:dataset-schema", kwargs={"dataset": dataset.slug}),
    }


def in_each_language(function: Callable[[], str]) -> dict[str, str]:
    """Return what function gives in each of the portal's languages, as {"ar": …, "fr": …}."""
    values = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            values[code] = function()
    return values


@api_view()
def index(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        root = site_url(request)
        return api_json(
            {
                "version": opendata.API_VERSION,
                "licence": opendata.LICENCE,
                "documentation": in_each_language(lambda: root + reverse("transparency:api-docs")),
                "zip": root + reverse("api:zip"),
                "datasets": [
                    {
                        "slug": item["dataset"].slug,
                        "title": in_each_language(lambda dataset=item["dataset"]: str(dataset.title)),
                        "updated": opendata.json_value(item["updated"]),
                        **dataset_links(root, item["dataset"]),
                    }
                    for item in opendata.catalogue_data()
                ],
            }
        )

    return conditional(request, build)


@api_view(params=("page",))
def dataset_page(request: HttpRequest, dataset: str) -> HttpResponse:
    dataset = dataset_get(dataset)
    number = page_number(request)

    def build() -> HttpResponse:
        paginator = Paginator(dataset.queryset(), opendata.PAGE_SIZE)
        if number > paginator.num_pages:
            raise page_error(paginator.num_pages)
        page = paginator.page(number)
        root = site_url(request)
        url = root + request.path
        return api_json(
            {
                "dataset": dataset.slug,
                "licence": opendata.LICENCE,
                "updated": opendata.json_value(dataset.updated()),
                "count": paginator.count,
                "page": page.number,
                "pages": paginator.num_pages,
                "next": f"{url}?{urlencode({'page': page.next_page_number()})}" if page.has_next() else None,
                "previous": f"{url}?{urlencode({'page': page.previous_page_number()})}"
                if page.has_previous()
                else None,
                "results": opendata.dataset_rows(dataset, page.object_list, base_url=root),
            }
        )

    return conditional(request, build)


@api_view()
def item(request: HttpRequest, dataset: str, key: str) -> HttpResponse:
    dataset = dataset_get(dataset)
    queryset = opendata.dataset_item_queryset(dataset, key)
    missing = ApiError(404, "item_not_found", _("No item of this dataset has this identifier."))
    if queryset is None:
        raise missing

    def build() -> HttpResponse:
        rows = opendata.dataset_rows(dataset, queryset, base_url=site_url(request))
        if not rows:
            raise missing
        return api_json(rows[0])

    return conditional(request, build)


@api_view()
def schema(request: HttpRequest, dataset: str) -> HttpResponse:
    dataset = dataset_get(dataset)

    def build() -> HttpResponse:
        response = api_json(opendata.dataset_schema(dataset, base_url=site_url(request)))
        response["Content-Type"] = "application/schema+json"
        return response

    return conditional(request, build)


@api_view()
def dataset_csv(request: HttpRequest, dataset: str) -> HttpResponse:
    dataset = dataset_get(dataset)

    def build() -> HttpResponse:
        content = opendata.dataset_csv(dataset, base_url=site_url(request))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{dataset.slug}.csv"'
        return response

    return conditional(request, build)


@api_view()
def archive(request: HttpRequest) -> HttpResponse:
    def build() -> HttpResponse:
        response = HttpResponse(opendata.zip_get(base_url=site_url(request)), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{opendata.ZIP_NAME}"'
        return response

    return conditional(request, build)
