"""The columns of the staff exports of contributions and comments (moderation.exports writes them)."""

from __future__ import annotations

from django.db import models

from consultations.models import Comment, Contribution
from moderation.exports import Column, field_column, reference_column, submitted_column


def contribution_columns() -> list[Column]:
    return [
        Column("#", lambda contribution: contribution.pk),
        field_column(Contribution, "round"),
        submitted_column(Contribution),
        field_column(Contribution, "channel", display=True),
        field_column(Contribution, "status", display=True),
        field_column(Contribution, "title"),
        field_column(Contribution, "text"),
        field_column(Contribution, "axis"),
        field_column(Contribution, "project"),
        field_column(Contribution, "display_name"),
        field_column(Contribution, "report_count"),
        field_column(Contribution, "outcome", display=True),
        field_column(Contribution, "outcome_project"),
        reference_column(Contribution, "merged_into"),
        field_column(Contribution, "answer_ar"),
        field_column(Contribution, "answer_fr"),
    ]


def comment_columns() -> list[Column]:
    return [
        Column("#", lambda comment: comment.pk),
        field_column(Comment, "project"),
        submitted_column(Comment),
        field_column(Comment, "status", display=True),
        field_column(Comment, "is_official"),
        reference_column(Comment, "parent"),
        field_column(Comment, "text"),
        field_column(Comment, "display_name"),
        field_column(Comment, "report_count"),
        field_column(Comment, "moderation_reason"),
    ]


def contribution_export_queryset(queryset: models.QuerySet) -> models.QuerySet:
    """Return contributions as the export reads them: what they name joined, no e-mail address."""
    return (
        queryset.select_related("round", "axis", "project", "outcome_project")
        .defer("email")
        .order_by("created_at", "pk")
    )


def comment_export_queryset(queryset: models.QuerySet) -> models.QuerySet:
    """Return comments as the export reads them: their project joined, no e-mail address."""
    return queryset.select_related("project").defer("email").order_by("created_at", "pk")
