"""Participatory-budget votes: a voter registers, confirms the link, casts a ballot of two proposals."""


def votes(count: int) -> dict:
    from budgets import services
    from budgets.models import BallotChoice
    from budgets.services import voter_token_make
    from tests.budgets.factories import cycle_build

    cycle = cycle_build(proposals=5, year=2099, slug="bench-vote")
    proposals = list(cycle.proposals.order_by("pk")[:2])
    for index in range(count):
        voter = services.voter_register(
            cycle=cycle, email=f"voter{index}@example.ma", site_url="https://openmun.example.ma"
        )
        voter = services.voter_confirm(cycle=cycle, token=voter_token_make(voter))
        services.ballot_cast(voter=voter, proposals=proposals)
    counted = BallotChoice.objects.filter(ballot__cycle=cycle, proposal=proposals[0]).count()
    return {"done": count, "counted": counted}


SCENARIOS = {"participatory-budget votes (register + confirm + ballot)": votes}
