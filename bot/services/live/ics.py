"""Calendar invitations for live sessions: an RFC 5545 `.ics` file (written by the icalendar
package) and one-click web calendar links.

A scheduled session is published (`METHOD:PUBLISH`, `STATUS:CONFIRMED`); a canceled one is
a cancellation of the same UID (`METHOD:CANCEL`, `STATUS:CANCELLED`), so a calendar that holds
the event removes it. `sequence` must grow with every change (a move, a cancellation): calendar
apps keep the copy with the highest SEQUENCE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from icalendar import Alarm, Calendar, Event
from icalendar.parser import Contentline
from icalendar.prop import vText

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
    for when in (event.start, event.end, event.stamp):
        _require_aware(when)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if event.canceled else "PUBLISH")
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.stamp.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("sequence", max(0, event.sequence))
    vevent.add("status", "CANCELLED" if event.canceled else "CONFIRMED")
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        url = _single_line(event.url)
        vevent.add("url", url)
        vevent.add("location", url)
    if event.alarm_minutes is not None and not event.canceled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(minutes=-event.alarm_minutes))
        alarm.add("description", event.summary)
        vevent.add_component(alarm)
    calendar.add_component(vevent)
    return calendar.to_ical()


def utc_stamp(when: datetime) -> str:
    """`20261203T160000Z`: a DATE-TIME in UTC form."""
    _require_aware(when)
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma, and newlines as `\\n` (§3.3.11)."""
    return vText(text).to_ical().decode("utf-8")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character.

    Continuation lines start with one space, which counts towards their 75 octets.
    """
    return Contentline(line).to_ical().decode("utf-8")


def _require_aware(when: datetime) -> None:
    if when.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")


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
