"""Writes of the moderation pipeline: every app's citizen input is published, hidden and reported through here."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from moderation.models import ContactDetails, Moderated
from openmun import antiabuse, cache
from openmun.actions import audit_log, permission_require
from openmun.text import normalise

# How the author of an item learns of a moderation decision, by model: the app that keeps the items registers a
# function at start-up (moderation knows no app). It is called inside the decision's transaction, after the save,
# as notice(item, site_url=…), and queues its mail for after the commit (openmun.mail).
DECISION_NOTICES: dict[type[models.Model], Callable[..., None]] = {}


def decision_notice_register(model: type[Moderated], notice: Callable[..., None]) -> None:
    """Register the function that tells the author of one of model's items that a decision changed its status."""
    DECISION_NOTICES[model] = notice


def moderation_initial_status() -> str:
    """Return the status new citizen input starts in: held for review, or published when publish-first."""
    return Moderated.Status.PUBLISHED if settings.OPENMUN_MODERATION_PUBLISH_FIRST else Moderated.Status.PENDING


def duplicate_refuse(queryset: models.QuerySet, *, scope: str, fingerprint: str) -> None:
    """Raise ValidationError when the same text was already submitted in queryset's scope."""
    # The database remembers every text; the cache claim closes the race between two identical posts.
    if queryset.filter(fingerprint=fingerprint).exists() or not antiabuse.submission_claim(scope, fingerprint):
        raise ValidationError(
            _("The same text has already been submitted here. There is no need to send it again."), code="duplicate"
        )


def item_moderate(
    *,
    item: Moderated,
    decision: str,
    reason: str = "",
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> Moderated:
    """Publish or hide a contribution or a comment; hiding needs a reason. Its reports are then settled.

    When the decision changes the item's status, its author is told, if its app registered how
    (decision_notice_register); site_url is the portal's address for the link in that message.
    """
    model = type(item)
    permission_require(acting_user, f"{model._meta.app_label}.moderate_{model._meta.model_name}")
    if decision not in (Moderated.Status.PUBLISHED, Moderated.Status.HIDDEN):
        raise ValidationError(_("Choose to publish or to hide."), code="decision")
    reason = normalise(reason)
    if decision == Moderated.Status.HIDDEN and not reason:
        raise ValidationError(_("Give the reason for hiding it."), code="reason_required")
    with transaction.atomic():
        item = model.objects.select_for_update().get(pk=item.pk)
        previous = item.status
        item.status = decision
        item.moderation_reason = reason
        item.moderated_at = timezone.now()
        item.moderated_by = acting_user
        item.report_count = 0
        item.full_clean()
        item.save(update_fields=["status", "moderation_reason", "moderated_at", "moderated_by", "report_count"])
        audit_log(acting_user, item, _("Moderation: %(decision)s.") % {"decision": item.get_status_display()})
        notice = DECISION_NOTICES.get(model)
        if notice and previous != decision:
            notice(item, site_url=site_url)
    return item


def items_moderate(
    *,
    items: list[Moderated],
    decision: str,
    reason: str = "",
    acting_user: AbstractBaseUser,
    site_url: str = "",
) -> int:
    """Publish or hide several items at once, all or none; return how many were moderated."""
    with transaction.atomic():
        for item in items:
            item_moderate(item=item, decision=decision, reason=reason, acting_user=acting_user, site_url=site_url)
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
            cache.model_changed(model)


def contact_details_models() -> list[type[models.Model]]:
    """Return every concrete model that keeps a citizen's name and e-mail address."""
    return [model for model in apps.get_models() if issubclass(model, ContactDetails)]


# The purges of the apps that keep personal data outside ContactDetails (following registers its own): each takes
# before= and returns counts by kind. moderation is below them and may not import them.
PURGES: list[Callable[..., dict[str, int]]] = []


def purge_register(purge: Callable[..., dict[str, int]]) -> None:
    """Have personal_data_purge also call purge(before=…), which returns what it erased, counted by kind."""
    if purge not in PURGES:
        PURGES.append(purge)


def personal_data_purge(*, before: datetime.datetime) -> dict[str, int]:
    """Erase the names and e-mail addresses left with citizen input older than before; keep the texts."""
    counts = {}
    for purge in PURGES:
        counts.update(purge(before=before))
    with transaction.atomic():
        # Every model that inherits ContactDetails, whichever app it belongs to (budget proposals too).
        for model in contact_details_models():
            erased = (
                model.objects.filter(created_at__lt=before)
                .exclude(display_name="", email="")
                .update(display_name="", email="")
            )
            counts[model._meta.model_name] = erased
            if erased:
                # update() sends no signal: cached pages still show the erased names.
                cache.model_changed(model)
    return counts
