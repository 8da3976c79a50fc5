"""The steps of the petition procedure: which step may follow which, and what each step records."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from openmun.formatting import date_text
from openmun.text import normalise
from petitions.models import Petition, PetitionEvent

State = Petition.State
Action = PetitionEvent.Action

# The steps the procedure allows from each state; the other states are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.SUBMITTED: (State.PUBLISHED, State.NOT_ADMITTED, State.WITHDRAWN),
    State.PUBLISHED: (State.DEPOSITED, State.WITHDRAWN),
    State.DEPOSITED: (State.UNDER_REVIEW, State.WITHDRAWN),
    State.UNDER_REVIEW: (State.ACCEPTED, State.REFUSED, State.WITHDRAWN),
    State.ACCEPTED: (State.DELIBERATED, State.WITHDRAWN),
}


def allowed_next_states(petition: Petition) -> tuple[str, ...]:
    """Return the states the procedure allows the petition to move to now."""
    return TRANSITIONS.get(petition.state, ())


def transition_check(petition: Petition, target: str) -> None:
    allowed = allowed_next_states(petition)
    if target in allowed:
        return
    if not allowed:
        raise ValidationError(
            _("The procedure of this petition has ended (“%(state)s”): no further step can be recorded."),
            code="procedure_ended",
            params={"state": petition.get_state_display()},
        )
    # Translators: separates the items of a list, as in “deposited, withdrawn”.
    separator = pgettext("list separator", ", ")
    raise ValidationError(
        _(
            "The procedure does not allow this step: the petition is “%(state)s”; the next step can only be: "
            "%(allowed)s."
        ),
        code="transition_forbidden",
        params={
            "state": petition.get_state_display(),
            "allowed": separator.join(str(State(state).label) for state in allowed),
        },
    )


def petition_locked(petition: Petition) -> Petition:
    # Inside transaction.atomic: later steps on the same petition wait for this one to commit.
    return Petition.objects.select_for_update().get(pk=petition.pk)


def date_check(
    field: str, day: datetime.date, *, not_before: datetime.date | None = None, not_before_label: str = ""
) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: ValidationError(_("This date is in the future."), code="future_date")})
    if not_before and day < not_before:
        raise ValidationError(
            {
                field: ValidationError(
                    _("This date cannot be before %(step)s (%(date)s)."),
                    code="date_order",
                    params={"step": not_before_label, "date": date_text(not_before)},
                )
            }
        )


def event_add(
    petition: Petition,
    action: str,
    day: datetime.date,
    *,
    acting_user: AbstractBaseUser | None,
    notes: dict[str, str] | None = None,
    document: File | None = None,
) -> PetitionEvent:
    event = PetitionEvent(petition=petition, action=action, date=day, acting_user=acting_user)
    for code, _name in settings.LANGUAGES:
        setattr(event, f"note_{code}", normalise((notes or {}).get(code, "")))
    if document:
        event.document = document
    event.full_clean()
    event.save()
    return event


def translations_set(obj, field: str, values: dict[str, str] | None) -> None:
    for code, _name in settings.LANGUAGES:
        setattr(obj, f"{field}_{code}", normalise((values or {}).get(code, "")))
