import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from budgets import services
from budgets.models import Ballot, BallotChoice, Phase, Proposal, ProposalUpdate, Voter
from openmun.formatting import french_typography
from tests.budgets.factories import (
    CycleFactory,
    GlossaryTermFactory,
    ProposalFactory,
    cycle_build,
    phases_build,
    voter_make,
    year_build,
)

pytestmark = pytest.mark.django_db
Kind = Phase.Kind
DEMO = {
    "year": "Demonstration data: these figures are not the commune's",
    "cycle": "Demonstration data: this cycle, its proposals and its votes are invented; they are not the commune's.",
}
PAGES = [
    ("budgets:year-list", {}),
    ("budgets:year-detail", {"year": 2024}),
    ("budgets:cycle-list", {}),
    ("budgets:cycle-detail", {"slug": "results"}),
    ("budgets:proposal-detail", {"slug": "results", "pk": 1}),
    ("budgets:proposal-create", {"slug": "proposals"}),
    ("budgets:voter-create", {"slug": "vote"}),
]
LANGUAGES = [("ar", "rtl"), ("fr", "ltr")]


def url(name: str, kwargs: dict, language: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def translated(language: str, message: str, *, on_a_french_page: bool = True) -> str:
    """Return the message as the page shows it: translated, and on a French page with French typography."""
    with translation.override(language):
        shown = gettext(message)
    return french_typography(shown) if language == "fr" and on_a_french_page else shown


def data_build(*, scale: int = 1, demonstration: bool = True) -> None:
    """Two years, a glossary, and three cycles (in their results, proposals and vote phases), all ×scale."""
    from tests.factories import CommuneFactory

    CommuneFactory(population=190000)
    for year in (2023, 2024):
        year_build(year, scale=scale, executed=year == 2023, is_demonstration=demonstration)
    GlossaryTermFactory.create_batch(5 * scale)
    cycle = cycle_build(
        current=Kind.RESULTS, proposals=0, envelope=Decimal("1000000"), slug="results", is_demonstration=demonstration
    )
    proposals = [
        ProposalFactory(pk=index + 1 if index == 0 else None, cycle=cycle, estimated_cost=Decimal("100000") / scale)
        for index in range(5 * scale)
    ]
    ProposalFactory(cycle=cycle, status=Proposal.Status.PENDING, title="مقترح ينتظر الإشراف")
    for index in range(10 * scale):
        ballot = Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference=str(index))
        for proposal in proposals[: 1 + index % 3]:
            BallotChoice.objects.create(ballot=ballot, proposal=proposal)
    for proposal in proposals:
        ProposalUpdate.objects.create(
            proposal=proposal,
            date=datetime.date(2025, 1, 2),
            text_ar="تقدم",
            text_fr="Avancement",
            amount_spent=Decimal("1000"),
        )
    Proposal.objects.filter(pk=proposals[0].pk).update(progress_status="in_progress", progress=40)
    cycle_build(current=Kind.PROPOSALS, proposals=2 * scale, slug="proposals", is_demonstration=demonstration)
    cycle_build(current=Kind.VOTE, proposals=2 * scale, slug="vote", is_demonstration=demonstration)


