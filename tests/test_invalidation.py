"""Every write service moves the content version, so that no cached page outlives the data it shows."""

import datetime
import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

import petitions.services
from budgets import services as budget_services
from budgets.imports import ParsedLine
from budgets.models import BudgetLine, Phase, Proposal
from consultations import services as consultation_services
from consultations.models import Contribution
from following import services as following_services
from following.models import Follow
from moderation import services as moderation_services
from moderation.models import Moderated
from openmun.cache import CONTENT, version_get
from petitions.models import Petition, PetitionEvent, Support
from petitions.services import steps
from tests.budgets.factories import BudgetYearFactory, ProposalFactory, cycle_build, voter_make
from tests.consultations.factories import CommentFactory, ContributionFactory, open_round
from tests.factories import CommuneFactory, ProgrammeFactory, ProjectFactory
from tests.petitions.factories import CouncilSessionFactory, PetitionFactory, SupportFactory
from transparency import services as transparency_services
from transparency.models import SearchSynonym

pytestmark = pytest.mark.django_db

State = Petition.State
Kind = Phase.Kind
SITE = "https://openmun.example.ma"
PENDING = Moderated.Status.PENDING
PUBLISHED = Moderated.Status.PUBLISHED


def today() -> datetime.date:
    return timezone.localdate()


def comment(**fields):
    return CommentFactory(project=ProjectFactory(), **fields)


# Each function sets up what its service needs and returns the call, so that the version is read in between.


def item_moderate(user):
    item = comment(status=PENDING)
    return lambda: moderation_services.item_moderate(item=item, decision=PUBLISHED, acting_user=user)


def items_moderate(user):
    item = comment(status=PENDING)
    return lambda: moderation_services.items_moderate(items=[item], decision=PUBLISHED, acting_user=user)


def item_report(user):
    item = comment()

    def call():
        with override_settings(OPENMUN_MODERATION_REPORT_THRESHOLD=1):
            moderation_services.item_report(item=item)

    return call


def personal_data_purge(user):
    comment(created_at=timezone.now() - datetime.timedelta(days=400))
    return lambda: moderation_services.personal_data_purge(before=timezone.now() - datetime.timedelta(days=365))


def contribution_submit(user):
    consultation_round = open_round(ProgrammeFactory())
    return lambda: consultation_services.contribution_submit(
        consultation_round=consultation_round, text="نقترح إحداث مساحات خضراء قرب المدارس"
    )


def contribution_record(user):
    consultation_round = open_round(ProgrammeFactory())
    return lambda: consultation_services.contribution_record(
        consultation_round=consultation_round,
        channel=Contribution.Channel.PAPER,
        text="تنظيم حملات تحسيسية في الأسواق",
        acting_user=user,
    )


def contribution_answer(user):
    contribution = ContributionFactory(round=open_round(ProgrammeFactory()))
    return lambda: consultation_services.contribution_answer(
        contribution=contribution,
        outcome=Contribution.Outcome.OUT_OF_SCOPE,
        answers={"ar": "خارج اختصاصات الجماعة"},
        acting_user=user,
    )


def comment_post(user):
    project = ProjectFactory()
    return lambda: consultation_services.comment_post(project=project, text="متى يبدأ المشروع؟")


def comment_reply(user):
    item = comment()
    return lambda: consultation_services.comment_reply(
        comment=item, texts={"ar": "في الربيع المقبل."}, acting_user=user
    )


def comment_reply_update(user):
    reply = consultation_services.comment_reply(comment=comment(), texts={"ar": "في الربيع المقبل."}, acting_user=user)
    return lambda: consultation_services.comment_reply_update(
        reply=reply, texts={"ar": "في الربيع المقبل.", "fr": "Au printemps prochain."}, acting_user=user
    )


def council_sessions_generate(user):
    return lambda: petitions.services.council_sessions_generate(year=2031)


def petition_submit(user):
    CommuneFactory(population=192676)
    return lambda: petitions.services.petition_submit(
        kind=Petition.Kind.CITIZENS,
        title="إنارة حي الأمل بالإنارة العمومية",
        request="نطلب من المجلس إدراج نقطة تتعلق بتعميم الإنارة العمومية في حي الأمل.",
        reasons="الحي يعاني من الظلام ليلا مما يهدد سلامة السكان.",
        domain=Petition.Domain.LIGHTING,
        contact_email="agent@example.ma",
        agent_name="فاطمة الزهراء",
        language="ar",
    )


