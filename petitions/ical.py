"""The council's sessions as an iCalendar feed (RFC 5545) that calendar applications subscribe to."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone

from openmun.ical import line_fold, text_escape
from petitions.models import CouncilSession


def sessions_ical(
    sessions: Iterable[CouncilSession],
    *,
    name: str,
    description: str,
    host: str,
    url_for: Callable[[CouncilSession], str],
) -> str:
    """Return the sessions as an iCalendar document: all-day events over their dates or expected period."""
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//openmun//council sessions//AR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text_escape(name)}",
        f"X-WR-CALDESC:{text_escape(description)}",
        "X-WR-TIMEZONE:Africa/Casablanca",
    ]
    for session in sessions:
        # DTEND of an all-day event is the day after the last one.
        end = session.last_day + datetime.timedelta(days=1)
        lines += [
            "BEGIN:VEVENT",
            f"UID:council-session-{session.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{session.first_day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{text_escape(session.title)}",
            f"URL:{url_for(session)}",
            "TRANSP:TRANSPARENT",
            f"STATUS:{'CONFIRMED' if session.starts_on else 'TENTATIVE'}",
        ]
        if session.notes:
            lines.append(f"DESCRIPTION:{text_escape(session.notes)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(line_fold(line) + "\r\n" for line in lines)
