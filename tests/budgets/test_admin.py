"""The staff's side: the budget editors' admin, the technical review, paper ballots and moderation."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone, translation

from budgets.models import Ballot, Phase, Proposal
from moderation.services import personal_data_purge
from openmun.cache import CONTENT, version_get
from tests.budgets.factories import CycleFactory, ProposalFactory, cycle_build, year_build

pytestmark = pytest.mark.django_db
Kind = Phase.Kind


def admin_url(name: str, *args, language: str = "fr") -> str:
    with translation.override(language):
        return reverse(f"admin:budgets_{name}", args=args)


@pytest.mark.parametrize("language", ["ar", "fr"])
@pytest.mark.parametrize("model", ["budgetyear", "glossaryterm", "cycle", "proposal", "ballot"])
def test_budget_editors_list_and_open_everything(client, editor, language, model):
    client.force_login(editor)
    year_build(2024)
    cycle = cycle_build(current=Kind.VOTE)
    Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference="P-1")
    from tests.budgets.factories import GlossaryTermFactory

    GlossaryTermFactory()
    response = client.get(admin_url(f"{model}_changelist", language=language))
    assert response.status_code == 200
    obj = response.context["cl"].result_list[0]
    html = client.get(admin_url(f"{model}_change", obj.pk, language=language)).content.decode()
    assert f'lang="{language}"' in html
    assert "citizen@example.ma" not in html or model == "proposal"


def test_budget_editors_may_not_manage_users_or_the_programme(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:programme_project_changelist")).status_code == 403


def review_data(proposal: Proposal, **changes) -> dict:
    data = {
        "eligibility": proposal.eligibility,
        "eligibility_reason_ar": "",
        "eligibility_reason_fr": "",
        "revised_cost": "",
        "progress_status": proposal.progress_status,
        "progress": "",
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_the_technical_review_goes_through_the_service(client, editor):
    client.force_login(editor)
    cycle = cycle_build(current=Kind.REVIEW, proposals=0)
    proposal = ProposalFactory(cycle=cycle, eligibility=Proposal.Eligibility.PENDING)
    url = admin_url("proposal_change", proposal.pk)
    response = client.post(url, review_data(proposal, eligibility="ineligible"))
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors().as_data()[0].code == "reason_required"
    response = client.post(
        url,
        review_data(proposal, eligibility="ineligible", eligibility_reason_fr="Hors des compétences de la commune."),
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.eligibility, proposal.reviewed_by) == ("ineligible", editor)


def test_the_review_cannot_change_once_the_vote_has_started(client, editor):
    client.force_login(editor)
    cycle = cycle_build(current=Kind.VOTE, proposals=1)
    proposal = cycle.proposals.get()
    response = client.post(admin_url("proposal_change", proposal.pk), review_data(proposal, revised_cost="1"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    proposal.refresh_from_db()
    assert proposal.revised_cost is None


def test_staff_enter_a_paper_ballot_on_the_cycles_page(client, editor):
    client.force_login(editor)
    cycle = cycle_build(current=Kind.VOTE)
    first, second = cycle.proposals.order_by("estimated_cost")[:2]
    url = admin_url("cycle_paper_ballot", cycle.pk, language="ar")
    assert url in client.get(admin_url("cycle_change", cycle.pk, language="ar")).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"reference": "P-0007", "proposals": [first.pk, second.pk]})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.paper_reference, ballot.recorded_by, ballot.choices.count()) == ("P-0007", editor, 2)
    # Over the envelope: refused, with the error on the page.
    response = client.post(url, {"reference": "P-0008", "proposals": [p.pk for p in cycle.proposals.all()]})
    assert response.status_code == 200 and response.context["form"].errors
    assert Ballot.objects.count() == 1


def test_overlapping_phases_are_refused(client, editor):
    client.force_login(editor)
    cycle = CycleFactory()
    data = {
        "year": 2025,
        "slug": cycle.slug,
        "title_ar": "دورة",
        "title_fr": "Cycle",
        "envelope": "1000000",
        "rulebook_ar": "",
        "rulebook_fr": "",
        "description_ar": "",
        "description_fr": "",
        "is_published": "on",
        "phases-TOTAL_FORMS": 2,
        "phases-INITIAL_FORMS": 0,
        "phases-0-kind": "proposals",
        "phases-0-starts_on": "01/03/2025",
        "phases-0-ends_on": "31/03/2025",
        "phases-1-kind": "vote",
        "phases-1-starts_on": "31/03/2025",
        "phases-1-ends_on": "30/04/2025",
    }
    response = client.post(admin_url("cycle_change", cycle.pk), data)
    assert response.status_code == 200
    assert not cycle.phases.exists()
    data["phases-1-starts_on"] = "01/04/2025"
    assert client.post(admin_url("cycle_change", cycle.pk), data).status_code == 302
    assert cycle.phases.count() == 2


def test_moderators_publish_proposals_with_the_shared_admin_action(client):
    moderator = User.objects.create_user("moderator", password="x-Strong-pass-1", is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderators"))
    client.force_login(moderator)
    proposal = ProposalFactory(status=Proposal.Status.PENDING)
    response = client.post(
        admin_url("proposal_changelist"), {"action": "publish_selected", "_selected_action": [proposal.pk]}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PUBLISHED and proposal.moderated_by == moderator


def test_proposers_contact_details_are_erased_after_the_retention_period():
    proposal = ProposalFactory(
        display_name="Samira", email="samira@example.ma", created_at=timezone.now() - datetime.timedelta(days=400)
    )
    personal_data_purge(before=timezone.now() - datetime.timedelta(days=365))
    proposal.refresh_from_db()
    assert (proposal.display_name, proposal.email) == ("", "")
    assert proposal.title


def test_deleting_a_ballot_in_the_admin_renders_the_results_anew(admin_client):
    cycle = cycle_build(current=Kind.RESULTS)
    ballot = Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference="P-1")
    before = version_get(CONTENT)
    response = admin_client.post(admin_url("ballot_delete", ballot.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Ballot.objects.exists()
    assert version_get(CONTENT) != before


def test_deleting_ballots_from_the_admins_list_renders_the_results_anew(admin_client):
    cycle = cycle_build(current=Kind.RESULTS)
    ballot = Ballot.objects.create(cycle=cycle, channel=Ballot.Channel.PAPER, paper_reference="P-1")
    before = version_get(CONTENT)
    response = admin_client.post(
        admin_url("ballot_changelist"), {"action": "delete_selected", "_selected_action": [ballot.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Ballot.objects.exists()
    assert version_get(CONTENT) != before
