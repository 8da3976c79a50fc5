"""The budgets app's models: the citizen budget and the participatory budget."""

from .ballots import Ballot, BallotChoice, Voter
from .citizen import BudgetLine, BudgetYear, GlossaryTerm
from .participatory import Cycle, Phase, Proposal, ProposalUpdate

__all__ = [
    "Ballot",
    "BallotChoice",
    "BudgetLine",
    "BudgetYear",
    "Cycle",
    "GlossaryTerm",
    "Phase",
    "Proposal",
    "ProposalUpdate",
    "Voter",
]
