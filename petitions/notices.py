"""The e-mails that tell a petition's agent of each step: its submission, its pre-check, the statutory procedure.

One message per step, to the petition's contact address (its agent's, or its association's representative's), in the
language the petition was written in, signed by the commune, with the link to the petition's page and its timeline.
Nobody has confirmed that address, so the messages name the petition by its number, never by its title, and quote
only what the commune wrote (the bureau's reasons, the summary of the council's decision).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from openmun.links import absolute_url
from openmun.mail import Notice, notice_after_commit
from petitions.models import Petition, PetitionEvent
from programme.selectors import commune_name

Action = PetitionEvent.Action


def in_language(petition: Petition, field: str) -> tuple[str, str]:
    """Return the field's text in the active language, else the first language it was given in, with its code."""
    texts = {code: getattr(petition, f"{field}_{code}", "") or "" for code, _name in settings.LANGUAGES}
    language = get_language()
    if texts.get(language):
        return texts[language], language
    return next(((text, code) for code, text in texts.items() if text), ("", ""))


def deposited(petition: Petition) -> dict:
    return {
        "subject": _("The deposit of your petition is recorded"),
        "paragraphs": [
            _(
                "The commune has recorded the deposit of your petition no. %(number)s with the president of the "
                "council on %(date)s, under receipt no. %(receipt)s."
            )
            % {"number": petition.pk, "date": date_format(petition.deposited_on), "receipt": petition.receipt_number},
            _(
                "The bureau of the council now checks that it meets the conditions of the law. A refusal must be "
                "notified to you, with its reasons, within three months of the deposit, that is by %(deadline)s."
            )
            % {"deadline": date_format(petition.notice_deadline)},
        ],
    }


def review_started(petition: Petition) -> dict:
    return {
        "subject": _("The bureau of the council is examining your petition"),
        "paragraphs": [
            _("The bureau of the council started examining your petition no. %(number)s on %(date)s.")
            % {"number": petition.pk, "date": date_format(petition.review_started_on)}
        ],
    }


def accepted(petition: Petition) -> dict:
    return {
        "subject": _("Your petition is accepted"),
        "paragraphs": [
            _(
                "The bureau of the council accepted your petition no. %(number)s on %(date)s. It is put on the "
                "agenda of the council's session: %(session)s."
            )
            % {"number": petition.pk, "date": date_format(petition.decided_on), "session": petition.session.title},
            _("It is referred to: %(committees)s.") % {"committees": in_language(petition, "committees")[0]},
        ],
    }


def refused(petition: Petition) -> dict:
    reasons, language = in_language(petition, "refusal_reasons")
    return {
        "subject": _("Your petition is refused"),
        "paragraphs": [
            _("The bureau of the council refused your petition no. %(number)s on %(date)s.")
            % {"number": petition.pk, "date": date_format(petition.decided_on)}
        ],
        "quoted_label": _("The reasons for the decision:"),
        "quoted": reasons,
        "quoted_language": language,
    }


def deliberated(petition: Petition) -> dict:
    summary, language = in_language(petition, "decision_summary")
    return {
        "subject": _("The council has deliberated on your petition"),
        "paragraphs": [
            _("The council deliberated on your petition no. %(number)s on %(date)s: %(outcome)s.")
            % {
                "number": petition.pk,
                "date": date_format(petition.deliberated_on),
                "outcome": petition.get_outcome_display(),
            },
            _("Reference of the council's decision: %(reference)s.") % {"reference": petition.decision_reference},
        ],
        "quoted_label": _("Summary of the council's decision:") if summary else "",
        "quoted": summary,
        "quoted_language": language,
    }


def withdrawn(petition: Petition) -> dict:
    return {
        "subject": _("The withdrawal of your petition is recorded"),
        "paragraphs": [
            _("The commune has recorded the withdrawal of your petition no. %(number)s on %(date)s.")
            % {"number": petition.pk, "date": date_format(petition.closed_on)}
        ],
    }


# What each step tells the agent; a step not named here sends nothing (submission, publication and the pre-check
# send their own messages, petitions.services.submission; the notification of a refusal follows the refusal's).
STEP_NOTICES: dict[str, Callable[[Petition], dict]] = {
    Action.DEPOSITED: deposited,
    Action.REVIEW_STARTED: review_started,
    Action.ACCEPTED: accepted,
    Action.REFUSED: refused,
    Action.DELIBERATED: deliberated,
    Action.WITHDRAWN: withdrawn,
}


