"""When the drip should next look at each membership (`Membership.drip_check_at`).

The drip runs every few minutes. Reading every membership inside some step's window on every
run cost 0.4-0.5 s at a million members; instead each membership carries the moment its public
welcome or its next step can go out, and a run reads only memberships whose moment has come.
After a run, each of those gets its next moment, worked out from the database alone (so a
membership that arrived during the run is not skipped): now again while something is due and
not done (no account on a running platform, not a current member yet), the next step's moment,
or None once nothing is ahead. Changing the steps makes the next run look again at every
membership young enough to have something ahead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.database import Database
from storage.repositories import onboarding as repo

PAGE = 1000  # memberships per transaction

Timings = Sequence[tuple[str, timedelta]]
"""Each drip step's id and how long after the membership's start it is due."""


@dataclass(frozen=True)
class DripChecks:
    database: Database
    community_id: int
    missed_after: timedelta  # a step (or welcome) this late is never sent

    @staticmethod
    def signature(timings: Timings, welcome: bool) -> str:
        text = repr((sorted((step, offset.total_seconds()) for step, offset in timings), welcome))
        return hashlib.sha1(text.encode()).hexdigest()

    async def prepare(self, timings: Timings, welcome: bool, now: datetime) -> None:
        """After the steps changed (or on the first run), look at every membership that may have one ahead."""
        signature = self.signature(timings, welcome)
        async with self.database.session() as session:
            if await repo.checks_steps(session, self.community_id) != signature:
                longest = max((offset for _, offset in timings), default=timedelta(0))
                await repo.reset_checks(session, self.community_id, now - longest - self.missed_after, signature)

    async def advance(self, timings: Timings, welcome: bool, now: datetime) -> None:
        """Set the next check of every membership whose check was due."""
        after: tuple[datetime, int] | None = None
        while True:
            async with self.database.session() as session:
                page, after = await repo.due_checks(session, self.community_id, now, after, PAGE)
                member_ids = sorted({c.member_id for c in page})
                had = await repo.steps_had(session, member_ids)
                greeted = await repo.greeted_among(session, member_ids) if welcome else set()
                checks = {}
                for check in page:
                    moments = [
                        check.started_at + offset for step, offset in timings if step not in had[check.member_id]
                    ]
                    if welcome and check.member_id not in greeted:
                        moments.append(check.started_at)
                    checks[check.id] = self.next_check(moments, now)
                await repo.set_checks(session, checks)
            if after is None:
                return

    def next_check(self, moments: Sequence[datetime], now: datetime) -> datetime | None:
        """From the moments still ahead or not yet done: now while one is due, else the earliest, else None."""
        open_ones = [moment for moment in moments if moment > now - self.missed_after]
        if not open_ones:
            return None
        first = min(open_ones)
        return now if first <= now else first
