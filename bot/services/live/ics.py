"""Calendar invitations for live sessions: an RFC 5545 `.ics` file and one-click web calendar links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

LINE_LIMIT = 75  # octets per content line, before the CRLF (RFC 5545 §3.1)
PRODID = "-//membot//Live Q&A//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One event, in UTC. `uid` must stay the same for the same session, forever."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    stamp: datetime
    description: str = ""
    url: str | None = None
    sequence: int = 0
    canceled: bool = False
    alarm_minutes: int | None = 15


def to_ics(event: CalendarEvent) -> bytes:
    """A complete VCALENDAR with one VEVENT: CRLF line endings, escaped text, folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SEQUENCE:{max(0, event.sequence)}",
        f"STATUS:{'CANCELLED' if event.canceled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        url = _single_line(event.url)
        lines += [f"URL:{url}", f"LOCATION:{escape_text(url)}"]
    if event.alarm_minutes is not None and not event.canceled:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"TRIGGER:-PT{event.alarm_minutes}M",
            f"DESCRIPTION:{escape_text(event.summary)}",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines).encode("utf-8")


def utc_stamp(when: datetime) -> str:
    """`20261203T160000Z`: a DATE-TIME in UTC form."""
    if when.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma, and newlines as `\\n` (§3.3.11)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character.

    Continuation lines start with one space, which counts towards their 75 octets.
    """
    chunks: list[str] = []
    current, size, limit = "", 0, LINE_LIMIT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, LINE_LIMIT - 1
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _single_line(value: str) -> str:
    return " ".join(value.split())


# -- one-click links for web calendars ----------------------------------------------------


def google_calendar_url(event: CalendarEvent) -> str:
    query = {
        "action": "TEMPLATE",
        "text": event.summary,
        "dates": f"{utc_stamp(event.start)}/{utc_stamp(event.end)}",
        "details": event.description,
        "location": event.url or "",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_calendar_url(event: CalendarEvent) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.summary,
        "startdt": event.start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": event.end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": event.description,
        "location": event.url or "",
    }
    return "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(query)
