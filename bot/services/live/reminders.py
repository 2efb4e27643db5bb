"""Reminders before a live session, the creator's question digest, and the "we're live" post.

Computed from the database on every run (see `rules.due_reminder`); the dedupe keys name the
start time, so each reminder goes once per start and a moved session gets fresh ones.
"""

from __future__ import annotations

from datetime import timedelta

from bot.notices.live import QuestionDigest, SessionLiveNow, SessionReminder
from bot.services.live.base import LiveBase, info
from bot.services.live.rules import DIGEST_LABEL, REMINDERS, Reminder, due_reminder, stamp
from storage.database import Session
from storage.models import LiveSession
from storage.repositories import live as repo


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
        queued = 0
        for member in await repo.rsvped(session, live.id, before=due):
            key = f"qa:{live.id}:remind-{reminder.label}:member:{member.id}@{when}"
            queued += await self._dm(session, member, key, SessionReminder(facts, reminder.label))
        if reminder.label == DIGEST_LABEL:
            asked = tuple(text for text, _ in await repo.questions(session, live.id))
            digest = QuestionDigest(facts, asked, len(await repo.rsvped(session, live.id)))
            for creator in await repo.digest_readers(session, self._community.id):
                key = f"qa:{live.id}:digest:member:{creator.id}@{when}"
                queued += await self._dm(session, creator, key, digest)
        if reminder.before == timedelta(0):
            await self._post(session, live, f"live-now@{when}", SessionLiveNow(facts))
        return queued