def agent_notice(petition: Petition, action: str, *, site_url: str) -> None:
    """Tell the petition's agent, when the petition has a contact address, that the step action was recorded."""

    def compose() -> Notice:
        if petition.is_public:
            link, label = petition.get_absolute_url(), _("The petition's page and the steps of its procedure:")
        else:  # withdrawn before publication, or taken down: its page is not public
            link, label = reverse("petitions:petition-guide"), _("How to petition the commune: the full guide")
        return Notice(
            **STEP_NOTICES[action](petition),
            link=absolute_url(link, site_url=site_url),
            link_label=label,
            signature=commune_name(),
        )

    notice_after_commit(
        to=petition.contact_email,
        language=petition.language,
        what=f"the notice of step “{action}” of petition {petition.pk}",
        compose=compose,
    )


def pre_check_notice(petition: Petition, *, site_url: str) -> None:
    """Acknowledge a petition just submitted, or tell its agent the outcome of its pre-check (published or not)."""

    def compose() -> Notice:
        number = {"number": petition.pk}
        guide = absolute_url(reverse("petitions:petition-guide"), site_url=site_url)
        guide_label = _("How to petition the commune: the full guide")
        if petition.state == Petition.State.PUBLISHED:
            if petition.kind == Petition.Kind.CITIZENS:
                filing = ngettext(
                    "Online support is non-binding. To file the petition, collect at least %(threshold)s signature "
                    "on the official sheets, which you can print from the petition's page, and deposit them with the "
                    "president of the council, who gives you a receipt.",
                    "Online support is non-binding. To file the petition, collect at least %(threshold)s signatures "
                    "on the official sheets, which you can print from the petition's page, and deposit them with the "
                    "president of the council, who gives you a receipt.",
                    petition.signature_threshold,
                ) % {"threshold": petition.signature_threshold}
            else:
                filing = _(
                    "To file the petition, deposit it with its documents with the president of the council, who "
                    "gives you a receipt."
                )
            return Notice(
                subject=_("Your petition is published"),
                paragraphs=[
                    _(
                        "The commune has published your petition no. %(number)s on its portal, where people can "
                        "support it online."
                    )
                    % number,
                    filing,
                ],
                link=absolute_url(petition.get_absolute_url(), site_url=site_url),
                link_label=_("The petition's page and the steps of its procedure:"),
                signature=commune_name(),
            )
        if petition.state == Petition.State.NOT_ADMITTED:
            return Notice(
                subject=_("Your petition has not been published"),
                paragraphs=[
                    _("The commune has checked your petition no. %(number)s and cannot publish it on the portal.")
                    % number,
                    _(
                        "You may still deposit a petition on paper with the president of the council, or submit a "
                        "new one that meets the conditions."
                    ),
                ],
                quoted_label=_("The reason:"),
                quoted=petition.moderation_reason,
                link=guide,
                link_label=guide_label,
                signature=commune_name(),
            )
        return Notice(
            subject=_("Your petition has been received"),
            paragraphs=[
                _(
                    "The commune has received the petition submitted on its portal with this e-mail address as "
                    "contact. Its number on the portal: %(number)s."
                )
                % number,
                _(
                    "The commune checks that it can be received: a matter within the commune's competences, and the "
                    "conditions that can be verified. It then publishes it here so that it can gather support, and "
                    "tells you by e-mail."
                ),
                _(
                    "The legal procedure starts when you deposit the paper petition, with the signatures on the "
                    "official sheets, with the president of the council, who gives you a receipt."
                ),
                _("If you did not submit a petition, ignore this e-mail."),
            ],
            link=guide,
            link_label=guide_label,
            signature=commune_name(),
        )

    what = {
        Petition.State.PUBLISHED: "the publication notice",
        Petition.State.NOT_ADMITTED: "the pre-check answer",
    }.get(petition.state, "the acknowledgement")
    notice_after_commit(
        to=petition.contact_email, language=petition.language, what=f"{what} of petition {petition.pk}", compose=compose
    )
