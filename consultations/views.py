from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultations import selectors, services
from consultations.forms import CommentForm, ContributionForm, ModerationForm, ReplyForm, reply_languages, reply_texts
from consultations.models import Comment, Contribution
from moderation import services as moderation_services
from moderation.views import item_report, moderated_message
from openmun.antiabuse import rate_limit
from openmun.forms import posted_ids
from openmun.links import crumb, site_url
from programme import selectors as programme_selectors
from programme import views as programme_views

# Citizens' contact details stay out of error reports.
PERSONAL_FIELDS = ("display_name", "email")


def result_redirect(name: str, **kwargs):
    """Redirect to the page that follows a form, opened at its content.

    The form posted to its URL with #errors, where the error summary is; a redirect without a fragment would keep
    that one.
    """
    return redirect(reverse(name, kwargs=kwargs) + "#main")


def round_crumbs(consultation_round, *more: dict) -> list[dict]:
    return [
        crumb(_("Citizen participation"), reverse("consultations:round-list")),
        crumb(consultation_round.title, consultation_round.get_absolute_url() if more else ""),
        *more,
    ]


@require_safe
def round_list(request):
    context = selectors.round_list_data()
    context["breadcrumbs"] = [crumb(_("Citizen participation"))]
    return render(request, "consultations/round_list.html", context)


@require_safe
def round_detail(request, slug: str):
    context = selectors.round_detail_data(slug)
    context["breadcrumbs"] = round_crumbs(context["round"])
    return render(request, "consultations/round_detail.html", context)


@require_safe
def round_results(request, slug: str):
    context = selectors.round_results_data(slug, page=request.GET.get("page"))
    context["breadcrumbs"] = round_crumbs(context["round"], crumb(_("What we did with your input")))
    return render(request, "consultations/round_results.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters(*PERSONAL_FIELDS)
@rate_limit("contribution")
def contribution_create(request, slug: str):
    consultation_round = selectors.round_get(slug)
    context = {
        "round": consultation_round,
        "breadcrumbs": round_crumbs(consultation_round, crumb(_("Submit your idea"))),
    }
    if not consultation_round.accepts_contributions:
        status = 403 if request.method == "POST" else 200
        return render(request, "consultations/contribution_form.html", context, status=status)
    form = ContributionForm(request.POST or None, consultation_round=consultation_round)
    if request.method == "POST":
        if form.is_robot():
            return result_redirect("consultations:contribution-thanks", slug=slug)
        if form.is_valid():
            try:
                services.contribution_submit(
                    consultation_round=consultation_round,
                    text=form.cleaned_data["text"],
                    title=form.cleaned_data["title"],
                    axis=form.cleaned_data["axis"],
                    project=form.cleaned_data["project"],
                    display_name=form.cleaned_data["display_name"],
                    email=form.cleaned_data["email"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return result_redirect("consultations:contribution-thanks", slug=slug)
    context["form"] = form
    return render(request, "consultations/contribution_form.html", context)


@require_safe
def contribution_thanks(request, slug: str):
    consultation_round = selectors.round_get(slug)
    context = {
        "round": consultation_round,
        "publish_first": settings.OPENMUN_MODERATION_PUBLISH_FIRST,
        "breadcrumbs": round_crumbs(consultation_round, crumb(_("Contribution received"))),
    }
    return render(request, "consultations/contribution_thanks.html", context)


@require_POST
@sensitive_post_parameters(*PERSONAL_FIELDS)
@rate_limit("comment")
def comment_create(request, slug: str):
    project = programme_selectors.project_get(slug)
    form = CommentForm(request.POST)
    if form.is_robot():
        return redirect(project.get_absolute_url() + "#comments")
    if form.is_valid():
        try:
            comment = services.comment_post(
                project=project,
                text=form.cleaned_data["text"],
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
                language=request.LANGUAGE_CODE,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if comment.is_published:
                messages.success(request, _("Thank you. Your comment is published."))
            else:
                messages.success(request, _("Thank you. Your comment will appear once a moderator has read it."))
            return redirect(project.get_absolute_url() + "#comments")
    # Show the project page again with the errors and what the person typed.
    return programme_views.project_page(request, slug, section_overrides={"participation": {"comment_form": form}})


def project_section_context(project) -> dict:
    """Return what the project page's participation section shows: comments, shaping contributions, a form."""
    return {
        **selectors.project_participation_data(project),
        "comment_form": CommentForm(),
        "reply_languages": reply_languages(),
    }


@require_POST
@rate_limit("report")
def comment_report(request, pk: int):
    comment = get_object_or_404(
        Comment.objects.published().select_related("project").defer("email"), pk=pk, is_official=False
    )
    return item_report(request, comment, comment.project.get_absolute_url() + "#comments")


@require_POST
@rate_limit("report")
def contribution_report(request, pk: int):
    contribution = get_object_or_404(Contribution.objects.published().select_related("round").defer("email"), pk=pk)
    return item_report(
        request, contribution, reverse("consultations:round-results", kwargs={"slug": contribution.round.slug})
    )


@require_POST
@staff_member_required
def comment_reply(request, pk: int):
    if not request.user.has_perm("consultations.reply_comment"):
        raise PermissionDenied
    comment = get_object_or_404(Comment.objects.select_related("project"), pk=pk)
    form = ReplyForm(request.POST, prefix=f"reply-{pk}")
    if form.is_valid():
        try:
            services.comment_reply(
                comment=comment,
                texts=reply_texts(form.cleaned_data),
                acting_user=request.user,
                site_url=site_url(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The official reply is published."))
    else:
        messages.error(
            request,
            _("The reply was not published: %(errors)s")
            % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
        )
    return redirect(comment.project.get_absolute_url() + f"#comment-{comment.pk}")


def selected_ids(request, name: str) -> set[int]:
    return posted_ids(request.POST.getlist(name))


@require_http_methods(["GET", "HEAD", "POST"])
@staff_member_required
def moderation_queue(request):
    if not (
        request.user.has_perm("consultations.moderate_contribution")
        or request.user.has_perm("consultations.moderate_comment")
    ):
        raise PermissionDenied
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        items = [*form.cleaned_data["contributions"], *form.cleaned_data["comments"]]
        try:
            count = moderation_services.items_moderate(
                items=items,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                site_url=site_url(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, moderated_message(form.cleaned_data["decision"], count))
            return redirect("consultations:moderation-queue")
    context = {
        **selectors.moderation_queue_data(),
        "form": form,
        "selected_contributions": selected_ids(request, "contributions"),
        "selected_comments": selected_ids(request, "comments"),
        "breadcrumbs": [crumb(_("Citizen participation"), reverse("consultations:round-list")), crumb(_("Moderation"))],
    }
    return render(request, "consultations/moderation_queue.html", context)
