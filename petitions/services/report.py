"""A visitor's report of a public petition, through the portal's one moderation pipeline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from moderation.services import item_report
from openmun.text import normalise
from petitions.models import Petition, PetitionReport


def petition_report(*, petition: Petition, reason: str, note: str = "") -> PetitionReport:
    """Record why a visitor reports a public petition and count the report; past the threshold, withdraw it."""
    if not petition.is_public:
        raise ValidationError(_("This item cannot be reported."), code="not_reportable")
    report = PetitionReport(petition=petition, reason=reason, note=normalise(note))
    report.full_clean()
    with transaction.atomic():
        # The count, and the withdrawal past the threshold, are the pipeline's, as for comments and contributions.
        item_report(item=petition)
        report.save()
    return report
