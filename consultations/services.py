"""Writes of citizen participation: contributions, comments, their moderation and the commune's answers."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import Comment, ContactDetails, Contribution, Moderated, Round
from openmun import antiabuse, cache
from openmun.text import normalise
from programme.models import Axis, Project


def moderation_initial_status() -> str:
    """Return the status new citizen input starts in: held for review, or published when publish-first."""
    return Moderated.Status.PUBLISHED if settings.OPENMUN_MODERATION_PUBLISH_FIRST else Moderated.Status.PENDING


def _require_permission(user: AbstractBaseUser, codename: str) -> None:
    if not user.has_perm(f"consultations.{codename}"):
        raise PermissionDenied(codename)


def duplicate_refuse(queryset: models.QuerySet, *, scope: str, fingerprint: str) -> None:
    """Raise ValidationError when the same text was already submitted in queryset's scope."""
    # The database remembers every text; the cache claim closes the race between two identical posts.
    if queryset.filter(fingerprint=fingerprint).exists() or not antiabuse.submission_claim(scope, fingerprint):
        raise ValidationError(
            _("The same text has already been submitted here. There is no need to send it again."), code="duplicate"
        )


def contribution_submit(
    *,
    consultation_round: Round,
    text: str,
    title: str = "",
    axis: Axis | None = None,
    project: Project | None = None,
    display_name: str = "",
    email: str = "",
) -> Contribution:
    """Record a contribution submitted online while its round's digital window is open."""
    if not consultation_round.accepts_contributions:
        raise ValidationError(
            _("This consultation round does not accept contributions at the moment."), code="round_closed"
        )
    contribution = Contribution(
        round=consultation_round,
        channel=Contribution.Channel.ONLINE,
        text=normalise(text),
        title=normalise(title, multiline=False),
        axis=axis or (project.axis if project else None),
        project=project,
        display_name=normalise(display_name, multiline=False),
        email=email.strip(),
        status=moderation_initial_status(),
    )
    contribution.fingerprint = antiabuse.text_fingerprint(contribution.text)
    contribution.full_clean()
    with transaction.atomic():
        duplicate_refuse(
            consultation_round.contributions.all(),
            scope=f"round-{consultation_round.pk}",
            fingerprint=contribution.fingerprint,
        )
        contribution.save()
    return contribution


def contribution_record(
    *,
    consultation_round: Round,
    channel: str,
    text: str,
    title: str = "",
    axis: Axis | None = None,
    project: Project | None = None,
    display_name: str = "",
    email: str = "",
    created_at: datetime.datetime | None = None,
    acting_user: AbstractBaseUser,
) -> Contribution:
    """Record, on a citizen's behalf, a contribution received on paper, at a meeting or by another channel."""
    _require_permission(acting_user, "add_contribution")
    now = timezone.now()
    contribution = Contribution(
        round=consultation_round,
        channel=channel,
        text=normalise(text),
        title=normalise(title, multiline=False),
        axis=axis or (project.axis if project else None),
        project=project,
        display_name=normalise(display_name, multiline=False),
        email=email.strip(),
        created_at=created_at or now,
        recorded_by=acting_user,
        # Staff typed it in from the original: it is reviewed as it is recorded.
        status=Moderated.Status.PUBLISHED,
        moderated_at=now,
        moderated_by=acting_user,
    )
    contribution.fingerprint = antiabuse.text_fingerprint(contribution.text)
    contribution.full_clean()
    with transaction.atomic():
        contribution.save()
        _log(
            acting_user,
            contribution,
            _("Recorded a contribution received by: %(channel)s.") % {"channel": contribution.get_channel_display()},
        )
    return contribution


def contribution_answer(
    *,
    contribution: Contribution,
    outcome: str,
    outcome_project: Project | None = None,
    merged_into: Contribution | None = None,
    answers: dict[str, str] | None = None,
    acting_user: AbstractBaseUser,
) -> Contribution:
    """Give a contribution its outcome and the commune's answer, in one or more languages."""
    _require_permission(acting_user, "change_contribution")
    contribution.outcome = outcome
    contribution.outcome_project = outcome_project if outcome == Contribution.Outcome.TAKEN else None
    contribution.merged_into = merged_into if outcome == Contribution.Outcome.MERGED else None
    for code, _name in settings.LANGUAGES:
        setattr(contribution, f"answer_{code}", normalise((answers or {}).get(code, "")))
    contribution.answered_at = timezone.now() if outcome else None
    contribution.answered_by = acting_user if outcome else None
    contribution.full_clean()
    with transaction.atomic():
        # Only the answer's fields: a moderation decision taken meanwhile is kept.
        contribution.save(
            update_fields=[
                "outcome",
                "outcome_project",
                "merged_into",
                "answer",
                "answered_at",
                "answered_by",
                *(f"answer_{code}" for code, _name in settings.LANGUAGES),
            ]
        )
        _log(
            acting_user,
            contribution,
            _("Outcome: %(outcome)s.") % {"outcome": contribution.get_outcome_display() or "-"},
        )
    return contribution


