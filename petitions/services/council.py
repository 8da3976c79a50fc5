"""The council's ordinary sessions, generated for each year."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from petitions.models import CouncilSession

ORDINARY_SESSION_MONTHS = (2, 5, 10)


def council_sessions_generate(*, year: int) -> list[CouncilSession]:
    """Create the year's three ordinary sessions (first week of February, May and October) that are missing."""
    titles = {
        # Translators: the title of a council session; the month is part of the text for French elision.
        2: lambda: _("Ordinary session of February %(year)s") % {"year": year},
        5: lambda: _("Ordinary session of May %(year)s") % {"year": year},
        10: lambda: _("Ordinary session of October %(year)s") % {"year": year},
    }
    created = []
    with transaction.atomic():
        for month in ORDINARY_SESSION_MONTHS:
            period_start = datetime.date(year, month, 1)
            if CouncilSession.objects.filter(kind=CouncilSession.Kind.ORDINARY, period_start=period_start).exists():
                continue
            session = CouncilSession(
                kind=CouncilSession.Kind.ORDINARY,
                slug=f"{year}-{month:02d}-ordinary",
                period_start=period_start,
                period_end=datetime.date(year, month, 7),
            )
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    setattr(session, f"title_{code}", titles[month]())
            session.full_clean()
            session.save()
            created.append(session)
    return created
