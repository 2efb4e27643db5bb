"""Reminders before a live session, the creator's question digest, and the "we're live" post.

Computed from the database on every run (see `rules.due_reminder`); the dedupe keys name the
start time, so each reminder goes once per start and a moved session gets fresh ones.
"""

from __future__ import annotations

from datetime import timedelta

from bot.notices.live import QuestionDigest, SessionLiveNow, SessionReminder
from bot.outbox import Outgoing
from bot.services.audience import dm_target
from bot.services.live.base import LiveBase, info
from bot.services.live.rules import DIGEST_LABEL, REMINDERS, Reminder, due_reminder, stamp
from storage.database import Session
from storage.models import LiveSession
from storage.repositories import live as repo
from storage.repositories import live_audience
from storage.repositories import outbox as outbox_repo


class Reminders(LiveBase):
    async def send_due_reminders(self) -> int:
        """Queue the reminders that are due now (see `due_reminder`); each goes once per start time."""
        now = self._clock.now()
        queued = 0
        async with self._database.session() as session:
            earliest = now - max(r.late for r in REMINDERS)
            latest = now + max(r.before for r in REMINDERS)
            for live in await repo.scheduled_between(session, self._community.id, earliest, latest):
                reminder = due_reminder(live.starts_at, now)
                if reminder is not None:
                    queued += await self._remind(session, live, reminder)
        return queued

    async def _remind(self, session: Session, live: LiveSession, reminder: Reminder) -> int:
        due = live.starts_at - reminder.before
        facts, when = info(live), stamp(live.starts_at)
        # Only the members whose reminder is not queued yet: the scan runs every minute of the
        # reminder's late window, and re-inserting every RSVP each time grew with the RSVPs.
        prefix, suffix = f"qa:{live.id}:remind-{reminder.label}:member:", f"@{when}"
        messages: list[Outgoing] = []
        # Only members at the moment of sending: a removal between the RSVP and the reminder counts.
        now = self._clock.now()
        seats = await live_audience.rsvped(session, live.id, now, self._grace, before=due, not_queued=(prefix, suffix))
        for member in seats:
            target = dm_target(member, self._presence)
            if target is not None:  # else: not on a platform this process serves; a later run tries again
                message = self._outbox.render(SessionReminder(facts, reminder.label), self._reader(member))
                messages.append((f"{prefix}{member.id}{suffix}", target, message, member.id, None))
        await self._outbox.enqueue_many(session, messages)  # one INSERT for the batch
        queued = len(messages)
        if reminder.label == DIGEST_LABEL:
            readers = {
                f"qa:{live.id}:digest:member:{c.id}@{when}": c
                for c in await repo.digest_readers(session, self._community.id)
            }
            waiting = set(readers) - await outbox_repo.existing_keys(session, list(readers))
            if waiting:  # the digest is built only while some creator has not had it
                asked = tuple(text for text, _ in await repo.questions(session, live.id))
                rsvps = await live_audience.count_rsvps(session, live.id, now, self._grace)
                digest = QuestionDigest(facts, asked, rsvps)
                for key, creator in readers.items():
                    if key in waiting:
                        queued += await self._dm(session, creator, key, digest)
        if reminder.before == timedelta(0):
            await self._post(session, live, f"live-now@{when}", SessionLiveNow(facts))
        return queued