def comment_post(*, project: Project, text: str, display_name: str = "", email: str = "") -> Comment:
    """Record a citizen's comment on a project."""
    comment = Comment(
        project=project,
        text=normalise(text),
        display_name=normalise(display_name, multiline=False),
        email=email.strip(),
        status=moderation_initial_status(),
    )
    comment.fingerprint = antiabuse.text_fingerprint(comment.text)
    comment.full_clean()
    with transaction.atomic():
        duplicate_refuse(project.comments.all(), scope=f"project-{project.pk}", fingerprint=comment.fingerprint)
        comment.save()
    return comment


def comment_reply(*, comment: Comment, text: str, acting_user: AbstractBaseUser) -> Comment:
    """Publish the commune's official reply to a citizen's comment."""
    _require_permission(acting_user, "reply_comment")
    if comment.parent_id or comment.status == Moderated.Status.HIDDEN:
        raise ValidationError(
            _("Only a visible citizen's comment can receive an official reply."), code="not_replyable"
        )
    now = timezone.now()
    reply = Comment(
        project_id=comment.project_id,
        parent=comment,
        text=normalise(text),
        is_official=True,
        author=acting_user,
        status=Moderated.Status.PUBLISHED,
        moderated_at=now,
        moderated_by=acting_user,
        created_at=now,
    )
    reply.fingerprint = antiabuse.text_fingerprint(reply.text)
    reply.full_clean()
    with transaction.atomic():
        reply.save()
        _log(acting_user, reply, _("Official reply published."))
    return reply


def item_moderate(
    *,
    item: Moderated,
    decision: str,
    reason: str = "",
    acting_user: AbstractBaseUser,
) -> Moderated:
    """Publish or hide a contribution or a comment; hiding needs a reason. Its reports are then settled."""
    model = type(item)
    if not acting_user.has_perm(f"{model._meta.app_label}.moderate_{model._meta.model_name}"):
        raise PermissionDenied("moderate")
    if decision not in (Moderated.Status.PUBLISHED, Moderated.Status.HIDDEN):
        raise ValidationError(_("Choose to publish or to hide."), code="decision")
    reason = normalise(reason)
    if decision == Moderated.Status.HIDDEN and not reason:
        raise ValidationError(_("Give the reason for hiding it."), code="reason_required")
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        item.status = decision
        item.moderation_reason = reason
        item.moderated_at = timezone.now()
        item.moderated_by = acting_user
        item.report_count = 0
        item.full_clean()
        item.save(update_fields=["status", "moderation_reason", "moderated_at", "moderated_by", "report_count"])
        _log(acting_user, item, _("Moderation: %(decision)s.") % {"decision": item.get_status_display()})
    return item


def items_moderate(
    *,
    items: list[Moderated],
    decision: str,
    reason: str = "",
    acting_user: AbstractBaseUser,
) -> int:
    """Publish or hide several items at once, all or none; return how many were moderated."""
    with transaction.atomic():
        for item in items:
            item_moderate(item=item, decision=decision, reason=reason, acting_user=acting_user)
    return len(items)


def item_report(*, item: Moderated) -> None:
    """Count a visitor's report of a published item; past the threshold, withdraw it until it is reviewed."""
    if item.status != Moderated.Status.PUBLISHED or getattr(item, "is_official", False):
        raise ValidationError(_("This item cannot be reported."), code="not_reportable")
    model = type(item)
    with transaction.atomic():
        model.objects.filter(pk=item.pk).update(report_count=F("report_count") + 1)
        withdrawn = model.objects.filter(
            pk=item.pk,
            status=Moderated.Status.PUBLISHED,
            report_count__gte=settings.OPENMUN_MODERATION_REPORT_THRESHOLD,
        ).update(status=Moderated.Status.PENDING)
        if withdrawn:
            # update() sends no signal: the cached pages that show the item must go.
            cache.content_changed(cache.CONTENT)


def contact_details_models() -> list[type[models.Model]]:
    """Return every concrete model that keeps a citizen's name and e-mail address."""
    return [model for model in apps.get_models() if issubclass(model, ContactDetails)]


def personal_data_purge(*, before: datetime.datetime) -> dict[str, int]:
    """Erase the names and e-mail addresses left with citizen input older than before; keep the texts."""
    counts = {}
    with transaction.atomic():
        # Every model that inherits ContactDetails, whichever app it belongs to (budget proposals too).
        for model in contact_details_models():
            counts[model._meta.model_name] = (
                model.objects.filter(created_at__lt=before)
                .exclude(display_name="", email="")
                .update(display_name="", email="")
            )
        if any(counts.values()):
            # update() sends no signal: cached pages still show the erased names.
            cache.content_changed(cache.CONTENT)
    return counts


def _log(user: AbstractBaseUser, item: models.Model, message: str) -> None:
    # The admin's history: who decided what, and when. Never the text or the contact details.
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[item], action_flag=CHANGE, change_message=message, single_object=True
    )
