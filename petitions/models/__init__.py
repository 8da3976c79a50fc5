"""Petitions to the commune council, their online support, and the council's sessions."""

from petitions.models.council import AgendaItem, CouncilSession, CouncilSessionQuerySet
from petitions.models.petition import (
    REASONS_MAX_LENGTH,
    REQUEST_MAX_LENGTH,
    Petition,
    PetitionEvent,
    PetitionQuerySet,
    PetitionReport,
    months_add,
)
from petitions.models.support import Support, SupportQuerySet

__all__ = [
    "REASONS_MAX_LENGTH",
    "REQUEST_MAX_LENGTH",
    "AgendaItem",
    "CouncilSession",
    "CouncilSessionQuerySet",
    "Petition",
    "PetitionEvent",
    "PetitionQuerySet",
    "PetitionReport",
    "Support",
    "SupportQuerySet",
    "months_add",
]
