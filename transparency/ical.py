"""The combined iCalendar feed (RFC 5545): every dated event the apps register, as all-day events."""

from __future__ import annotations

import datetime

from django.utils import timezone

from openmun.ical import line_fold, text_escape
from transparency.registry import CalendarEvent


def calendar_document(
    events: list[CalendarEvent], *, name: str, description: str, host: str, base_url: str, language: str
) -> str:
    """Return the events as an iCalendar document of all-day events, with stable UIDs."""
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//openmun//calendar//{language.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{text_escape(name)}",
        f"X-WR-CALDESC:{text_escape(description)}",
        "X-WR-TIMEZONE:Africa/Casablanca",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}",
            # DTEND of an all-day event is the day after the last one.
            f"DTEND;VALUE=DATE:{event.end + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{text_escape(event.summary)}",
            "TRANSP:TRANSPARENT",
            f"STATUS:{'TENTATIVE' if event.tentative else 'CONFIRMED'}",
        ]
        if event.url:
            lines.append(f"URL:{base_url}{event.url}")
        if event.description:
            lines.append(f"DESCRIPTION:{text_escape(event.description)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(line_fold(line) + "\r\n" for line in lines)
