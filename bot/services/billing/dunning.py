"""Dunning: friendly DMs while a payment is late (day 0, 3, 7 by default), the creator told, access paused after the grace period.

Computed from the database on every run: the latest step that is due and not yet queued
goes out (a missed run never sends a backlog of reminders at once).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.notices.billing import AccessPaused, CreatorGraceOver, CreatorPaymentFailed, PaymentReminder
from bot.services.billing.notify import Notifier
from bot.services.billing.subscriptions import epoch
from bot.services.community import CommunityContext
from storage.database import Database
from storage.repositories import members, memberships

log = logging.getLogger(__name__)

DUNNING_DAYS = (0, 3, 7)


def due_step(since: datetime, now: datetime, grace_days: int, days: tuple[int, ...] = DUNNING_DAYS) -> int | None:
    """The reminder day due now (the latest one passed), or None. Days at or after the grace end are
    replaced by the "access paused" message."""
    elapsed = now - since
    steps = [d for d in days if d < grace_days and elapsed >= timedelta(days=d)]
    return max(steps) if steps else None


class DunningService:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier, grace_days: int) -> None:
        self._database = database
        self._community = community
        self._notify = notify
        self._grace_days = grace_days

    async def run(self, now: datetime) -> list[int]:
        """Queue due reminders; return the members whose grace period just ended (their access changes)."""
        expired: list[int] = []
        grace = timedelta(days=self._grace_days)
        async with self._database.session() as session:
            for membership in await memberships.open_in(session, self._community.id, "past_due"):
                since = membership.past_due_since
                if since is None:
                    continue
                member = await members.get(session, membership.member_id)
                if member is None:
                    continue
                key = f"billing:{membership.id}:dunning:{epoch(since)}"
                until = since + grace
                if now >= until:
                    if await self._notify.member(session, member, f"{key}:grace-over", AccessPaused()):
                        expired.append(member.id)
                        await self._notify.creators(session, f"{key}:grace-over", CreatorGraceOver(member.display_name))
                    continue
                step = due_step(since, now, self._grace_days)
                if step is None:
                    continue
                await self._notify.member(
                    session,
                    member,
                    f"{key}:day-{step}",
                    PaymentReminder(step, until),
                    not_before=since + timedelta(days=step) if step else None,
                    timed=True,
                )
                if step == 0:
                    await self._notify.creators(
                        session, f"{key}:failed", CreatorPaymentFailed(member.display_name, until)
                    )
        if expired:
            log.info("grace period ended for %d members", len(expired))
        return expired
