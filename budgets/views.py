from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from budgets import pdf, selectors, services
from budgets.forms import BallotForm, ProposalForm, VoterForm
from budgets.models import Cycle, Phase, Voter
from openmun.antiabuse import rate_limit
from openmun.forms import posted_ids
from openmun.links import crumb, site_url
from openmun.pdf import pdf_response

# Citizens' contact details stay out of error reports.
PERSONAL_FIELDS = ("display_name", "email")


def result_redirect(name: str, **kwargs):
    """Redirect to the page that follows a form, opened at its content.

    The form posted to its URL with #errors, where the error summary is; a redirect without a fragment would keep
    that one.
    """
    return redirect(reverse(name, kwargs=kwargs) + "#main")


def budget_crumbs(*more: dict) -> list[dict]:
    return [crumb(_("Citizen budget"), reverse("budgets:year-list") if more else ""), *more]


def cycle_crumbs(cycle: Cycle, *more: dict) -> list[dict]:
    return [
        crumb(_("Participatory budget"), reverse("budgets:cycle-list")),
        crumb(cycle.title, cycle.get_absolute_url() if more else ""),
        *more,
    ]


def voter_session_key(cycle: Cycle) -> str:
    return f"budgets:voter:{cycle.pk}"


def session_voter(request, cycle: Cycle) -> Voter | None:
    """Return the confirmed voter this browser opened the ballot as, if it used the voter's latest link."""
    held = request.session.get(voter_session_key(cycle))
    if not (isinstance(held, list) and len(held) == 2 and isinstance(held[0], int) and isinstance(held[1], str)):
        return None
    voter_id, nonce = held
    voter = selectors.voter_get(cycle, voter_id)
    # The browser that used a later link holds the key now: this one no longer sees the ballot.
    return voter if voter is not None and voter.session_holds(nonce) else None


# Citizen budget


@require_safe
def year_list(request):
    context = selectors.year_list_data()
    context["breadcrumbs"] = budget_crumbs()
    return render(request, "budgets/year_list.html", context)


@require_safe
def year_detail(request, year: int):
    context = selectors.year_detail_data(year)
    context["breadcrumbs"] = budget_crumbs(crumb(str(year)))
    return render(request, "budgets/year_detail.html", context)


@require_safe
def year_booklet(request, year: int):
    return pdf_response(request, pdf.booklet_pdf_get(year=year, language=get_language()))


# Participatory budget


@require_safe
def cycle_list(request):
    context = selectors.cycle_list_data()
    context["breadcrumbs"] = [
        crumb(_("Citizen budget"), reverse("budgets:year-list")),
        crumb(_("Participatory budget")),
    ]
    return render(request, "budgets/cycle_list.html", context)


@require_safe
def cycle_detail(request, slug: str):
    context = selectors.cycle_detail_data(slug)
    context["breadcrumbs"] = cycle_crumbs(context["cycle"])
    return render(request, "budgets/cycle_detail.html", context)


