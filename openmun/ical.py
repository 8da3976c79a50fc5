"""iCalendar (RFC 5545) documents of all-day events: the one writer of every calendar feed of the portal."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

LINE_LIMIT = 75  # octets, without the line break


# Control characters other than the tab: RFC 5545 (3.1) allows none in a content line.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def text_escape(value: str) -> str:
    """Return value escaped as an iCalendar TEXT value: one line, control characters removed."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def line_fold(line: str) -> str:
    """Return a content line folded at 75 octets, never inside a UTF-8 character (RFC 5545, 3.1)."""
    parts, current, size = [], "", 0
    for character in line:
        length = len(character.encode())
        limit = LINE_LIMIT if not parts else LINE_LIMIT - 1  # continuation lines start with a space
        if size + length > limit:
            parts.append(current)
            current, size = "", 0
        current += character
        size += length
    parts.append(current)
    return "\r\n ".join(parts)


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day event (end is the last day, inclusive); uid stays the same from one download to the next."""

    uid: str
    summary: str
    start: datetime.date
    end: datetime.date
    url: str = ""
    description: str = ""
    tentative: bool = False


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
