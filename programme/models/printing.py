"""What staff choose for the printed programme: the session it is for, the edition date, progress or not."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrintSettingsQuerySet(models.QuerySet):
    def current(self) -> PrintSettings:
        """Return the print settings staff chose, or unsaved defaults when there are none."""
        return self.order_by("pk").first() or PrintSettings()


class PrintSettings(models.Model):
    """What staff choose for the printed programme: the session it is prepared for and its contents."""

    session_label = models.CharField(
        _("council session"),
        max_length=200,
        blank=True,
        help_text=_(
            "The session the print is prepared for, for example: the ordinary session of February 2026. Shown on "
            "the cover and in the page header. Leave empty to print the next ordinary session of the council's "
            "calendar."
        ),
    )
    include_progress = models.BooleanField(
        _("include progress"),
        default=True,
        help_text=_("Print each project's status, progress, completed activities and progress updates."),
    )
    edition_date = models.DateField(
        _("edition date"),
        null=True,
        blank=True,
        help_text=_("Printed on the cover. Leave empty to print the day of the download."),
    )

    objects = PrintSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("print settings")
        verbose_name_plural = _("print settings")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.session_label or str(_("print settings"))

    def edition_date_on(self, today: datetime.date) -> datetime.date:
        """Return the edition date printed on the cover: the chosen one, else today."""
        return self.edition_date or today