@require_safe
def proposal_detail(request, slug: str, pk: int):
    context = selectors.proposal_detail_data(slug, pk)
    context["breadcrumbs"] = cycle_crumbs(context["cycle"], crumb(context["proposal"].title))
    return render(request, "budgets/proposal_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters(*PERSONAL_FIELDS)
@rate_limit("proposal")
def proposal_create(request, slug: str):
    cycle = selectors.cycle_get(slug)
    context = {"cycle": cycle, "breadcrumbs": cycle_crumbs(cycle, crumb(_("Submit a proposal")))}
    if not cycle.accepts_proposals:
        return render(request, "budgets/proposal_form.html", context, status=403 if request.method == "POST" else 200)
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        if form.is_robot():
            return result_redirect("budgets:proposal-thanks", slug=slug)
        if form.is_valid():
            try:
                services.proposal_submit(
                    cycle=cycle,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    neighbourhood=form.cleaned_data["neighbourhood"],
                    estimated_cost=form.cleaned_data["estimated_cost"],
                    display_name=form.cleaned_data["display_name"],
                    email=form.cleaned_data["email"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return result_redirect("budgets:proposal-thanks", slug=slug)
    context["form"] = form
    return render(request, "budgets/proposal_form.html", context)


@require_safe
def proposal_thanks(request, slug: str):
    cycle = selectors.cycle_get(slug)
    context = {
        "cycle": cycle,
        "breadcrumbs": cycle_crumbs(cycle, crumb(_("Proposal received"))),
        "publish_first": settings.OPENMUN_MODERATION_PUBLISH_FIRST,
    }
    return render(request, "budgets/proposal_thanks.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters("email")
@rate_limit("vote-link")
def voter_create(request, slug: str):
    cycle = selectors.cycle_get(slug)
    context = {"cycle": cycle, "breadcrumbs": cycle_crumbs(cycle, crumb(_("Vote")))}
    if not cycle.accepts_votes:
        return render(request, "budgets/voter_form.html", context, status=403 if request.method == "POST" else 200)
    if session_voter(request, cycle) is not None and request.method == "GET":
        return redirect("budgets:ballot-edit", slug=slug)
    form = VoterForm(request.POST or None)
    if request.method == "POST":
        if form.is_robot():
            return result_redirect("budgets:voter-sent", slug=slug)
        if form.is_valid():
            try:
                services.voter_register(cycle=cycle, email=form.cleaned_data["email"], site_url=site_url(request))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return result_redirect("budgets:voter-sent", slug=slug)
    context["form"] = form
    return render(request, "budgets/voter_form.html", context)


@require_safe
def voter_sent(request, slug: str):
    cycle = selectors.cycle_get(slug)
    context = {
        "cycle": cycle,
        "hours": settings.OPENMUN_VOTE_CONFIRMATION_HOURS,
        "breadcrumbs": cycle_crumbs(cycle, crumb(_("Vote"))),
    }
    return render(request, "budgets/voter_sent.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limit("vote-confirm")
def voter_confirm(request, slug: str, token: str):
    cycle = selectors.cycle_get(slug)
    context = {"cycle": cycle, "breadcrumbs": cycle_crumbs(cycle, crumb(_("Vote")))}
    try:
        # The link only shows a button: mail programs that open links to check them must not act for the voter.
        if request.method == "POST":
            voter = services.voter_confirm(cycle=cycle, token=token)
        else:
            services.voter_link_check(cycle=cycle, token=token)
    except ValidationError as error:
        context["problem"] = error.code
        if error.code == "used":
            # A second use of the link: nothing of the ballot, and the form that asks for a new link.
            context["form"] = VoterForm()
        status = {"vote_closed": 403, "used": 410}.get(error.code, 404)
        return render(request, "budgets/voter_confirm.html", context, status=status)
    if request.method != "POST":
        return render(request, "budgets/voter_confirm.html", context)
    # A new session key: whoever knew the old one cannot vote in this person's name. A browser without a session
    # gets its first key when this one is saved: cycling would write an empty session first, for no old key.
    if request.session.session_key is not None:
        request.session.cycle_key()
    request.session[voter_session_key(cycle)] = [voter.pk, voter.session_nonce]
    return redirect("budgets:ballot-edit", slug=slug)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@rate_limit("ballot")
def ballot_edit(request, slug: str):
    cycle = selectors.cycle_get(slug)
    context = {"cycle": cycle, "breadcrumbs": cycle_crumbs(cycle, crumb(_("Your ballot")))}
    if not cycle.accepts_votes:
        return render(request, "budgets/ballot_form.html", context, status=403 if request.method == "POST" else 200)
    voter = session_voter(request, cycle)
    if voter is None:
        messages.info(request, _("Give your e-mail address to receive the link that opens your ballot."))
        return redirect("budgets:voter-create", slug=slug)
    proposals = selectors.ballot_proposals(cycle)
    form = BallotForm(request.POST or None, proposals=proposals)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast(voter=voter, proposals=list(form.cleaned_data["proposals"]))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return result_redirect("budgets:ballot-recorded", slug=slug)
    # The ballot as recorded, read only for a page to show: a ballot cast goes straight to the next page.
    context.update(selectors.ballot_data(cycle, voter, proposals=proposals))
    if request.method == "POST":
        # Show what the person chose, not what is recorded: the error is about this choice.
        context["chosen_ids"] = posted_ids(request.POST.getlist("proposals"))
        context["chosen_cost"] = sum(
            (p.cost for p in context["proposals"] if p.pk in context["chosen_ids"]), Decimal(0)
        )
    context["form"] = form
    return render(request, "budgets/ballot_form.html", context)


@require_safe
@never_cache
def ballot_recorded(request, slug: str):
    cycle = selectors.cycle_get(slug)
    voter = session_voter(request, cycle)
    if voter is None:
        # Nothing of a ballot for a browser that holds none.
        return redirect(cycle)
    context = selectors.ballot_data(cycle, voter)
    if context["ballot"] is None:
        return redirect("budgets:ballot-edit", slug=slug)
    today = timezone.localdate()
    context.update(
        {
            "cycle": cycle,
            "chosen": [proposal for proposal in context["proposals"] if proposal.pk in context["chosen_ids"]],
            "vote": cycle.phase_get(Phase.Kind.VOTE),
            "results_on": selectors.results_date(cycle),
            "accepts_votes": cycle.accepts_votes_on(today),
            "breadcrumbs": cycle_crumbs(cycle, crumb(_("Ballot recorded"))),
        }
    )
    return render(request, "budgets/ballot_recorded.html", context)
