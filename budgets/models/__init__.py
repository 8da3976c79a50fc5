"""The budgets app's models: the citizen budget and the participatory budget."""

from .citizen import BudgetLine, BudgetYear, GlossaryTerm
from .participatory import Ballot, BallotChoice, Cycle, Phase, Proposal, ProposalUpdate, Voter

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