PAPER_PETITION = {
    "kind": Petition.Kind.CITIZENS,
    "title": "تهيئة حديقة حي النصر",
    "request": "نطلب من المجلس إدراج نقطة تتعلق بتهيئة حديقة حي النصر.",
    "reasons": "لا توجد مساحة خضراء في الحي ويحتاجها الأطفال.",
    "domain": Petition.Domain.GREEN_SPACES,
    "contact_email": "",
    "agent_name": "محمد أمين",
    "language": "ar",
}


def petition_record_paper(user):
    CommuneFactory(population=192676)
    return lambda: petitions.services.petition_record_paper(acting_user=user, **PAPER_PETITION)


def petition_file(user):
    CommuneFactory(population=192676)
    petition = petitions.services.submission.petition_prepare(**PAPER_PETITION)
    return lambda: petitions.services.submission.petition_file(petition, acting_user=None)


def petition_publish(user):
    petition = PetitionFactory(state=State.SUBMITTED, status=PENDING, published_on=None)
    return lambda: petitions.services.petition_publish(petition=petition, acting_user=user)


def petition_not_admit(user):
    petition = PetitionFactory(state=State.SUBMITTED, status=PENDING, published_on=None)
    return lambda: petitions.services.petition_not_admit(petition=petition, reason="خارج الاختصاص", acting_user=user)


def petition_deposit(user):
    petition = PetitionFactory()
    return lambda: petitions.services.petition_deposit(
        petition=petition, receipt_number="1/2026", deposited_on=today(), paper_signature_count=210, acting_user=user
    )


def petition_review_start(user):
    petition = PetitionFactory(state=State.DEPOSITED, deposited_on=today())
    return lambda: petitions.services.petition_review_start(petition=petition, started_on=today(), acting_user=user)


def petition_accept(user):
    petition = PetitionFactory(state=State.UNDER_REVIEW, deposited_on=today(), paper_signature_count=210)
    session = CouncilSessionFactory()
    return lambda: petitions.services.petition_accept(
        petition=petition, decided_on=today(), session=session, committees={"ar": "لجنة"}, acting_user=user
    )


def petition_refuse(user):
    petition = PetitionFactory(state=State.UNDER_REVIEW, deposited_on=today())
    return lambda: petitions.services.petition_refuse(
        petition=petition, decided_on=today(), reasons={"ar": "خارج الاختصاص"}, acting_user=user
    )


def petition_refusal_notify(user):
    petition = PetitionFactory(
        state=State.REFUSED, deposited_on=today(), decided_on=today(), closed_on=today(), refusal_reasons_ar="سبب"
    )
    return lambda: petitions.services.petition_refusal_notify(petition=petition, notified_on=today(), acting_user=user)


def petition_deliberate(user):
    petition = PetitionFactory(
        state=State.ACCEPTED,
        deposited_on=today(),
        decided_on=today(),
        paper_signature_count=210,
        session=CouncilSessionFactory(),
        committees_ar="لجنة",
    )
    return lambda: petitions.services.petition_deliberate(
        petition=petition,
        deliberated_on=today(),
        outcome=Petition.Outcome.APPROVED,
        decision_reference="45/2026",
        acting_user=user,
    )


def petition_withdraw(user):
    petition = PetitionFactory()
    return lambda: petitions.services.petition_withdraw(petition=petition, withdrawn_on=today(), acting_user=user)


def petition_report(user):
    petition = PetitionFactory()
    return lambda: petitions.services.petition_report(petition=petition, reason="spam")


def event_add(user):
    petition = PetitionFactory()
    return lambda: steps.event_add(petition, PetitionEvent.Action.PUBLISHED, today(), acting_user=user)


def support_submit(user):
    petition = PetitionFactory()
    return lambda: petitions.services.support_submit(
        petition=petition,
        name="مواطن",
        relation=Support.Relation.RESIDENT,
        email="citizen@example.ma",
        consent=True,
        site_url=SITE,
    )


def support_confirm(user):
    support = SupportFactory(confirmed_at=None)
    return lambda: petitions.services.support_confirm(support=support, nonce=support.link_nonce)


def petition_data_purge(user):
    closed = PetitionFactory(state=State.WITHDRAWN, closed_on=today() - datetime.timedelta(days=3650))
    SupportFactory(petition=closed)
    return lambda: petitions.services.petition_data_purge()


