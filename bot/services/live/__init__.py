"""Live Q&A sessions: scheduling, RSVPs, questions in advance, reminders, attendance and recordings.

`rules` holds the pure rules (validation, when reminders fall due); `scheduling`, `seats`,
`attendance` and `reminders` each own one side of the feature; `series` runs weekly series
(with its pure rules in `series_rules`, and `series_sync` for community.toml);
`service.LiveService` is what handlers and jobs call; `ics` writes calendar files and
`calendar_sync` mirrors sessions into platform calendars.
"""

from __future__ import annotations

from bot.services.live.attendance import RecordingResult
from bot.services.live.rules import SessionDraft
from bot.services.live.scheduling import CalendarEntry
from bot.services.live.series_rules import SeriesDraft
from bot.services.live.service import LiveService

__all__ = ["CalendarEntry", "LiveService", "RecordingResult", "SeriesDraft", "SessionDraft"]
