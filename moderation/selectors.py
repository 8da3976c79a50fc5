"""Reads of the moderation pipeline across apps: which models are moderated, and what awaits a moderator."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from moderation.models import Moderated

PENDING = Q(status=Moderated.Status.PENDING)
# Published items that visitors reported since their last review: still shown, awaiting a second look.
REPORTED = Q(status=Moderated.Status.PUBLISHED, report_count__gt=0)


def moderated_models() -> list[type[Moderated]]:
    """Return every concrete model whose items go through the moderation pipeline, in the apps' order."""
    return [model for model in apps.get_models() if issubclass(model, Moderated)]


@dataclass(frozen=True)
class QueueSummary:
    """What awaits a moderator in one model.

    pending: new items, and published ones withdrawn after reports (withdrawn of them); oldest: when the oldest
    pending item was submitted. reported: published items reported since their review, with reports in all.
    """

    model: type[Moderated]
    pending: int
    oldest: datetime.datetime | None
    withdrawn: int
    reported: int
    reports: int

    def oldest_age_on(self, day: datetime.date) -> int | None:
        """Return how many days the oldest pending item has waited on day, or None when nothing is pending."""
        return (day - timezone.localdate(self.oldest)).days if self.oldest else None


def queue_summary(model: type[Moderated]) -> QueueSummary:
    """Return what awaits a moderator in model; one query, whatever the number of items."""
    figures = model._default_manager.aggregate(
        pending=Count("pk", filter=PENDING),
        oldest=Min("created_at", filter=PENDING),
        withdrawn=Count("pk", filter=PENDING & Q(report_count__gt=0)),
        reported=Count("pk", filter=REPORTED),
        reports=Sum("report_count", filter=REPORTED),
    )
    return QueueSummary(
        model=model,
        pending=figures["pending"],
        oldest=figures["oldest"],
        withdrawn=figures["withdrawn"],
        reported=figures["reported"],
        reports=figures["reports"] or 0,
    )


def model_label(model: type[models.Model]) -> str:
    """Return "app_label.model_name", as permissions and the dashboard name a model."""
    return model._meta.label_lower