@pytest.mark.parametrize(("language", "direction"), LANGUAGES)
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_renders_in_both_languages_with_the_demonstration_banner(client, name, kwargs, language, direction):
    data_build()
    response = client.get(url(name, kwargs, language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    assert html.count("<h1") == 1
    other = "fr" if language == "ar" else "ar"
    assert f'href="{url(name, kwargs, other)}" lang="{other}"' in html
    # Invented data says so, in the page's language and in the other one.
    about = "year" if name.startswith("budgets:year") else "cycle"
    assert translated(language, DEMO[about]) in html
    # The other language's banner is shown as the catalogue has it (typography is applied to French pages).
    banner = translated(other, DEMO[about], on_a_french_page=False)
    assert f'lang="{other}" dir="{"rtl" if other == "ar" else "ltr"}">{banner}</p>' in html
    assert "<script" not in html and " style=" not in html and "<style" not in html
    assert "citizen@example.ma" not in html


def test_real_data_carries_no_demonstration_banner(client):
    data_build(demonstration=False)
    for name, kwargs in PAGES:
        html = client.get(url(name, kwargs, "fr")).content.decode()
        assert "demo-banner" not in html, name


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_query_count_does_not_grow_with_the_data(assert_queries_fixed, name, kwargs):
    small = transaction.savepoint()
    data_build()

    def grow():
        # Ten times the lines, glossary terms, proposals, ballots and updates, built afresh in place of the small data.
        transaction.savepoint_rollback(small)
        data_build(scale=10)

    assert_queries_fixed(url(name, kwargs, "ar"), grow=grow, limit=8)


def test_the_year_page_shows_computed_figures_charts_lines_calendar_and_glossary(client):
    data_build()
    html = client.get(url("budgets:year-detail", {"year": 2023}, "fr")).content.decode()
    # 8 000 000 revenue, 6 000 000 expenditure, 2 000 000 balance; 6 000 000 / 200 000 inhabitants; 90 % executed.
    for figure in ["8\xa0000\xa0000,00", "6\xa0000\xa0000,00", "2\xa0000\xa0000,00", "30,00", "90,0\xa0%"]:
        assert f"{figure}" in html, figure
    # A bar per revenue line, per expenditure line, and per part and direction.
    assert html.count('class="budget-chart"') == 3 and html.count('<svg class="budget-bar"') == 8 + 8 + 4
    assert html.count('<table class="data-table data-table--cards budget-lines">') == 4
    assert "budget-calendar" in html and 'id="term-' in html
    assert '<time datetime="2023-10-03">3 octobre 2023</time>' in html
    assert 'href="/fr/budget/2023/booklet.pdf" type="application/pdf"' in html
    # 2024 compares with 2023.
    html = client.get(url("budgets:year-detail", {"year": 2024}, "fr")).content.decode()
    assert '<bdi dir="ltr">0,0\xa0%</bdi>' in html


def test_bars_grow_from_the_right_in_arabic_and_from_the_left_in_french(client):
    data_build()
    ar = client.get(url("budgets:year-detail", {"year": 2024}, "ar")).content.decode()
    fr = client.get(url("budgets:year-detail", {"year": 2024}, "fr")).content.decode()
    # Revenue lines of 1 000 000 each: every bar is the largest, so it fills the box either way; the
    # expenditure chart's bars too. The parts chart compares 4 000 000 with 3 000 000.
    assert 'class="budget-bar__adopted" x="25.00" y="0" width="75.00"' in ar
    assert 'class="budget-bar__adopted" x="0.00" y="0" width="75.00"' in fr


def test_unknown_or_unpublished_years_and_cycles_are_404(client):
    data_build()
    year_build(2030, is_published=False)
    CycleFactory(slug="draft", is_published=False)
    for path in [
        "/ar/budget/1999/",
        "/ar/budget/2030/",
        "/fr/budget/2030/booklet.pdf",
        "/ar/budget/participatory/nope/",
        "/ar/budget/participatory/draft/",
        "/ar/budget/participatory/results/proposals/999/",
    ]:
        assert client.get(path).status_code == 404, path


def test_pending_and_hidden_proposals_are_not_shown(client):
    data_build()
    html = client.get(url("budgets:cycle-detail", {"slug": "results"}, "ar")).content.decode()
    assert "مقترح ينتظر الإشراف" not in html
    pending = Proposal.objects.get(title="مقترح ينتظر الإشراف")
    assert client.get(url("budgets:proposal-detail", {"slug": "results", "pk": pending.pk}, "ar")).status_code == 404


def test_results_show_the_ranking_winners_and_their_progress(client):
    data_build()
    html = client.get(url("budgets:cycle-detail", {"slug": "results"}, "fr")).content.decode()
    assert "results-table__winner" in html
    assert '<progress max="100" value="40"' in html
    html = client.get(url("budgets:proposal-detail", {"slug": "results", "pk": 1}, "fr")).content.decode()
    assert '<progress max="100" value="40"' in html and "Avancement" in html


@pytest.mark.parametrize(
    ("phase", "propose", "vote"),
    [
        (Kind.INFORMATION, False, False),
        (Kind.PROPOSALS, True, False),
        (Kind.REVIEW, False, False),
        (Kind.VOTE, False, True),
        (Kind.RESULTS, False, False),
        (None, False, False),
    ],
)
def test_what_a_visitor_can_do_depends_on_the_phase(client, phase, propose, vote):
    with time_machine.travel(datetime.date(2025, 3, 15), tick=False):
        cycle = CycleFactory(slug="c")
        phases_build(cycle, current=phase)
        html = client.get(url("budgets:cycle-detail", {"slug": "c"}, "fr")).content.decode()
        assert ('href="/fr/budget/participatory/c/propose/"' in html) is propose
        assert ('href="/fr/budget/participatory/c/vote/"' in html) is vote
        form = client.get(url("budgets:proposal-create", {"slug": "c"}, "fr")).content.decode()
        assert ('name="title"' in form) is propose
        form = client.get(url("budgets:voter-create", {"slug": "c"}, "fr")).content.decode()
        assert ('name="email"' in form) is vote
        if not propose:
            assert client.post(url("budgets:proposal-create", {"slug": "c"}, "fr"), {}).status_code == 403
        if not vote:
            assert client.post(url("budgets:voter-create", {"slug": "c"}, "fr"), {}).status_code == 403
            assert client.post(url("budgets:ballot-edit", {"slug": "c"}, "fr"), {}).status_code == 403


PROPOSAL = {
    "title": "ملعب قرب للأطفال",
    "description": "تحويل الأرض الفارغة قرب المدرسة إلى ملعب صغير مسيج.",
    "neighbourhood": "حي النهضة",
    "estimated_cost": "350 000,50",
    "display_name": "",
    "email": "a@example.ma",
    "consent": "on",
}


def test_a_citizen_submits_a_proposal_that_awaits_moderation(client):
    cycle_build(current=Kind.PROPOSALS, proposals=0, slug="c")
    response = client.post(url("budgets:proposal-create", {"slug": "c"}, "ar"), PROPOSAL)
    assert response.status_code == 302 and response["Location"] == "/ar/budget/participatory/c/propose/thanks/#main"
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.estimated_cost, proposal.email) == (
        "pending",
        Decimal("350000.50"),
        "a@example.ma",
    )
    assert client.get(response["Location"]).status_code == 200


def test_a_proposal_form_shows_its_errors_and_keeps_what_was_typed(client):
    cycle_build(current=Kind.PROPOSALS, proposals=0, slug="c", envelope=Decimal("100000"))
    response = client.post(
        url("budgets:proposal-create", {"slug": "c"}, "fr"), {**PROPOSAL, "estimated_cost": "150000", "consent": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "error-summary" in html and "حي النهضة" in html
    assert not Proposal.objects.exists()
    response = client.post(
        url("budgets:proposal-create", {"slug": "c"}, "fr"), {**PROPOSAL, "estimated_cost": "150000"}
    )
    assert 'id="id_estimated_cost_error"' in response.content.decode()
    assert not Proposal.objects.exists()


def test_robots_filling_the_honeypot_are_thanked_and_ignored(client):
    cycle_build(current=Kind.PROPOSALS, proposals=0, slug="c")
    response = client.post(url("budgets:proposal-create", {"slug": "c"}, "fr"), {**PROPOSAL, "hp_check": "x"})
    assert response.status_code == 302 and not Proposal.objects.exists()


def test_voting_through_the_pages(client, django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE, slug="v")  # five proposals of 200 000 to 600 000, envelope 1 000 000
    ballot_url = url("budgets:ballot-edit", {"slug": "v"}, "fr")
    # No confirmed address yet: the ballot sends the visitor to the e-mail form.
    assert client.get(ballot_url)["Location"] == url("budgets:voter-create", {"slug": "v"}, "fr")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("budgets:voter-create", {"slug": "v"}, "fr"), {"email": "Voter@Example.ma"})
    assert response["Location"] == url("budgets:voter-sent", {"slug": "v"}, "fr") + "#main"
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/vote/confirm/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[1]
    # Opening the link only shows a button: a mail scanner following it does not vote.
    assert client.get(path).status_code == 200 and Voter.objects.get().confirmed_at is None
    assert client.post(path)["Location"] == ballot_url
    assert Voter.objects.get().confirmed_at is not None

    proposals = list(cycle.proposals.order_by("estimated_cost"))
    over = client.post(ballot_url, {"proposals": [p.pk for p in proposals[2:]]})  # 1 500 000
    html = over.content.decode()
    assert over.status_code == 200 and "error-summary" in html
    assert "1\xa0500\xa0000,00" in html
    # The choice is kept, checked, for the voter to fix.
    for proposal in proposals[2:]:
        assert f'value="{proposal.pk}" id="proposal-{proposal.pk}" checked' in html
    assert not Ballot.objects.exists()
    recorded = url("budgets:ballot-recorded", {"slug": "v"}, "fr") + "#main"
    assert client.post(ballot_url, {"proposals": [proposals[0].pk, proposals[4].pk]})["Location"] == recorded
    html = client.get(ballot_url).content.decode()
    assert f'value="{proposals[0].pk}" id="proposal-{proposals[0].pk}" checked' in html
    client.post(ballot_url, {"proposals": [proposals[1].pk]})
    assert list(Ballot.objects.get().choices.values_list("proposal", flat=True)) == [proposals[1].pk]
    assert "voter@example.ma" not in client.get(ballot_url).content.decode().lower()


def test_a_bad_link_is_explained(client):
    cycle_build(current=Kind.VOTE, slug="v")
    response = client.get("/fr/budget/participatory/v/vote/confirm/12:abc:def/")
    assert response.status_code == 404 and 'name="email"' not in response.content.decode()
    assert client.post("/fr/budget/participatory/v/vote/confirm/12:abc:def/").status_code == 404
    assert not Voter.objects.filter(confirmed_at__isnull=False).exists()


def test_another_browser_cannot_use_a_voters_session(client, django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    voter = voter_make(cycle, "a@example.ma", confirmed=False)
    client.post(url("budgets:voter-confirm", {"slug": "v", "token": services.voter_token_make(voter)}, "fr"))
    from django.test import Client

    other = Client()
    assert other.get(url("budgets:ballot-edit", {"slug": "v"}, "fr")).status_code == 302
    assert (
        other.post(
            url("budgets:ballot-edit", {"slug": "v"}, "fr"), {"proposals": [cycle.proposals.first().pk]}
        ).status_code
        == 302
    )
    assert not Ballot.objects.exists()


def test_the_header_links_to_the_budget(client):
    data_build()
    html = client.get(url("budgets:cycle-list", {}, "ar")).content.decode()
    assert 'href="/ar/budget/"' in html
    html = client.get(url("budgets:year-list", {}, "fr")).content.decode()
    assert 'href="/fr/budget/" aria-current="page"' in html


# Issue 13: the ballot's running total, the page after a cast ballot, the error summary first, sharing.


def ballot_open(client, cycle) -> None:
    """Open the ballot in this client, as the voter's link does."""
    voter = voter_make(cycle, "voter@example.ma", confirmed=False)
    client.post(url("budgets:voter-confirm", {"slug": cycle.slug, "token": services.voter_token_make(voter)}, "fr"))


def test_the_ballot_gives_its_running_total_script_what_it_counts(client):
    from django.conf import settings
    from django.templatetags.static import static

    cycle = cycle_build(current=Kind.VOTE, slug="v")
    ballot_open(client, cycle)
    html = client.get(url("budgets:ballot-edit", {"slug": "v"}, "fr")).content.decode()
    # One deferred script from the portal's static files: the CSP allows it, and no inline script or style.
    assert re.findall(r"<script[^>]*>", html) == [f'<script src="{static("js/ballot.js")}" defer>']
    assert " style=" not in html and "<style" not in html
    assert 'data-envelope="1000000.00"' in html
    for proposal in cycle.proposals.all():
        assert f'id="proposal-{proposal.pk}"' in html and f'data-cost="{proposal.estimated_cost}"' in html
    # The total the script updates, and the live status where it says the envelope is exceeded (empty for now).
    total = '<dd class="ballot__total" data-ballot-total><span class="amount"><bdi dir="ltr">0,00</bdi>'
    assert total in html
    status = re.search(
        r'<p class="ballot__status" role="status" data-ballot-status data-over="([^"]+)"[^>]*>(.*?)</p>', html
    )
    with translation.override("fr"):
        over = gettext("Your choice costs more than the envelope: untick proposals until the total fits.")
    assert (status.group(1), status.group(2)) == (over, "")
    script = (settings.BASE_DIR / "static" / "js" / "ballot.js").read_text()
    assert "data-ballot-total" in script and "data-over" in script
    assert "eval(" not in script and "innerHTML" not in script


def test_an_over_envelope_ballot_opens_on_its_error_summary_without_javascript(client):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    ballot_open(client, cycle)
    ballot_url = url("budgets:ballot-edit", {"slug": "v"}, "fr")
    proposals = list(cycle.proposals.order_by("estimated_cost"))
    html = client.post(ballot_url, {"proposals": [p.pk for p in proposals[2:]]}).content.decode()
    assert f'action="{ballot_url}#errors"' in html and 'class="form ballot ballot--over"' in html
    summary = re.search(r'<div class="error-summary" id="errors" tabindex="-1" role="alert"', html)
    assert summary and summary.start() < html.index('id="ballot-proposals"')
    # The status says it too, as the script would.
    assert re.search(r'data-ballot-status data-over="([^"]+)" data-fits="[^"]+">\1</p>', html)
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_cast_ballot_lands_on_a_page_that_says_what_comes_next(client, settings, language):
    from django.test import Client

    settings.OPENMUN_SITE_URL = "https://openmun.example.ma"
    with time_machine.travel(datetime.date(2025, 3, 15), tick=False):
        cycle = cycle_build(current=Kind.VOTE, slug="v")
        ballot_open(client, cycle)
        first, second = cycle.proposals.order_by("estimated_cost")[:2]
        recorded = url("budgets:ballot-recorded", {"slug": "v"}, language)
        # Before casting, the page sends the voter to the ballot.
        assert client.get(recorded)["Location"] == url("budgets:ballot-edit", {"slug": "v"}, language)
        response = client.post(
            url("budgets:ballot-edit", {"slug": "v"}, language), {"proposals": [first.pk, second.pk]}
        )
        assert response["Location"] == recorded + "#main"
        page = client.get(recorded)
        html = page.content.decode()
        assert page.status_code == 200 and "no-cache" in page["Cache-Control"]
        with translation.override(language):
            assert gettext("Thank you: your ballot is recorded") in html
            results = cycle.phase_get(Kind.RESULTS).starts_on
            from openmun.templatetags.openmun import fdate

            assert fdate(results) in html and fdate(cycle.phase_get(Kind.VOTE).ends_on) in html
        assert first.title in html and second.title in html and "500\xa0000,00" in html
        assert f'href="{url("budgets:ballot-edit", {"slug": "v"}, language)}"' in html
        assert f"u=https%3A%2F%2Fopenmun.example.ma%2F{language}%2Fbudget%2Fparticipatory%2Fv%2F" in html
        # Another browser sees nothing of the ballot: the cycle's page.
        response = Client().get(recorded)
        assert response.status_code == 302 and response["Location"] == url(
            "budgets:cycle-detail", {"slug": "v"}, language
        )


def test_the_cycle_page_and_the_proposal_thanks_can_be_shared(client):
    cycle_build(current=Kind.PROPOSALS, proposals=0, slug="c")
    for name in ("budgets:cycle-detail", "budgets:proposal-thanks"):
        html = client.get(url(name, {"slug": "c"}, "fr")).content.decode()
        assert 'href="https://wa.me/?text=' in html and "%2Ffr%2Fbudget%2Fparticipatory%2Fc%2F" in html
    html = client.get(url("budgets:proposal-thanks", {"slug": "c"}, "ar")).content.decode()
    assert "ادعوا غيركم إلى تقديم مقترحاتهم" in html and "الخطوات الموالية" in html


def test_the_vote_page_speaks_to_citizens_in_the_plural(client):
    cycle_build(current=Kind.VOTE, slug="v")
    html = client.get(url("budgets:voter-create", {"slug": "v"}, "ar")).content.decode()
    assert "<h1>التصويت</h1>" in html
    assert "معطياتكم الشخصية" in html and "عنوان بريدكم الإلكتروني" in html
    html = client.post(url("budgets:voter-create", {"slug": "v"}, "ar"), {"email": ""}).content.decode()
    assert "يرجى ملء هذا الحقل." in html
    assert "هذا الحقل مطلوب" not in html


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_casting_a_ballot_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, language):
    cycle = cycle_build(current=Kind.VOTE, slug="v", proposals=8)
    ballot_open(client, cycle)
    chosen = list(cycle.proposals.order_by("estimated_cost")[:3])
    ballot_url = url("budgets:ballot-edit", {"slug": "v"}, language)
    # The session, the voter, the proposals on the ballot; then, the voter locked with its cycle, the cycle's phases,
    # the proposals read afresh, the ballot (looked up, then saved) and its choices: the cycle and the choice
    # checked against the page's proposals cost none.
    with django_assert_max_num_queries(13):
        response = client.post(ballot_url, {"proposals": [p.pk for p in chosen]})
    assert response.status_code == 302
    assert set(BallotChoice.objects.values_list("proposal", flat=True)) == {p.pk for p in chosen}


def test_a_ballot_naming_a_proposal_not_on_it_is_refused(client):
    cycle = cycle_build(current=Kind.VOTE, slug="v")
    elsewhere = cycle_build(current=Kind.VOTE, slug="w").proposals.first()
    not_eligible = cycle.proposals.first()
    not_eligible.eligibility = Proposal.Eligibility.INELIGIBLE
    not_eligible.save()
    ballot_open(client, cycle)
    ballot_url = url("budgets:ballot-edit", {"slug": "v"}, "fr")
    on_ballot = cycle.proposals.exclude(pk=not_eligible.pk).first()
    for refused in (elsewhere, not_eligible):
        response = client.post(ballot_url, {"proposals": [on_ballot.pk, refused.pk]})
        html = response.content.decode()
        assert response.status_code == 200
        with translation.override("fr"):
            message = gettext("Select a valid choice. %(value)s is not one of the available choices.")
        assert french_typography(message % {"value": refused.pk}) in html
    assert not Ballot.objects.exists()
