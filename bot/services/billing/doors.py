"""Launch windows: doors open or closed, the waitlist, and an optional seat cap that invites the next in line."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.notices.billing import DoorsOpened, DoorsStatus
from bot.services.billing import plans
from bot.services.billing.notify import Notifier
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from storage.database import Database, Session
from storage.repositories import members, memberships, waitlist

log = logging.getLogger(__name__)

INVITE_HOLDS_SEAT = timedelta(days=3)  # an invited person keeps "their" seat this long
MAX_CAP = 100_000


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

    async def _status(self, session: Session, now: datetime) -> DoorsStatus:
        row = await waitlist.doors(session, self._community.id)
        waiting = await waitlist.waiting(session, self._community.id)
        return DoorsStatus(
            open=bool(row.doors_open),
            seat_cap=row.seat_cap,
            seats_taken=await memberships.seats_taken(session, self._community.id),
            waiting=len(waiting),
            invited=await waitlist.outstanding_invites(session, self._community.id, now - INVITE_HOLDS_SEAT),
        )

    async def admit(self, member_id: int, now: datetime) -> Admission:
        """Doors open and a seat free: go ahead. Otherwise: onto the waitlist (once), keeping their place."""
        async with self._database.session() as session:
            status = await self._status(session, now)
            entry = await waitlist.entry(session, self._community.id, member_id)
            invited = entry is not None and entry.converted_at is None and entry.invited_at is not None
            mine = 1 if entry is not None and invited and entry.invited_at >= now - INVITE_HOLDS_SEAT else 0  # type: ignore[operator]
            room = status.seat_cap is None or status.seats_taken + status.invited - mine < status.seat_cap
            if status.open and room:
                return Admission(True, founding=invited)
            if entry is None:
                entry = await waitlist.add(session, self._community.id, member_id, now)
            elif entry.converted_at is not None:
                entry.converted_at, entry.joined_at = None, now
            entry.invited_at = None  # back in line, in their original place
            ahead = [e.id for e in await waitlist.waiting(session, self._community.id)]
            return Admission(False, position=ahead.index(entry.id) + 1, full=status.open)

    async def converted(self, session: Session, member_id: int, now: datetime) -> None:
        """They became a member: off the waitlist."""
        entry = await waitlist.entry(session, self._community.id, member_id)
        if entry is not None and entry.converted_at is None:
            entry.converted_at = now

    async def open(self, now: datetime, *, founding: bool) -> int:
        """Open the doors and invite the waitlist (as many as there are seats). Returns how many were invited."""
        async with self._database.session() as session:
            (await waitlist.doors(session, self._community.id)).doors_open = True
            invited = await self._invite(session, now, founding=founding, reinvite=True)
        log.info("doors opened; %d invited", invited)
        return invited

    async def close(self) -> None:
        async with self._database.session() as session:
            (await waitlist.doors(session, self._community.id)).doors_open = False
        log.info("doors closed")

    async def set_cap(self, cap: int | None) -> None:
        if cap is not None and not 1 <= cap <= MAX_CAP:
            raise UserError("billing.errors.cap", max=MAX_CAP)
        async with self._database.session() as session:
            (await waitlist.doors(session, self._community.id)).seat_cap = cap

    async def fill_seats(self, now: datetime) -> int:
        """Invite the next people in line when seats are free (doors open, cap set). Returns how many."""
        async with self._database.session() as session:
            row = await waitlist.doors(session, self._community.id)
            if not row.doors_open or row.seat_cap is None:
                return 0
            return await self._invite(session, now, founding=False, reinvite=False)

    async def _invite(self, session: Session, now: datetime, *, founding: bool, reinvite: bool) -> int:
        status = await self._status(session, now)
        entries = await waitlist.waiting(session, self._community.id, invited=None if reinvite else False)
        if status.seat_cap is not None:
            held = 0 if reinvite else status.invited
            entries = entries[: max(0, status.seat_cap - status.seats_taken - held)]
        offer = tuple(map(plans.offer, plans.offered(self._community.config, founding=founding))) if self._paid else ()
        notice = DoorsOpened(self._community.name, offer)
        invited = 0
        for entry in entries:
            member = await members.get(session, entry.member_id)
            if member is None or member.left_at is not None:
                continue
            entry.invited_at = now
            key = f"billing:waitlist:{entry.id}:invite:{int(now.timestamp())}"
            if await self._notify.member(session, member, key, notice):
                invited += 1
        return invited