def budget_year_import(user):
    # A year without lines: no deletion moves the version, only the signal sent once the import commits.
    budget_year = BudgetYearFactory()
    line = ParsedLine(
        part=BudgetLine.Part.OPERATING,
        direction=BudgetLine.Direction.REVENUE,
        code="R-1",
        labels={"ar": "الرسم على الأراضي غير المبنية", "fr": "Taxe sur les terrains non bâtis"},
        explanations={},
        adopted=Decimal("1000.00"),
        executed=None,
    )
    return lambda: budget_services.budget_year_import(budget_year=budget_year, lines=[line], acting_user=user)


def proposal_submit(user):
    cycle = cycle_build(current=Kind.PROPOSALS, proposals=0)
    return lambda: budget_services.proposal_submit(
        cycle=cycle,
        title="ملعب قرب للأطفال",
        description="تحويل الأرض الفارغة قرب المدرسة إلى ملعب صغير مسيج.",
        neighbourhood="حي النهضة",
        estimated_cost=Decimal("300000"),
    )


def proposal_review(user):
    proposal = ProposalFactory(
        cycle=cycle_build(current=Kind.REVIEW, proposals=0), eligibility=Proposal.Eligibility.PENDING
    )
    return lambda: budget_services.proposal_review(
        proposal=proposal, eligibility=Proposal.Eligibility.ELIGIBLE, acting_user=user
    )


def voter_register(user):
    cycle = cycle_build(current=Kind.VOTE)
    return lambda: budget_services.voter_register(cycle=cycle, email="voter@example.ma", site_url=SITE)


def voter_confirm(user):
    cycle = cycle_build(current=Kind.VOTE)
    token = budget_services.voter_token_make(voter_make(cycle, "voter@example.ma", confirmed=False))
    return lambda: budget_services.voter_confirm(cycle=cycle, token=token)


def ballot_cast(user):
    cycle = cycle_build(current=Kind.VOTE)
    voter = voter_make(cycle, "voter@example.ma")
    return lambda: budget_services.ballot_cast(voter=voter, proposals=[cycle.proposals.first()])


def ballot_record_paper(user):
    cycle = cycle_build(current=Kind.VOTE)
    return lambda: budget_services.ballot_record_paper(
        cycle=cycle, reference="P-1", proposals=[cycle.proposals.first()], acting_user=user
    )


def synonym_save(user):
    return lambda: transparency_services.synonym_save(subject="النفايات", words="نفايات\nزبل", acting_user=user)


def synonym_delete(user):
    synonym = SearchSynonym.objects.create(subject="النفايات", words="نفايات\nزبل")
    return lambda: transparency_services.synonym_delete(synonym=synonym, acting_user=user)


BUDGET = "budget:participatory"


def follow_make(email: str = "amina@example.ma", *, confirmed: bool = True) -> Follow:
    return Follow.objects.create(
        target=BUDGET, email=email, language="ar", confirmed_at=timezone.now() if confirmed else None
    )


def follow_request(user):
    return lambda: following_services.follow_request(
        target=BUDGET, email="amina@example.ma", frequency="immediate", language="ar", consent=True, site_url=SITE
    )


def follow_confirm(user):
    follow = follow_make(confirmed=False)
    return lambda: following_services.follow_confirm(follow=follow, nonce=follow.link_nonce)


def follow_confirmed_create(user):
    return lambda: following_services.follow_confirmed_create(target=BUDGET, email="amina@example.ma", language="ar")


def follow_unsubscribe(user):
    follow = follow_make()
    return lambda: following_services.follow_unsubscribe(key=follow.key)


def follow_stop_all(user):
    follow = follow_make()
    return lambda: following_services.follow_stop_all(key=follow.key)


def announce(user):
    follow_make()
    return lambda: following_services.announce(target=BUDGET, event="phase_opened", site_url=SITE)


def round_outcomes_announce(user):
    consultation_round = open_round(ProgrammeFactory())
    return lambda: consultation_services.round_outcomes_announce(consultation_round=consultation_round)


def follow_digests_send(user):
    follow = follow_make()
    Follow.objects.filter(pk=follow.pk).update(frequency=Follow.Frequency.WEEKLY)
    following_services.announce(target=BUDGET, event="phase_opened", site_url=SITE)
    return lambda: following_services.follow_digests_send(site_url=SITE)


def openings_announce(user):
    follow_make()
    cycle_build()
    return lambda: following_services.openings_announce(site_url=SITE)


