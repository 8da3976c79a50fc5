"""Pages of petitions and council sessions, the online support and its confirmation, and staff's exports."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from moderation.views import item_report
from openmun import spreadsheets
from openmun.actions import audit_log
from openmun.antiabuse import rate_limit
from openmun.ical import calendar_document
from openmun.links import crumb, site_host, site_url
from openmun.pdf import pdf_response
from petitions import pdf, reports, selectors, services
from petitions.forms import PetitionForm, PetitionReportForm, SupportForm
from petitions.models import CouncilSession, Petition

# Personal data stays out of error reports.
PERSONAL_FIELDS = ("name", "email", "agent_name", "contact_email", "contact_phone", "association_representative")


def result_redirect(name: str, **kwargs):
    """Redirect to the page that follows a form, opened at its content.

    The form posted to its URL with #errors, where the error summary is; a redirect without a fragment would keep
    that one.
    """
    return redirect(reverse(name, kwargs=kwargs) + "#main")


def petitions_crumb(*more: dict) -> list[dict]:
    return [crumb(_("Petitions"), reverse("petitions:petition-list") if more else ""), *more]


@require_safe
def petition_list(request):
    context = selectors.petition_list_data(state=request.GET.get("state", ""), page=request.GET.get("page"))
    context["breadcrumbs"] = petitions_crumb()
    return render(request, "petitions/petition_list.html", context)


@require_safe
def petition_guide(request):
    context = {
        "threshold": selectors.signature_threshold_get(),
        "thresholds": settings.OPENMUN_PETITION_THRESHOLDS,
        "breadcrumbs": petitions_crumb(crumb(_("How to petition the commune"))),
    }
    return render(request, "petitions/petition_guide.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters(*PERSONAL_FIELDS)
@rate_limit("petition")
def petition_create(request):
    form = PetitionForm(request.POST or None)
    if request.method == "POST":
        if form.is_robot():
            return result_redirect("petitions:petition-submitted")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.petition_submit(
                    kind=data["kind"],
                    title=data["title"],
                    request=data["request"],
                    reasons=data["reasons"],
                    domain=data["domain"],
                    contact_email=data["contact_email"],
                    contact_phone=data["contact_phone"],
                    agent_name=data["agent_name"],
                    association_name=data["association_name"],
                    association_founded_on=data["association_founded_on"],
                    association_seat=data["association_seat"],
                    association_representative=data["association_representative"],
                    site_url=site_url(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return result_redirect("petitions:petition-submitted")
    context = {
        "form": form,
        "threshold": selectors.signature_threshold_get(),
        "breadcrumbs": petitions_crumb(crumb(_("Submit a petition"))),
    }
    return render(request, "petitions/petition_form.html", context)


@require_safe
def petition_submitted(request):
    context = {"breadcrumbs": petitions_crumb(crumb(_("Petition received")))}
    return render(request, "petitions/petition_submitted.html", context)


def petition_page(
    request, context: dict, form: SupportForm | None = None, report_form: PetitionReportForm | None = None
):
    petition = context["petition"]
    if petition.is_gathering_support:
        context["form"] = form or SupportForm()
        context["retention_days"] = settings.OPENMUN_SUPPORTER_RETENTION_DAYS
    context["report_form"] = report_form or PetitionReportForm()
    context["breadcrumbs"] = petitions_crumb(crumb(petition.title))
    return render(request, "petitions/petition_detail.html", context)


@require_safe
def petition_detail(request, pk: int):
    return petition_page(request, selectors.petition_detail_data(pk))


@require_POST
@sensitive_post_parameters(*PERSONAL_FIELDS)
@rate_limit("support")
def support_create(request, pk: int):
    # The petition alone, as kept for this content version: its timeline is read only to show the form again with
    # its errors.
    petition = selectors.petition_get_public_kept(pk)
    form = SupportForm(request.POST)
    if form.is_robot():
        return result_redirect("petitions:support-sent", pk=pk)
    if petition.is_filed_on_paper:
        messages.error(request, _("This petition was filed on paper: its signatures are on paper, not on this portal."))
        return redirect(petition.get_absolute_url() + "#main")
    if not petition.is_gathering_support:
        messages.error(request, _("This petition no longer gathers support."))
        return redirect(petition.get_absolute_url() + "#main")
    if form.is_valid():
        try:
            services.support_submit(
                petition=petition,
                name=form.cleaned_data["name"],
                relation=form.cleaned_data["relation"],
                email=form.cleaned_data["email"],
                consent=form.cleaned_data["consent"],
                keep_informed=form.cleaned_data["keep_informed"],
                site_url=site_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return result_redirect("petitions:support-sent", pk=pk)
    # The petition's page again, with the errors and what the person typed.
    return petition_page(request, selectors.petition_detail_data(pk, petition=petition), form)


@require_POST
@rate_limit("report")
def petition_report(request, pk: int):
    petition = selectors.petition_get_public(pk)
    form = PetitionReportForm(request.POST)
    if form.is_robot():
        messages.success(request, _("Thank you. A moderator will review it."))
        return redirect(petition.get_absolute_url() + "#main")
    if not form.is_valid():
        # The petition's page again, the report form open with its errors and what the person typed.
        return petition_page(request, selectors.petition_detail_data(pk), report_form=form)
    report = partial(
        services.petition_report,
        petition=petition,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
    )
    return item_report(request, petition, petition.get_absolute_url() + "#main", report=report)


@require_safe
def support_sent(request, pk: int):
    petition = selectors.petition_get_public(pk)
    context = {
        "petition": petition,
        "hours": settings.OPENMUN_PETITION_CONFIRMATION_HOURS,
        "breadcrumbs": petitions_crumb(
            crumb(petition.title, petition.get_absolute_url()), crumb(_("Confirm your support"))
        ),
    }
    return render(request, "petitions/support_sent.html", context)


@require_safe
# Never from the page cache: the supporter sees the count with their support in it, before the pages refresh.
@never_cache
def support_confirmed(request, pk: int):
    petition = selectors.petition_get_public(pk)
    context = {
        "petition": petition,
        "breadcrumbs": petitions_crumb(crumb(petition.title, petition.get_absolute_url()), crumb(_("Support counted"))),
    }
    return render(request, "petitions/support_confirmed.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limit("support-confirm")
def support_confirm(request, token: str):
    context = {"breadcrumbs": petitions_crumb(crumb(_("Confirm your support")))}
    support = None
    try:
        support_id, nonce = services.support_token_read(token)
    except signing.SignatureExpired:
        context["problem"] = "expired"
    except (signing.BadSignature, ValueError):
        context["problem"] = "invalid"
    else:
        support = selectors.support_for_token(support_id)
        if support is None:
            # Erased: its link had expired (petition_data_purge), or the petition was closed long ago.
            context["problem"] = "expired"
    if support is None:
        return render(request, "petitions/support_confirm.html", context, status=404)
    petition = support.petition
    context.update(
        {
            "petition": petition,
            "breadcrumbs": petitions_crumb(
                crumb(petition.title, petition.get_absolute_url()), crumb(_("Confirm your support"))
            ),
        }
    )
    if not support.link_acts(nonce):
        # Used already, or replaced by a newer link for the address: it shows nothing of the support, and a
        # second press of the button lands here too.
        if request.method == "POST":
            return redirect(request.path)
        context["problem"] = "used"
        if petition.is_gathering_support:
            # The form that asks for a new link, empty: the page shows nothing of what was submitted.
            context.update({"form": SupportForm(), "retention_days": settings.OPENMUN_SUPPORTER_RETENTION_DAYS})
        return render(request, "petitions/support_confirm.html", context, status=410)
    if request.method == "POST":
        try:
            counted = services.support_confirm(support=support, nonce=nonce, language=get_language())
        except ValidationError:
            # The petition's page, at its top where the message is.
            messages.error(request, _("This petition no longer gathers support: your support was not counted."))
            return redirect(petition)
        if not counted:
            # Another request used the link a moment ago.
            return redirect(request.path)
        # A page of its own, the thanks at its top and no support form: the supporter has nothing more to do.
        return redirect("petitions:support-confirmed", pk=petition.pk)
    # What the link confirms, as it was submitted with this address: whoever opens it sees what they would confirm.
    context["support"] = support
    return render(request, "petitions/support_confirm.html", context)


@require_safe
def petition_sheets(request, pk: int):
    petition = selectors.petition_get_public(pk)
    if petition.kind != Petition.Kind.CITIZENS or not petition.is_gathering_support:
        raise Http404("This petition has no signature sheets to print.")
    return pdf_response(request, pdf.signature_sheets_get(petition))


@require_safe
@staff_member_required
def support_export(request, pk: int):
    if not request.user.has_perm("petitions.export_supporters"):
        raise PermissionDenied
    petition = get_object_or_404(Petition, pk=pk)
    supporters = list(selectors.supporters_for_export(petition))
    rows = [[_("No."), _("full name"), _("link with the commune"), _("e-mail"), _("confirmed at")]]
    rows += [
        [
            number,
            support.name,
            support.get_relation_display(),
            support.email,
            timezone.localtime(support.confirmed_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for number, support in enumerate(supporters, start=1)
    ]
    response = spreadsheets.csv_response(rows, filename=f"petition-{petition.pk}-supporters")
    response["Cache-Control"] = "no-store, private"
    # Who took the supporters' data, and when: the admin's history of the petition.
    audit_log(request.user, petition, _("Exported the supporters (CSV)."))
    return response


@require_safe
@staff_member_required
def petition_deadlines(request):
    if not request.user.has_perm("petitions.view_petition"):
        raise PermissionDenied
    context = selectors.deadline_dashboard_data()
    context["groups"] = [
        ("past", context["past"], _("Past the limit, refusal not notified")),
        ("near", context["near"], _("Nearing the limit")),
        ("open", context["open"], _("Within the limit")),
    ]
    context["breadcrumbs"] = petitions_crumb(crumb(_("Deadlines for notifying refusals")))
    return render(request, "petitions/petition_deadlines.html", context)


# Council sessions


def sessions_crumb(*more: dict) -> list[dict]:
    return [crumb(_("Council sessions"), reverse("council:session-list") if more else ""), *more]


@require_safe
def session_list(request):
    context = selectors.council_session_list_data()
    context["breadcrumbs"] = sessions_crumb()
    return render(request, "petitions/session_list.html", context)


@require_safe
def session_detail(request, slug: str):
    context = selectors.council_session_detail_data(slug)
    context["breadcrumbs"] = sessions_crumb(crumb(context["session"].title))
    return render(request, "petitions/session_detail.html", context)


@require_safe
def session_report(request, slug: str):
    session = get_object_or_404(CouncilSession, slug=slug)
    return pdf_response(request, reports.session_report_get(session, language=get_language()))


@require_safe
def session_ical(request):
    body = calendar_document(
        selectors.council_session_events(),
        name=_("Sessions of the commune council"),
        description=_("Ordinary sessions in the first week of February, May and October, and extraordinary sessions."),
        host=site_host(request),
        base_url=site_url(request),
        language=get_language(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "council-sessions.ics")
    return response
