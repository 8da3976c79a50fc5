"""The visitor's side of the moderation pipeline: reporting a published item."""

from collections.abc import Callable

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from moderation import services
from moderation.models import Moderated
from openmun.antiabuse import client_key

# How long a visitor's report of an item is remembered: reporting it again meanwhile changes nothing.
REPORT_MEMORY = 24 * 3600


def item_report(
    request: HttpRequest, item: Moderated, back_to: str, *, report: Callable[[], object] | None = None
) -> HttpResponse:
    """Count this visitor's report of item once, thank them and go back to the page that shows it.

    report, when given, is the app's service that records the report with its reason (and calls
    services.item_report itself); without it, the report is only counted.
    """
    key = f"openmun:report:{client_key(request)}:{item._meta.label_lower}:{item.pk}"
    if cache.add(key, 1, timeout=REPORT_MEMORY):
        try:
            if report is None:
                services.item_report(item=item)
            else:
                report()
        except ValidationError:
            raise Http404("Nothing to report.") from None
    messages.success(request, _("Thank you. A moderator will review it."))
    return redirect(back_to)


def moderated_message(decision: str, count: int) -> str:
    """Return what a moderation decision did, for the message staff see after it: "2 items published." """
    if decision == Moderated.Status.HIDDEN:
        return ngettext("%(count)d item hidden.", "%(count)d items hidden.", count) % {"count": count}
    return ngettext("%(count)d item published.", "%(count)d items published.", count) % {"count": count}
