"""The e-mails that tell the author of a contribution or a comment what the commune did with it.

One message per event, to the address left with the item, in the language the author used, signed by the commune,
with the link to the page. Nobody has confirmed these addresses, so the messages never quote what the author wrote
(nor the name they gave): they name the item by its date or number and the project or round it belongs to, and
quote only the commune's own words (a moderator's reason, an official reply, an answer).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from consultations.models import Comment, Contribution
from moderation.models import Moderated
from openmun.links import absolute_url
from openmun.mail import Notice, notice_after_commit
from programme.selectors import commune_name


def in_language(texts: dict[str, str]) -> tuple[str, str]:
    """Return the text given in the active language, else the first given, with its language code."""
    language = get_language()
    if texts.get(language):
        return texts[language], language
    return next(((text, code) for code, text in texts.items() if text), ("", ""))


def translations_of(obj, field: str) -> dict[str, str]:
    return {code: getattr(obj, f"{field}_{code}", "") or "" for code, _name in settings.LANGUAGES}


def comment_decision_notice(comment: Comment, *, site_url: str) -> None:
    """Tell a comment's author that a moderator published or hid it (with the reason)."""
    if comment.is_official:
        return

    def compose() -> Notice:
        project = comment.project
        what = {"date": date_format(comment.submitted_on), "project": project.title}
        if comment.status == Moderated.Status.PUBLISHED:
            return Notice(
                subject=_("Your comment is published"),
                paragraphs=[
                    _("The commune has published your comment of %(date)s on the project “%(project)s”.") % what
                ],
                link=absolute_url(comment.get_absolute_url(), site_url=site_url),
                link_label=_("Your comment on the portal:"),
                signature=commune_name(),
            )
        return Notice(
            subject=_("Your comment has been hidden"),
            paragraphs=[
                _(
                    "The commune has hidden your comment of %(date)s on the project “%(project)s”: it is no longer "
                    "shown on the portal."
                )
                % what
            ],
            quoted_label=_("The reason:"),
            quoted=comment.moderation_reason,
            link=absolute_url(project.get_absolute_url(), site_url=site_url),
            link_label=_("The project's page:"),
            signature=commune_name(),
        )

    notice_after_commit(
        to=comment.email,
        language=comment.author_language,
        what=f"the moderation notice of comment {comment.pk}",
        compose=compose,
    )


def contribution_decision_notice(contribution: Contribution, *, site_url: str) -> None:
    """Tell a contribution's author that a moderator published or hid it (with the reason)."""

    def compose() -> Notice:
        consultation_round = contribution.round
        what = {"number": contribution.pk, "round": consultation_round.title}
        if contribution.status == Moderated.Status.PUBLISHED:
            return Notice(
                subject=_("Your contribution is published"),
                paragraphs=[
                    _("The commune has published your contribution no. %(number)s to the consultation “%(round)s”.")
                    % what
                ],
                link=absolute_url(contribution.get_absolute_url(), site_url=site_url),
                link_label=_("Your contribution on the portal:"),
                signature=commune_name(),
            )
        return Notice(
            subject=_("Your contribution has been hidden"),
            paragraphs=[
                _(
                    "The commune has hidden your contribution no. %(number)s to the consultation “%(round)s”: it is "
                    "no longer shown on the portal."
                )
                % what
            ],
            quoted_label=_("The reason:"),
            quoted=contribution.moderation_reason,
            link=absolute_url(consultation_round.get_absolute_url(), site_url=site_url),
            link_label=_("The consultation's page:"),
            signature=commune_name(),
        )

    notice_after_commit(
        to=contribution.email,
        language=contribution.author_language,
        what=f"the moderation notice of contribution {contribution.pk}",
        compose=compose,
    )


def comment_reply_notice(reply: Comment, *, site_url: str) -> None:
    """Tell a comment's author that the commune replied to it, quoting the reply in their language when given."""
    comment = reply.parent

    def compose() -> Notice:
        text, language = in_language(reply.official_texts())
        what = {"date": date_format(comment.submitted_on), "project": comment.project.title}
        return Notice(
            subject=_("The commune has replied to your comment"),
            paragraphs=[_("The commune has replied to your comment of %(date)s on the project “%(project)s”.") % what],
            quoted_label=_("The commune's reply:"),
            quoted=text,
            quoted_language=language,
            link=absolute_url(reply.get_absolute_url(), site_url=site_url),
            link_label=_("The reply on the portal:"),
            signature=commune_name(),
        )

    notice_after_commit(
        to=comment.email,
        language=comment.author_language,
        what=f"the reply notice of comment {comment.pk}",
        compose=compose,
    )


def contribution_outcome_notice(contribution: Contribution, *, site_url: str) -> None:
    """Tell a contribution's author what the commune did with it: its outcome and the commune's answer."""

    def compose() -> Notice:
        what = {"number": contribution.pk, "round": contribution.round.title}
        paragraphs = [
            _("The commune has answered your contribution no. %(number)s to the consultation “%(round)s”.") % what,
            _("What the commune did with it: %(outcome)s.") % {"outcome": contribution.get_outcome_display()},
        ]
        if contribution.outcome == Contribution.Outcome.TAKEN and contribution.outcome_project:
            paragraphs.append(_("The project: “%(project)s”.") % {"project": contribution.outcome_project.title})
        text, language = in_language(translations_of(contribution, "answer"))
        return Notice(
            subject=_("The commune has answered your contribution"),
            paragraphs=paragraphs,
            quoted_label=_("The commune's answer:") if text else "",
            quoted=text,
            quoted_language=language,
            link=absolute_url(contribution.get_absolute_url(), site_url=site_url),
            link_label=_("Your contribution and its answer on the portal:"),
            signature=commune_name(),
        )

    notice_after_commit(
        to=contribution.email,
        language=contribution.author_language,
        what=f"the outcome notice of contribution {contribution.pk}",
        compose=compose,
    )
