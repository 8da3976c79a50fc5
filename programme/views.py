from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from programme import pdf, selectors


def crumb(label: str, url: str = "") -> dict:
    return {"label": label, "url": url}


@require_GET
def home(request):
    return render(request, "programme/home.html", selectors.home_data())


@require_GET
def axis_detail(request, slug: str):
    context = selectors.axis_detail_data(slug)
    context["breadcrumbs"] = [crumb(context["axis"].title)]
    return render(request, "programme/axis_detail.html", context)


@require_GET
def project_list(request):
    context = selectors.project_list_data()
    context["breadcrumbs"] = [crumb(_("Projects"))]
    return render(request, "programme/project_list.html", context)


@require_GET
def project_detail(request, slug: str):
    context = selectors.project_detail_data(slug)
    project = context["project"]
    context["breadcrumbs"] = [
        crumb(_("Projects"), reverse("programme:project-list")),
        crumb(project.title),
    ]
    return render(request, "programme/project_detail.html", context)


@require_GET
def calendar(request):
    context = selectors.calendar_data()
    context["breadcrumbs"] = [crumb(_("Calendar"))]
    return render(request, "programme/calendar.html", context)


@require_GET
def committee(request):
    context = selectors.committee_data()
    context["breadcrumbs"] = [crumb(_("Committee"))]
    return render(request, "programme/committee.html", context)


@require_GET
def method(request):
    context = selectors.method_data()
    context["breadcrumbs"] = [crumb(_("Method and principles"))]
    return render(request, "programme/method.html", context)


@require_GET
def programme_pdf(request):
    return pdf.pdf_response(request, pdf.programme_pdf_get(language=get_language()))


@require_GET
def project_pdf(request, slug: str):
    return pdf.pdf_response(request, pdf.project_pdf_get(slug=slug, language=get_language()))
