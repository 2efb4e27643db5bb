"""`LiveService`: the live feature as handlers and jobs call it, one object over its parts.

Each part owns one side of the feature (scheduling, seats and questions, attendance and
recordings, reminders) and is built from the same pieces; this object names their methods.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.outbox import Outbox
from bot.services.community import CommunityContext
from bot.services.live.attendance import Attendance
from bot.services.live.reminders import Reminders
from bot.services.live.scheduling import Scheduling
from bot.services.live.seats import Seats
from bot.services.live.series import Series
from bot.services.presence import Presence
from storage.database import Database
from storage.repositories.members import DEFAULT_GRACE


class LiveService:
    """Live Q&A sessions: scheduling (once or weekly), RSVPs, questions in advance, reminders, attendance, recordings."""

    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        *,
        grace: timedelta = DEFAULT_GRACE,
    ) -> None:
        parts = (database, outbox, clock, community, presence)
        self._scheduling = scheduling = Scheduling(*parts, grace=grace)
        seats, attendance = Seats(*parts, grace=grace), Attendance(*parts, grace=grace)
        reminders, series = Reminders(*parts, grace=grace), Series(*parts, grace=grace)
        # the creator's side
        self.schedule = scheduling.schedule
        self.move = scheduling.move
        self.cancel = scheduling.cancel
        self.calendar_entry = scheduling.calendar_entry
        self.overlapping = scheduling.overlapping
        # weekly series: each occurrence is a session like any other
        self.schedule_series = series.create_series
        self.series = series.series_list
        self.skip = series.skip
        self.cancel_series = series.cancel_series
        # the member's side
        self.upcoming = seats.upcoming
        self.may_take_part = seats.may_take_part
        self.next_session = seats.next_session
        self.rsvp = seats.rsvp
        self.unrsvp = seats.unrsvp
        self.ask = seats.ask
        self.questions = seats.questions
        # around and after the session
        self.check_in = attendance.check_in
        self.mark_attended = attendance.mark_attended
        self.attendance = attendance.attendance
        self.find_members = attendance.find_members
        self.add_recording = attendance.add_recording
        # time-driven (the reminder and series jobs)
        self.send_due_reminders = reminders.send_due_reminders
        self.keep_series = series.keep_series

    @property
    def channel(self) -> str:
        """Where sessions are announced."""
        return self._scheduling.channel
