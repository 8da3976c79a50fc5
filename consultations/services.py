"""Writes of citizen participation: contributions, comments, the commune's answers (moderation has its own app)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations import notices
from consultations.models import Comment, Contribution, Round
from following.registry import target_key
from following.services import announce
from moderation.models import Moderated
from moderation.services import duplicate_refuse, moderation_initial_status
from openmun import antiabuse
from openmun.actions import audit_log, permission_require
from openmun.text import normalise
from programme.models import Axis, Project


def author_language_default() -> str:
    """Return the language a citizen is taken to have used: the active one, else the portal's first."""
    return (
        translation.get_language() if translation.get_language() in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
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
    language: str | None = None,
) -> Contribution:
    """Record a contribution submitted online while its round's digital window is open.

    language is the one the citizen used (the active language when not given): the commune writes to them in it.
    """
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
        language=language or author_language_default(),
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
    language: str | None = None,
    acting_user: AbstractBaseUser,
) -> Contribution:
    """Record, on a citizen's behalf, a contribution received on paper, at a meeting or by another channel."""
    permission_require(acting_user, "consultations.add_contribution")
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
        language=language or author_language_default(),
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
        audit_log(
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
    site_url: str = "",
) -> Contribution:
    """Give a contribution its outcome and the commune's answer, in one or more languages.

    When the outcome changes to one given, the author is told by e-mail (site_url: the portal's address for the link).
    """
    permission_require(acting_user, "consultations.change_contribution")
    contribution.outcome = outcome
    contribution.outcome_project = outcome_project if outcome == Contribution.Outcome.TAKEN else None
    contribution.merged_into = merged_into if outcome == Contribution.Outcome.MERGED else None
    for code, _name in settings.LANGUAGES:
        setattr(contribution, f"answer_{code}", normalise((answers or {}).get(code, "")))
    contribution.answered_at = timezone.now() if outcome else None
    contribution.answered_by = acting_user if outcome else None
    contribution.full_clean()
    with transaction.atomic():
        previous, status = Contribution.objects.values_list("outcome", "status").get(pk=contribution.pk)
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
        audit_log(
            acting_user,
            contribution,
            _("Outcome: %(outcome)s.") % {"outcome": contribution.get_outcome_display() or "-"},
        )
        if contribution.outcome and contribution.outcome != previous:
            notices.contribution_outcome_notice(contribution, site_url=site_url)
            # Only a published contribution's outcome shows on the round's results page.
            if status == Moderated.Status.PUBLISHED:
                round_outcomes_announce(consultation_round=contribution.round, site_url=site_url)
    return contribution


def round_outcomes_announce(*, consultation_round: Round, site_url: str = "") -> bool:
    """Tell a round's followers that the commune published what it did with the contributions: once a day at most.

    Staff may answer forty contributions in an afternoon and publish the round's summary the same day: its
    followers get one message that day, and the results page shows them everything.
    """
    return announce(
        target=target_key("round", consultation_round.pk),
        event="outcome",
        reference=f"outcome:{timezone.localdate().isoformat()}",
        site_url=site_url or None,
    )


def comment_post(
    *, project: Project, text: str, display_name: str = "", email: str = "", language: str | None = None
) -> Comment:
    """Record a citizen's comment on a project; language is the one they used (the active one when not given)."""
    comment = Comment(
        project=project,
        text=normalise(text),
        display_name=normalise(display_name, multiline=False),
        email=email.strip(),
        language=language or author_language_default(),
        status=moderation_initial_status(),
    )
    comment.fingerprint = antiabuse.text_fingerprint(comment.text)
    comment.full_clean()
    with transaction.atomic():
        duplicate_refuse(project.comments.all(), scope=f"project-{project.pk}", fingerprint=comment.fingerprint)
        comment.save()
    return comment


def reply_texts_set(reply: Comment, texts: dict[str, str]) -> None:
    """Set an official reply's text in each language; text keeps the first language given, for search and logs."""
    for code, _name in settings.LANGUAGES:
        setattr(reply, f"official_text_{code}", normalise(texts.get(code, "")))
    given = [value for value in reply.official_texts().values() if value]
    if not given:
        raise ValidationError(_("Write the reply in Arabic, in French, or in both."), code="reply_required")
    reply.text = given[0]
    reply.fingerprint = antiabuse.text_fingerprint(*given)


def comment_reply(
    *, comment: Comment, texts: dict[str, str], acting_user: AbstractBaseUser, site_url: str = ""
) -> Comment:
    """Publish the commune's official reply to a citizen's comment, in Arabic, French or both.

    The comment's author is told by e-mail (site_url: the portal's address for the link).
    """
    permission_require(acting_user, "consultations.reply_comment")
    if comment.parent_id or comment.status == Moderated.Status.HIDDEN:
        raise ValidationError(
            _("Only a visible citizen's comment can receive an official reply."), code="not_replyable"
        )
    now = timezone.now()
    reply = Comment(
        project_id=comment.project_id,
        parent=comment,
        is_official=True,
        author=acting_user,
        status=Moderated.Status.PUBLISHED,
        moderated_at=now,
        moderated_by=acting_user,
        created_at=now,
    )
    reply_texts_set(reply, texts)
    reply.full_clean()
    with transaction.atomic():
        reply.save()
        audit_log(acting_user, reply, _("Official reply published."))
        notices.comment_reply_notice(reply, site_url=site_url)
        # The project's followers hear of the commune's replies once a day at most, however many it gives.
        announce(
            target=target_key("project", comment.project_id),
            event="reply",
            reference=f"reply:{timezone.localdate().isoformat()}",
            site_url=site_url or None,
        )
    return reply


def comment_reply_update(*, reply: Comment, texts: dict[str, str], acting_user: AbstractBaseUser) -> Comment:
    """Correct the commune's official reply or add a language to it."""
    permission_require(acting_user, "consultations.reply_comment")
    if not reply.is_official:
        raise ValidationError(_("Only an official reply can be changed here."), code="not_official")
    reply_texts_set(reply, texts)
    reply.full_clean()
    with transaction.atomic():
        # Only the reply's text: a moderation decision taken meanwhile is kept.
        reply.save(
            update_fields=[
                "text",
                "fingerprint",
                "official_text",
                *(f"official_text_{code}" for code, _name in settings.LANGUAGES),
            ]
        )
        audit_log(acting_user, reply, _("Official reply changed."))
    return reply
