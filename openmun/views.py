"""Site-wide views: robots.txt and the error pages, in the visitor's language."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET


@require_GET
def robots_txt(request):
    return HttpResponse("User-agent: *\nDisallow: /ar/admin/\nDisallow: /fr/admin/\n",
                        content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: the database or the cache may be what failed.
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
