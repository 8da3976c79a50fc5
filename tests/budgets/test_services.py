"""The participatory budget's writes: proposals through the moderation pipeline, review, voters and ballots."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from budgets import services
from budgets.models import Ballot, Cycle, Phase, Proposal, Voter
from moderation.services import item_moderate
from tests.budgets.factories import CycleFactory, ProposalFactory, cycle_build, phases_build, voter_make

pytestmark = pytest.mark.django_db
Kind = Phase.Kind
SITE = "https://openmun.example.ma"


def fresh(cycle: Cycle) -> Cycle:
    return Cycle.objects.prefetch_related("phases").get(pk=cycle.pk)


def submit(cycle: Cycle, **fields) -> Proposal:
    data = {
        "title": "ملعب قرب للأطفال",
        "description": "تحويل الأرض الفارغة قرب المدرسة إلى ملعب صغير مسيج.",
        "neighbourhood": "حي النهضة",
        "estimated_cost": Decimal("300000"),
        **fields,
    }
    return services.proposal_submit(cycle=fresh(cycle), **data)


# Proposals


def test_a_proposal_waits_for_a_moderator_and_is_published_by_the_shared_pipeline(admin_user):
    cycle = cycle_build(current=Kind.PROPOSALS, proposals=0)
    proposal = submit(cycle, title="  ملعب\u202e قرب   للأطفال ", email=" someone@example.ma ")
    assert proposal.status == Proposal.Status.PENDING
    # Citizen text is cleaned like every other: bidi overrides and extra spaces go.
    assert proposal.title == "ملعب قرب للأطفال" and proposal.email == "someone@example.ma"
    assert proposal.fingerprint
    item_moderate(item=proposal, decision=Proposal.Status.PUBLISHED, acting_user=admin_user)
    proposal.refresh_from_db()
    assert proposal.is_published and proposal.moderated_by == admin_user


@override_settings(OPENMUN_MODERATION_PUBLISH_FIRST=True)
def test_publish_first_is_the_sites_setting_for_proposals_too():
    cycle = cycle_build(current=Kind.PROPOSALS, proposals=0)
    assert submit(cycle).status == Proposal.Status.PUBLISHED


def test_the_same_proposal_twice_is_refused_as_a_duplicate():
    cycle = cycle_build(current=Kind.PROPOSALS, proposals=0)
    submit(cycle)
    with pytest.raises(ValidationError) as error:
        submit(cycle, title="ملعب قرب للأطفال!", neighbourhood="مكان آخر")
    assert error.value.code == "duplicate"


def test_markup_in_a_proposal_is_refused():
    cycle = cycle_build(current=Kind.PROPOSALS, proposals=0)
    with pytest.raises(ValidationError) as error:
        submit(cycle, description="<script>alert(1)</script> وصف طويل بما فيه الكفاية")
    assert "description" in error.value.error_dict


@pytest.mark.parametrize("phase", [None, Kind.INFORMATION, Kind.REVIEW, Kind.VOTE])
def test_proposals_are_accepted_only_during_the_proposals_phase(phase):
    with time_machine.travel(datetime.date(2025, 3, 1), tick=False):
        cycle = cycle_build(current=phase, proposals=0)
        with pytest.raises(ValidationError) as error:
            submit(cycle)
    assert error.value.code == "proposals_closed"


def test_a_proposal_cannot_cost_more_than_the_envelope():
    cycle = cycle_build(current=Kind.PROPOSALS, proposals=0, envelope=Decimal("500000"))
    with pytest.raises(ValidationError) as error:
        submit(cycle, estimated_cost=Decimal("500000.01"))
    assert error.value.error_dict["estimated_cost"][0].code == "over_envelope"
    assert submit(cycle, estimated_cost=Decimal("500000")).pk


# Technical review


def test_staff_review_a_proposal_and_the_decision_is_logged(admin_user):
    cycle = cycle_build(current=Kind.REVIEW, proposals=0)
    proposal = ProposalFactory(cycle=cycle, eligibility=Proposal.Eligibility.PENDING)
    services.proposal_review(
        proposal=proposal,
        eligibility=Proposal.Eligibility.INELIGIBLE,
        reasons={"ar": "خارج اختصاصات الجماعة", "fr": ""},
        acting_user=admin_user,
    )
    proposal.refresh_from_db()
    assert proposal.eligibility == "ineligible" and proposal.reviewed_by == admin_user
    assert proposal.eligibility_reason_ar == "خارج اختصاصات الجماعة"
    services.proposal_review(
        proposal=proposal,
        eligibility=Proposal.Eligibility.ELIGIBLE,
        revised_cost=Decimal("450000"),
        acting_user=admin_user,
    )
    proposal.refresh_from_db()
    assert proposal.cost == Decimal("450000")
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.filter(object_id=str(proposal.pk)).count() == 2


def test_the_review_needs_a_reason_a_published_proposal_and_a_cost_within_the_envelope(admin_user):
    cycle = cycle_build(current=Kind.REVIEW, proposals=0, envelope=Decimal("500000"))
    proposal = ProposalFactory(cycle=cycle, eligibility=Proposal.Eligibility.PENDING)
    with pytest.raises(ValidationError) as error:
        services.proposal_review(proposal=proposal, eligibility="ineligible", acting_user=admin_user)
    assert error.value.error_dict[NON_FIELD_ERRORS][0].code == "reason_required"
    with pytest.raises(ValidationError) as error:
        services.proposal_review(
            proposal=proposal, eligibility="eligible", revised_cost=Decimal("600000"), acting_user=admin_user
        )
    assert "revised_cost" in error.value.error_dict
    hidden = ProposalFactory(cycle=cycle, status=Proposal.Status.HIDDEN, eligibility="pending")
    with pytest.raises(ValidationError) as error:
        services.proposal_review(proposal=hidden, eligibility="eligible", acting_user=admin_user)
    assert "eligibility" in error.value.error_dict


def test_the_review_is_frozen_once_the_vote_starts(admin_user, django_user_model):
    cycle = cycle_build(current=Kind.VOTE, proposals=1)
    with pytest.raises(ValidationError) as error:
        services.proposal_review(proposal=cycle.proposals.get(), eligibility="pending", acting_user=admin_user)
    assert error.value.code == "review_closed"
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.proposal_review(proposal=cycle.proposals.get(), eligibility="pending", acting_user=clerk)


# Voters


def test_registering_sends_a_link_and_never_stores_the_address(django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE)
    with django_capture_on_commit_callbacks(execute=True):
        voter = services.voter_register(cycle=fresh(cycle), email="Samira@Example.ma ", site_url=SITE)
    assert voter.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == ["Samira@Example.ma"]
    # The token carries the second it was signed: read it back from the link rather than signing again.
    link = re.search(rf"{re.escape(SITE)}/ar/budget/participatory/{cycle.slug}/vote/confirm/([^/\s]+)/", message.body)
    assert link and services.voter_token_read(link.group(1)) == (voter.pk, voter.link_nonce)
    stored = " ".join(str(value) for value in Voter.objects.values_list().get())
    assert "samira" not in stored.lower() and "example" not in stored
    # The same address, in another case, is the same voter, and gets a new link.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.voter_register(cycle=fresh(cycle), email="samira@example.ma", site_url=SITE)
    assert again == voter and len(mail.outbox) == 2 and Voter.objects.count() == 1


def test_a_link_confirms_its_voter_once_and_only_in_its_cycle():
    cycle = cycle_build(current=Kind.VOTE)
    other = cycle_build(current=Kind.VOTE)
    voter = voter_make(cycle, "a@example.ma", confirmed=False)
    token = services.voter_token_make(voter)
    with pytest.raises(ValidationError) as error:
        services.voter_confirm(cycle=fresh(other), token=token)
    assert error.value.code == "invalid"
    confirmed = services.voter_confirm(cycle=fresh(cycle), token=token)
    first = confirmed.confirmed_at
    assert first is not None and confirmed.session_nonce and not confirmed.link_nonce
    # Once: a second use of the same link is refused and changes nothing.
    with pytest.raises(ValidationError) as error:
        services.voter_confirm(cycle=fresh(cycle), token=token)
    assert error.value.code == "used"
    voter.refresh_from_db()
    assert (voter.confirmed_at, voter.session_nonce) == (first, confirmed.session_nonce)
    with pytest.raises(ValidationError) as error:
        services.voter_confirm(cycle=fresh(cycle), token=token[:-2])
    assert error.value.code == "invalid"


@override_settings(OPENMUN_VOTE_CONFIRMATION_HOURS=1)
def test_an_old_link_has_expired():
    cycle = cycle_build(current=Kind.VOTE)
    voter = voter_make(cycle, "a@example.ma", confirmed=False)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(hours=2)):
        token = services.voter_token_make(voter)
    with pytest.raises(ValidationError) as error:
        services.voter_confirm(cycle=fresh(cycle), token=token)
    assert error.value.code == "expired"
    with pytest.raises(signing.SignatureExpired):
        services.voter_token_read(token)


def test_nobody_registers_outside_the_vote():
    cycle = cycle_build(current=Kind.REVIEW)
    with pytest.raises(ValidationError) as error:
        services.voter_register(cycle=fresh(cycle), email="a@example.ma", site_url=SITE)
    assert error.value.code == "vote_closed"
    assert not mail.outbox


# Ballots


def test_a_ballot_within_the_envelope_is_recorded_and_can_be_changed():
    cycle = cycle_build(current=Kind.VOTE)  # proposals of 200 000 to 600 000, envelope 1 000 000
    first, second, third, fourth, _fifth = cycle.proposals.order_by("estimated_cost")
    voter = voter_make(cycle, "a@example.ma")
    ballot = services.ballot_cast(voter=voter, proposals=[first, fourth])
    assert set(ballot.choices.values_list("proposal", flat=True)) == {first.pk, fourth.pk}
    changed = services.ballot_cast(voter=voter, proposals=[second, third])
    assert changed.pk == ballot.pk and Ballot.objects.count() == 1
    assert set(changed.choices.values_list("proposal", flat=True)) == {second.pk, third.pk}


def test_the_envelope_rule_refuses_a_choice_that_costs_too_much_and_keeps_the_previous_one():
    cycle = cycle_build(current=Kind.VOTE)
    first, second, third, fourth, _fifth = cycle.proposals.order_by("estimated_cost")
    voter = voter_make(cycle, "a@example.ma")
    services.ballot_cast(voter=voter, proposals=[first, second, third])  # 200 + 300 + 400 = 900 000: fits
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(voter=voter, proposals=[second, third, fourth])  # 1 200 000
    assert error.value.code == "over_envelope"
    assert error.value.params == {"total": "1\xa0200\xa0000,00", "envelope": "1\xa0000\xa0000,00"}
    assert set(Ballot.objects.get().choices.values_list("proposal", flat=True)) == {first.pk, second.pk, third.pk}


def test_the_revised_cost_is_what_counts_against_the_envelope():
    cycle = cycle_build(current=Kind.VOTE, proposals=0)
    cheap = ProposalFactory(cycle=cycle, estimated_cost=Decimal("100000"), revised_cost=Decimal("900000"))
    other = ProposalFactory(cycle=cycle, estimated_cost=Decimal("200000"))
    with pytest.raises(ValidationError):
        services.ballot_cast(voter=voter_make(cycle, "a@example.ma"), proposals=[cheap, other])


def test_only_eligible_published_proposals_of_the_cycle_can_be_chosen():
    cycle = cycle_build(current=Kind.VOTE, proposals=1)
    voter = voter_make(cycle, "a@example.ma")
    for proposal in [
        ProposalFactory(cycle=cycle, eligibility=Proposal.Eligibility.INELIGIBLE, eligibility_reason_fr="Non"),
        ProposalFactory(cycle=cycle, eligibility=Proposal.Eligibility.PENDING),
        ProposalFactory(cycle=cycle, status=Proposal.Status.HIDDEN),
        ProposalFactory(cycle=cycle_build(current=Kind.VOTE, proposals=0)),
    ]:
        with pytest.raises(ValidationError) as error:
            services.ballot_cast(voter=voter, proposals=[cycle.proposals.first(), proposal])
        assert error.value.code == "not_eligible"
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(voter=voter, proposals=[])
    assert error.value.code == "empty_ballot"
    assert not Ballot.objects.exists()


def test_an_unconfirmed_voter_cannot_vote():
    cycle = cycle_build(current=Kind.VOTE)
    with pytest.raises(ValidationError) as error:
        services.ballot_cast(
            voter=voter_make(cycle, "a@example.ma", confirmed=False), proposals=[cycle.proposals.first()]
        )
    assert error.value.code == "not_confirmed"


def test_a_ballot_can_be_changed_until_the_vote_closes_and_not_after():
    with time_machine.travel(datetime.datetime(2025, 5, 10, 9, tzinfo=datetime.UTC), tick=False):
        cycle = cycle_build(current=Kind.VOTE)  # the vote runs 7 to 16 May
        voter = voter_make(cycle, "a@example.ma")
        services.ballot_cast(voter=voter, proposals=[cycle.proposals.first()])
    vote = cycle.phases.get(kind=Kind.VOTE)
    assert vote.ends_on == datetime.date(2025, 5, 16)
    # The last evening of the vote, in Casablanca, still counts.
    with time_machine.travel(datetime.datetime(2025, 5, 16, 22, 30, tzinfo=datetime.UTC), tick=False):
        services.ballot_cast(voter=voter, proposals=list(cycle.proposals.order_by("pk")[:2]))
    with (
        time_machine.travel(datetime.datetime(2025, 5, 17, 0, 30, tzinfo=datetime.UTC), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        services.ballot_cast(voter=voter, proposals=[cycle.proposals.last()])
    assert error.value.code == "vote_closed"
    assert Ballot.objects.get().choices.count() == 2


def test_staff_enter_paper_ballots_once_each_with_the_same_rules(admin_user, django_user_model):
    cycle = cycle_build(current=Kind.VOTE)
    proposals = list(cycle.proposals.order_by("estimated_cost")[:2])
    ballot = services.ballot_record_paper(
        cycle=cycle, reference=" P-0001 ", proposals=proposals, acting_user=admin_user
    )
    assert (ballot.channel, ballot.paper_reference, ballot.voter, ballot.recorded_by) == (
        "paper",
        "P-0001",
        None,
        admin_user,
    )
    with pytest.raises(ValidationError) as error:
        services.ballot_record_paper(cycle=cycle, reference="P-0001", proposals=proposals, acting_user=admin_user)
    assert "reference" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.ballot_record_paper(
            cycle=cycle, reference="P-0002", proposals=list(cycle.proposals.all()), acting_user=admin_user
        )
    assert error.value.code == "over_envelope"
    clerk = django_user_model.objects.create_user("clerk", is_staff=True)
    with pytest.raises(PermissionDenied):
        services.ballot_record_paper(cycle=cycle, reference="P-3", proposals=proposals, acting_user=clerk)


def test_paper_ballots_are_entered_until_the_results_are_published(admin_user):
    cycle = CycleFactory()
    phases_build(cycle, current=Kind.RESULTS)
    proposal = ProposalFactory(cycle=cycle)
    with pytest.raises(ValidationError) as error:
        services.ballot_record_paper(cycle=cycle, reference="P-1", proposals=[proposal], acting_user=admin_user)
    assert error.value.code == "paper_closed"


def test_a_new_link_keeps_the_date_the_voter_first_confirmed():
    cycle = cycle_build(current=Kind.VOTE)
    voter = voter_make(cycle, "a@example.ma", confirmed=False)
    first = services.voter_confirm(cycle=fresh(cycle), token=services.voter_token_make(voter)).confirmed_at
    # A new link, as voter_register gives a known address.
    Voter.objects.filter(pk=voter.pk).update(link_nonce="new-link-nonce-0000000")
    voter.refresh_from_db()
    again = services.voter_confirm(cycle=fresh(cycle), token=services.voter_token_make(voter))
    voter.refresh_from_db()
    assert again.confirmed_at == voter.confirmed_at == first
    assert again.session_nonce == voter.session_nonce and again.link_nonce == voter.link_nonce == ""


def test_a_known_address_and_a_new_one_cost_the_same_work(django_capture_on_commit_callbacks):
    cycle = cycle_build(current=Kind.VOTE)
    services.voter_register(cycle=fresh(cycle), email="known@example.ma", site_url=SITE)
    statements = []
    for email in ("known@example.ma", "new@example.ma"):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            services.voter_register(cycle=fresh(cycle), email=email, site_url=SITE)
        statements.append([query["sql"].split()[0] for query in queries.captured_queries])
    assert statements[0] == statements[1]
    assert Voter.objects.count() == 2 and len(mail.outbox) == 2
