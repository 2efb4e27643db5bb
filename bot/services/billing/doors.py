"""Launch windows: doors open or closed (by hand or by the timetable in `windows`), the founding price while a
founding window is open, the waitlist, and an optional seat cap that invites the next in line."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.notices.billing import (
    CreatorDoorsClosed,
    CreatorDoorsOpened,
    DoorsOpened,
    DoorsStatus,
    InviteLapsed,
    WaitlistPlace,
)
from bot.services.billing import plans, windows
from bot.services.billing.notify import Notifier
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from storage.database import Database, Session
from storage.models import WaitlistEntry
from storage.repositories import members, memberships, waitlist

log = logging.getLogger(__name__)

INVITE_HOLDS_SEAT = timedelta(days=3)  # an invited person keeps "their" seat this long
LAPSE_NOTICE_WITHIN = timedelta(days=2)  # after downtime, a hold that ended longer ago than this is not news
MAX_CAP = 100_000


@dataclass(frozen=True)
class Admission:
    """Whether someone asking to join may go ahead, or was put on the waitlist (at `position`)."""

    admitted: bool
    position: int = 0
    founding: bool = False  # a founding window is open: the founding plans are offered
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

    async def _status(self, session: Session, now: datetime, *, tick: bool = True) -> DoorsStatus:
        """The doors as they are at `now`, after whatever the timetable says is due (unless `tick` is off)."""
        if tick:
            await self._tick(session, now)
        row = await waitlist.doors(session, self._community.id)
        waiting = await waitlist.waiting(session, self._community.id)
        timetable = await waitlist.windows(session, self._community.id)
        window = windows.current(timetable, now) if row.doors_open else None
        following = windows.upcoming(timetable, now)
        return DoorsStatus(
            open=bool(row.doors_open),
            seat_cap=row.seat_cap,
            seats_taken=await memberships.seats_taken(session, self._community.id),
            waiting=len(waiting),
            invited=await waitlist.outstanding_invites(session, self._community.id, now - INVITE_HOLDS_SEAT),
            founding=window is not None and window.founding,
            closes_at=window.closes_at if window is not None else None,
            next_opens=following.opens_at if following is not None else None,
            next_founding=following is not None and following.founding,
        )

    async def tick(self, now: datetime) -> None:
        """The job: open or close the doors when a launch window says so (idempotent)."""
        async with self._database.session() as session:
            await self._tick(session, now)

    async def _tick(self, session: Session, now: datetime) -> None:
        timetable = await windows.sync(session, self._community)
        moves = windows.due(timetable, now)
        if not (moves.close or moves.open or moves.missed):
            return
        row = await waitlist.doors(session, self._community.id)
        windows.end(moves.missed, now, "missed")
        for window in moves.missed:
            log.warning("launch window %s came and went while membot was not running", window.key)
        windows.end(moves.close, now, "time")
        if moves.open is None and moves.close:
            row.doors_open = False
        following = windows.upcoming(timetable, now)
        for window in moves.close:
            notice = CreatorDoorsClosed(window.founding, following.opens_at if following is not None else None)
            await self._notify.creators(session, f"billing:doors:window:{window.id}:closed", notice)
            log.info("doors closed by launch window %s", window.key)
        if moves.open is not None:
            opening = moves.open
            windows.end(timetable, now, "replaced", keep=opening)
            opening.opened_at, row.doors_open = now, True
            invited = await self._invite(session, now, founding=opening.founding, reinvite=True, window=opening.id)
            notice_ = CreatorDoorsOpened(opening.founding, opening.closes_at, invited)
            await self._notify.creators(session, f"billing:doors:window:{opening.id}:opened", notice_)
            log.info("doors opened by launch window %s; %d invited", opening.key, invited)

    async def admit(self, member_id: int, now: datetime) -> Admission:
        """Doors open and a seat free: go ahead. Otherwise: onto the waitlist (once), keeping their place.
        With a seat cap, people waiting ahead who were not invited yet come first: a free seat is theirs."""
        async with self._database.session() as session:
            status = await self._status(session, now)
            entry = await waitlist.entry(session, self._community.id, member_id)
            waiting = await waitlist.waiting(session, self._community.id)
            invited_at = entry.invited_at if entry is not None and entry.converted_at is None else None
            mine = 1 if invited_at is not None and invited_at >= now - INVITE_HOLDS_SEAT else 0  # their seat, held
            queued = sum(1 for e in _ahead_of(waiting, entry) if e.invited_at is None)
            room = status.seat_cap is None or status.seats_taken + status.invited - mine + queued < status.seat_cap
            if status.open and room:
                return Admission(True, founding=status.founding)
            if entry is None:
                entry = await waitlist.add(session, self._community.id, member_id, now)
            elif entry.converted_at is not None:
                entry.converted_at, entry.joined_at = None, now
            entry.invited_at = None  # back in line, in their original place
            if status.open and queued:  # the seat they found free is for those ahead: invite them now
                await self._invite(session, now, founding=status.founding, reinvite=False)
            place = await self._place(session, entry, now)
            return Admission(False, position=place.position, full=status.open)

    async def place(self, member_id: int, now: datetime) -> WaitlistPlace | None:
        """Their place on the waitlist (/me), or None when they are not on it."""
        async with self._database.session() as session:
            entry = await waitlist.entry(session, self._community.id, member_id)
            if entry is None or entry.converted_at is not None:
                return None
            return await self._place(session, entry, now)

    async def _place(self, session: Session, entry: WaitlistEntry, now: datetime) -> WaitlistPlace:
        """Everyone who waited longer counts, also those whose invitation lapsed: they keep their place
        for the next launch, which invites them again."""
        held_since = now - INVITE_HOLDS_SEAT
        position = 1 + len(_ahead_of(await waitlist.waiting(session, self._community.id), entry))
        capped = (await waitlist.doors(session, self._community.id)).seat_cap is not None
        invited_at = entry.invited_at
        if invited_at is None or invited_at < held_since:
            return WaitlistPlace(position)
        return WaitlistPlace(position, invited=True, held_until=invited_at + INVITE_HOLDS_SEAT if capped else None)

    async def leave(self, member_id: int, now: datetime) -> bool:
        """Off the waitlist at their own request (a seat their invitation held goes to the next in line)."""
        async with self._database.session() as session:
            entry = await waitlist.entry(session, self._community.id, member_id)
            if entry is None or entry.converted_at is not None:
                return False
            await waitlist.remove(session, entry)
        await self.fill_seats(now)
        return True

    async def converted(self, session: Session, member_id: int, now: datetime) -> None:
        """They became a member: off the waitlist."""
        entry = await waitlist.entry(session, self._community.id, member_id)
        if entry is not None and entry.converted_at is None:
            entry.converted_at = now

    async def open(self, now: datetime, *, founding: bool, until: datetime | None = None) -> int:
        """Open the doors (until `until`, else until closed by hand) and invite the waitlist (as many as
        there are seats). Returns how many were invited."""
        if founding and not any(plan.founding for plan in self._community.config.plans):
            raise UserError("billing.errors.no_founding_plan")
        async with self._database.session() as session:
            await self._tick(session, now)
            timetable = await waitlist.windows(session, self._community.id)
            window = await windows.start_now(session, self._community.id, now, until, founding=founding)
            windows.end(timetable, now, "replaced", keep=window)
            (await waitlist.doors(session, self._community.id)).doors_open = True
            invited = await self._invite(session, now, founding=founding, reinvite=True, window=window.id)
        log.info("doors opened%s; %d invited", " (founding)" if founding else "", invited)
        return invited

    async def close(self, now: datetime) -> None:
        async with self._database.session() as session:
            await self._tick(session, now)
            windows.end(await waitlist.windows(session, self._community.id), now, "creator")
            (await waitlist.doors(session, self._community.id)).doors_open = False
        log.info("doors closed")

    async def set_cap(self, cap: int | None) -> None:
        if cap is not None and not 1 <= cap <= MAX_CAP:
            raise UserError("billing.errors.cap", max=MAX_CAP)
        async with self._database.session() as session:
            (await waitlist.doors(session, self._community.id)).seat_cap = cap

    async def fill_seats(self, now: datetime) -> int:
        """Invite the next people in line when seats are free (doors open): as many as the cap leaves room
        for, or everyone not invited yet once there is no cap (`/doors cap off`). Returns how many."""
        async with self._database.session() as session:
            row = await waitlist.doors(session, self._community.id)
            if row.seat_cap is not None:
                await self._tell_lapsed(session, now)
            if not row.doors_open:
                return 0
            window = windows.current(await waitlist.windows(session, self._community.id), now)
            founding = window is not None and window.founding
            return await self._invite(session, now, founding=founding, reinvite=False)

    async def _tell_lapsed(self, session: Session, now: datetime) -> None:
        """Tell whoever's held seat just went to the next in line, once per invitation: their invitation
        said until when it held the seat. They keep their place on the waitlist."""
        held_since = now - INVITE_HOLDS_SEAT
        for entry in await waitlist.lapsed_invites(
            session, self._community.id, held_since - LAPSE_NOTICE_WITHIN, held_since
        ):
            member = await members.get(session, entry.member_id)
            if member is None or member.left_at is not None or entry.invited_at is None:
                continue
            place = await self._place(session, entry, now)
            key = f"billing:waitlist:{entry.id}:lapsed:{int(entry.invited_at.timestamp())}"
            await self._notify.member(session, member, key, InviteLapsed(place.position), timed=True)

    async def _invite(
        self, session: Session, now: datetime, *, founding: bool, reinvite: bool, window: int | None = None
    ) -> int:
        """Invite the waitlist; once per window it opened in (`window`), else once per moment."""
        status = await self._status(session, now, tick=False)
        entries = await waitlist.waiting(session, self._community.id, invited=None if reinvite else False)
        if status.seat_cap is not None:
            held = 0 if reinvite else status.invited
            entries = entries[: max(0, status.seat_cap - status.seats_taken - held)]
        offer = tuple(map(plans.offer, plans.offered(self._community.config, founding=founding))) if self._paid else ()
        held_until = now + INVITE_HOLDS_SEAT if status.seat_cap is not None else None
        notice = DoorsOpened(self._community.name, offer, held_until, seat_freed=not reinvite)
        invited = 0
        for entry in entries:
            member = await members.get(session, entry.member_id)
            if member is None or member.left_at is not None:
                continue
            entry.invited_at = now
            when = f"window:{window}" if window is not None else f"invite:{int(now.timestamp())}"
            key = f"billing:waitlist:{entry.id}:{when}"
            if await self._notify.member(session, member, key, notice):
                invited += 1
        return invited


def _ahead_of(waiting: Sequence[WaitlistEntry], entry: WaitlistEntry | None) -> Sequence[WaitlistEntry]:
    """Who waits before `entry` (everyone waiting, when they are not on the waitlist yet)."""
    return waiting[: waiting.index(entry)] if entry is not None and entry in waiting else waiting
