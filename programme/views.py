from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openmun.links import crumb
from openmun.pdf import pdf_response
from programme import history, pdf, sections, selectors
from transparency import share


@require_safe
def home(request):
    context = selectors.home_data()
    # What a citizen can do today, from the apps that register a home section (one day for all): open ones first.
    participation = sections.home_sections_render(request, context["programme"], timezone.localdate())
    context["participation"] = sorted(participation, key=lambda section: not section.is_open)
    context["participation_open"] = any(section.is_open for section in participation)
    return render(request, "programme/home.html", context)


@require_safe
def axis_detail(request, slug: str):
    context = selectors.axis_detail_data(slug)
    context["breadcrumbs"] = [crumb(context["axis"].title)]
    return render(request, "programme/axis_detail.html", context)


@require_safe
def project_list(request):
    context = selectors.project_list_data()
    context["breadcrumbs"] = [crumb(_("Projects"))]
    return render(request, "programme/project_list.html", context)


def project_page(request, slug: str, *, section_overrides: dict[str, dict] | None = None):
    """Render a project's page with the sections other apps add to it.

    An app's view that shows the page again (a comment form with its errors) passes what its section shows in
    section_overrides, under the section's name.
    """
    context = selectors.project_detail_data(slug)
    project = context["project"]
    context["sections"] = sections.sections_render(request, project, overrides=section_overrides)
    context["breadcrumbs"] = [
        crumb(_("Projects"), reverse("programme:project-list")),
        crumb(project.title),
    ]
    return render(request, "programme/project_detail.html", context)


@require_safe
def project_detail(request, slug: str):
    return project_page(request, slug)


@require_safe
def calendar(request):
    context = selectors.calendar_data()
    context["breadcrumbs"] = [crumb(_("Calendar"))]
    return render(request, "programme/calendar.html", context)


@require_safe
def committee(request):
    context = selectors.committee_data()
    context["breadcrumbs"] = [crumb(_("Committee"))]
    return render(request, "programme/committee.html", context)


@require_safe
def method(request):
    context = selectors.method_data()
    context["breadcrumbs"] = [crumb(_("Method and principles"))]
    return render(request, "programme/method.html", context)


@require_safe
def programme_pdf(request):
    return pdf_response(request, pdf.programme_pdf_get(language=get_language()))


@require_safe
def project_pdf(request, slug: str):
    return pdf_response(request, pdf.project_pdf_get(slug=slug, language=get_language()))


@require_safe
def project_share(request, slug: str):
    project = selectors.project_get(slug)
    content, etag = share.image_get(
        key=f"project-{project.pk}",
        title=project.title,
        eyebrow=selectors.commune_name(),
        footer=project.programme.title,
        language=get_language(),
    )
    return share.image_response(request, content, etag)


@require_safe
def project_history(request, slug: str):
    context = history.project_history_data(slug, page=request.GET.get("page", 1))
    project = context["project"]
    context["breadcrumbs"] = [
        crumb(_("Projects"), reverse("programme:project-list")),
        crumb(project.title, project.get_absolute_url()),
        crumb(_("History")),
    ]
    return render(request, "programme/project_history.html", context)