def follow_data_purge(user):
    follow = follow_make(confirmed=False)
    Follow.objects.filter(pk=follow.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    return lambda: following_services.follow_data_purge()


# Services whose write changes what a page shows: each must move the content version.
WRITES = {
    "moderation.services.item_moderate": item_moderate,
    "moderation.services.items_moderate": items_moderate,
    # Past the threshold: an update() that withdraws the item, so the service moves the version itself.
    "moderation.services.item_report": item_report,
    # An update() too: the erased names must leave the cached pages.
    "moderation.services.personal_data_purge": personal_data_purge,
    "consultations.services.contribution_submit": contribution_submit,
    "consultations.services.contribution_record": contribution_record,
    "consultations.services.contribution_answer": contribution_answer,
    "consultations.services.comment_post": comment_post,
    "consultations.services.comment_reply": comment_reply,
    "consultations.services.comment_reply_update": comment_reply_update,
    # The pages count the confirmed followers: a confirmation or an unsubscription moves the version itself.
    "following.services.follow_confirm": follow_confirm,
    "following.services.follow_confirmed_create": follow_confirmed_create,
    "following.services.follow_unsubscribe": follow_unsubscribe,
    "following.services.follow_stop_all": follow_stop_all,
    "petitions.services.council_sessions_generate": council_sessions_generate,
    "petitions.services.petition_submit": petition_submit,
    "petitions.services.petition_record_paper": petition_record_paper,
    "petitions.services.submission.petition_file": petition_file,
    "petitions.services.petition_publish": petition_publish,
    "petitions.services.petition_not_admit": petition_not_admit,
    "petitions.services.petition_deposit": petition_deposit,
    "petitions.services.petition_review_start": petition_review_start,
    "petitions.services.petition_accept": petition_accept,
    "petitions.services.petition_refuse": petition_refuse,
    "petitions.services.petition_refusal_notify": petition_refusal_notify,
    "petitions.services.petition_deliberate": petition_deliberate,
    "petitions.services.petition_withdraw": petition_withdraw,
    "petitions.services.steps.event_add": event_add,
    # The report's row is saved (its signal moves the version); past the threshold, the pipeline's update()
    # withdraws the petition and moves it too.
    "petitions.services.petition_report": petition_report,
    # An update() of the count, called by the confirmation link's view but also from anywhere else.
    "petitions.services.support_confirm": support_confirm,
    # bulk_create: the service sends objects_bulk_saved once the transaction commits.
    "budgets.services.budget_year_import": budget_year_import,
    "budgets.services.proposal_submit": proposal_submit,
    "budgets.services.proposal_review": proposal_review,
    # What a search finds: the search pages.
    "transparency.services.synonym_save": synonym_save,
    "transparency.services.synonym_delete": synonym_delete,
}

# Services that write what no page shows, and so deliberately leave the cached pages alone.
WRITES_NOTHING_PUBLIC = {
    # Supporters and voters are private models (openmun.apps.PortalAppConfig): at a hundred a second they must not
    # throw away every cached page. A support counts when confirmed, and the petition's update moves the version.
    "petitions.services.support_submit": (support_submit, "an unconfirmed support is shown and counted nowhere"),
    "petitions.services.petition_data_purge": (
        petition_data_purge,
        "supporters and the agent's contact are shown nowhere; the counts stay on the petition",
    ),
    "budgets.services.voter_register": (voter_register, "a voter's address and link are shown nowhere"),
    "budgets.services.voter_confirm": (
        voter_confirm,
        "who confirmed is never shown; the ballot page reads the voter from the visitor's session, never cached",
    ),
    # Ballots are private models too: they are counted on the cycle's page once the results are public, after the
    # vote (the tests below: the version moves then).
    "budgets.services.ballot_cast": (ballot_cast, "no page counts the ballots while the vote runs"),
    "budgets.services.ballot_record_paper": (
        ballot_record_paper,
        "paper ballots are entered before the results are public, which no page shows until then",
    ),
    # Addresses are shown on no page; a request to follow, unconfirmed, is not counted either.
    "following.services.follow_request": (follow_request, "unconfirmed follows are shown and counted on no page"),
    "following.services.announce": (announce, "news are mailed; the feature app's own write moves the version"),
    "consultations.services.round_outcomes_announce": (
        round_outcomes_announce,
        "news are mailed; the outcome or the summary it announces moved the version",
    ),
    "following.services.follow_digests_send": (follow_digests_send, "summaries are mailed, shown on no page"),
    "following.services.follow_data_purge": (follow_data_purge, "follows are shown on no page"),
    "following.services.openings_announce": (openings_announce, "news are mailed, shown on no page"),
}

# Checks, tokens and helpers of the services: they write nothing.
READ_ONLY = {
    "moderation.services.moderation_initial_status",
    "moderation.services.duplicate_refuse",
    "moderation.services.contact_details_models",
    # Fills, at start-up, the registry of who tells an author of a decision: nothing in the database.
    "moderation.services.decision_notice_register",
    # Registration at start-up: it writes no row.
    "moderation.services.purge_register",
    "following.services.follow_token_make",
    "following.services.follow_token_read",
    "petitions.services.allowed_next_states",
    "consultations.services.reply_texts_set",
    "consultations.services.author_language_default",
    "petitions.services.submission.petition_prepare",
    "petitions.services.steps.transition_check",
    "petitions.services.steps.petition_locked",
    "petitions.services.steps.date_check",
    "petitions.services.steps.translations_set",
    "petitions.services.support_token_make",
    "petitions.services.support_token_read",
    "budgets.services.proposal_review_check",
    "budgets.services.email_fingerprint",
    "budgets.services.voter_token_make",
    "budgets.services.voter_token_read",
    "budgets.services.voter_link_check",
}


@pytest.mark.parametrize("name", WRITES)
def test_a_write_service_moves_the_content_version(name, admin_user, django_capture_on_commit_callbacks):
    call = WRITES[name](admin_user)
    before = version_get(CONTENT)
    with django_capture_on_commit_callbacks(execute=True):
        call()
    assert version_get(CONTENT) != before


@pytest.mark.parametrize("name", WRITES_NOTHING_PUBLIC)
def test_a_write_that_no_page_shows_keeps_the_cached_pages(name, admin_user, django_capture_on_commit_callbacks):
    setup, _reason = WRITES_NOTHING_PUBLIC[name]
    call = setup(admin_user)
    before = version_get(CONTENT)
    with django_capture_on_commit_callbacks(execute=True):
        call()
    assert version_get(CONTENT) == before


def test_a_ballot_cast_while_the_results_are_public_moves_the_content_version(django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE)
    voter = voter_make(cycle, "voter@example.ma")
    # Phases that overlap (the admin refuses them, the model does not): the results show while the vote runs.
    cycle.phases.filter(kind=Kind.RESULTS).update(starts_on=today())
    before = version_get(CONTENT)
    with django_capture_on_commit_callbacks(execute=True):
        budget_services.ballot_cast(voter=voter, proposals=[cycle.proposals.first()])
    assert version_get(CONTENT) != before


def test_a_ballot_that_commits_once_the_results_are_public_moves_the_content_version(
    django_capture_on_commit_callbacks,
):
    cycle = cycle_build(current=Kind.VOTE)
    voter = voter_make(cycle, "voter@example.ma")
    before = version_get(CONTENT)
    with django_capture_on_commit_callbacks() as callbacks:
        budget_services.ballot_cast(voter=voter, proposals=[cycle.proposals.first()])
    assert version_get(CONTENT) == before
    # Accepted on the vote's last day, committed after midnight: the results that count it are public by then.
    results_day = cycle.phases.get(kind=Kind.RESULTS).starts_on
    with time_machine.travel(datetime.datetime(*results_day.timetuple()[:3], 12, tzinfo=datetime.UTC), tick=False):
        for callback in callbacks:
            callback()
    assert version_get(CONTENT) != before


def public_functions(module) -> set:
    return {
        function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and function.__module__ == module.__name__
    }


def test_every_service_has_decided_how_it_invalidates():
    modules = [
        moderation_services,
        consultation_services,
        budget_services,
        transparency_services,
        following_services,
    ] + [
        importlib.import_module(f"{petitions.services.__name__}.{module.name}")
        for module in pkgutil.iter_modules(petitions.services.__path__)
    ]
    found = set().union(*(public_functions(module) for module in modules))
    declared = {pkgutil.resolve_name(name) for name in {*WRITES, *WRITES_NOTHING_PUBLIC, *READ_ONLY}}
    assert sorted(f"{f.__module__}.{f.__name__}" for f in found - declared) == []
    assert sorted(f"{f.__module__}.{f.__name__}" for f in declared - found) == []
