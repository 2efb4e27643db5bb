"""Launch windows: doors open or closed, the waitlist, and an optional seat cap that invites the next in line."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.billing import plans, repo
from bot.services.billing.notify import Notifier
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.views import billing as views
from storage.database import Database
from storage.models import Member, WaitlistEntry

log = logging.getLogger(__name__)

INVITE_HOLDS_SEAT = timedelta(days=3)  # an invited person keeps "their" seat this long
MAX_CAP = 100_000


@dataclass(frozen=True)
class DoorsStatus:
    open: bool
    seat_cap: int | None
    seats_taken: int
    waiting: int
    invited: int

    @property
    def full(self) -> bool:
        return self.seat_cap is not None and self.seats_taken >= self.seat_cap


@dataclass(frozen=True)
class Admission:
    """Whether someone asking to join may go ahead, or was put on the waitlist (at `position`)."""

    admitted: bool
    position: int = 0
    founding: bool = False  # they hold an invitation from the waitlist (founding plans allowed)
    full: bool = False  # the doors are open but every seat is taken


class DoorsService:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier, *, paid: bool) -> None:
        self._database = database
        self._community = community
        self._notify = notify
        self._paid = paid

    async def status(self, now: datetime) -> DoorsStatus:
        async with self._database.session() as session:
            return await self._status(session, now)

    async def _status(self, session: AsyncSession, now: datetime) -> DoorsStatus:
        row = await repo.community(session, self._community.id)
        waiting = await repo.waiting(session, self._community.id)
        return DoorsStatus(
            open=bool(row.doors_open),
            seat_cap=row.seat_cap,
            seats_taken=await repo.seats_taken(session, self._community.id),
            waiting=len(waiting),
            invited=await repo.outstanding_invites(session, self._community.id, now - INVITE_HOLDS_SEAT),
        )

    async def admit(self, member: Member, now: datetime) -> Admission:
        """Doors open and a seat free: go ahead. Otherwise: onto the waitlist (once), keeping their place."""
        async with self._database.session() as session:
            status = await self._status(session, now)
            entry = await repo.waitlist_entry(session, self._community.id, member.id)
            invited = entry is not None and entry.converted_at is None and entry.invited_at is not None
            mine = 1 if entry is not None and invited and entry.invited_at >= now - INVITE_HOLDS_SEAT else 0  # type: ignore[operator]
            room = status.seat_cap is None or status.seats_taken + status.invited - mine < status.seat_cap
            if status.open and room:
                return Admission(True, founding=invited)
            if entry is None:
                entry = WaitlistEntry(community_id=self._community.id, member_id=member.id, joined_at=now)
                session.add(entry)
                await session.flush()
            elif entry.converted_at is not None:
                entry.converted_at, entry.joined_at = None, now
            entry.invited_at = None  # back in line, in their original place
            ahead = [e.id for e in await repo.waiting(session, self._community.id)]
            return Admission(False, position=ahead.index(entry.id) + 1, full=status.open)

    async def converted(self, session: AsyncSession, member_id: int, now: datetime) -> None:
        """They became a member: off the waitlist."""
        entry = await repo.waitlist_entry(session, self._community.id, member_id)
        if entry is not None and entry.converted_at is None:
            entry.converted_at = now

    async def open(self, now: datetime, *, founding: bool) -> int:
        """Open the doors and invite the waitlist (as many as there are seats). Returns how many were invited."""
        async with self._database.session() as session:
            row = await repo.community(session, self._community.id)
            row.doors_open = True
            invited = await self._invite(session, now, founding=founding, reinvite=True)
        log.info("doors opened; %d invited", invited)
        return invited

    async def close(self) -> None:
        async with self._database.session() as session:
            (await repo.community(session, self._community.id)).doors_open = False
        log.info("doors closed")

    async def set_cap(self, cap: int | None) -> None:
        if cap is not None and not 1 <= cap <= MAX_CAP:
            raise UserError("billing.errors.cap", max=MAX_CAP)
        async with self._database.session() as session:
            (await repo.community(session, self._community.id)).seat_cap = cap

    async def fill_seats(self, now: datetime) -> int:
        """Invite the next people in line when seats are free (doors open, cap set). Returns how many."""
        async with self._database.session() as session:
            row = await repo.community(session, self._community.id)
            if not row.doors_open or row.seat_cap is None:
                return 0
            return await self._invite(session, now, founding=False, reinvite=False)

    async def _invite(self, session: AsyncSession, now: datetime, *, founding: bool, reinvite: bool) -> int:
        status = await self._status(session, now)
        entries = await repo.waiting(session, self._community.id, invited=None if reinvite else False)
        if status.seat_cap is not None:
            held = 0 if reinvite else status.invited
            entries = entries[: max(0, status.seat_cap - status.seats_taken - held)]
        offer = plans.offered(self._community.config, founding=founding) if self._paid else ()
        invited = 0
        for entry in entries:
            member = await repo.member(session, entry.member_id)
            if member is None or member.left_at is not None:
                continue
            entry.invited_at = now
            key = f"billing:waitlist:{entry.id}:invite:{int(now.timestamp())}"
            name = self._community.name
            if await self._notify.member(session, member, key, lambda t, o=offer: views.doors_open_dm(name, o, t)):
                invited += 1
        return invited
