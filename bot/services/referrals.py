"""Ambassadors: a personal referral code per member, redeemed with `/join CODE`, credited once the
referred member pays, and a leaderboard for the creator."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from bot.notices.referrals import Ambassador, Invite, ReferralCredited
from bot.services.announcements.segments import HAS_ACCESS
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from storage.database import Session
from storage.repositories import members
from storage.repositories import referrals as repo

log = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read out and type
CODE_LENGTH = 6
PAYING = ("active",)  # a referral counts once the friend pays (not while trialing or comped)
LEADERS = 10


@dataclass(frozen=True)
class Referred:
    """A recorded referral: who invited whom."""

    id: int
    referrer_id: int
    referred_id: int


def normalise(code: str) -> str:
    """What people type (`k7m-2qx `) as stored (`K7M2QX`)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


class ReferralService(DomainService):
    async def code_for(self, member_id: int) -> str:
        """The member's personal code: made on first ask, the same ever after."""
        async with self._database.session() as session:
            for _ in range(20):
                existing = await repo.code_of(session, member_id)
                if existing is not None:
                    return existing
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                await repo.claim_code(session, member_id, code, self._clock.now())
        raise RuntimeError("could not find a free referral code")  # 31^6 codes: practically unreachable

    async def stats(self, member_id: int) -> tuple[int, int]:
        """(credited, pending) referrals of one member."""
        async with self._database.session() as session:
            credited, total = await repo.counts(session, member_id)
        return credited, total - credited

    async def invite(self, member_id: int) -> Invite:
        """What `/invite` shows: the member's code and how it has done."""
        code = await self.code_for(member_id)
        credited, pending = await self.stats(member_id)
        return Invite(code, credited, pending)

    async def knows(self, code: str) -> bool:
        """Whether `code` is someone's invite code here (what `/join` checks before changing anything)."""
        wanted = normalise(code)
        async with self._database.session() as session:
            return bool(wanted) and await repo.code_owner(session, self._community.id, wanted) is not None

    async def redeem(self, code: str, member_id: int) -> Referred | None:
        """Record that `member_id` came through `code` (call before activating the membership).

        A blank code does nothing; an unknown or own code is a friendly error. Someone who
        already has access, or was already referred, is left as they are.
        """
        wanted = normalise(code)
        if not wanted:
            return None
        async with self._database.session() as session:
            owner = await repo.code_owner(session, self._community.id, wanted)
            if owner is None:
                raise UserError("referrals.errors.unknown_code", code=code.strip())
            if owner == member_id:
                raise UserError("referrals.errors.own_code")
            current = await members.current_membership(session, member_id)
            if current is not None and current[0].status in HAS_ACCESS:
                return None
            referral = await repo.add(session, owner, member_id, self._clock.now())
            log.info("member %s redeemed referral code of member %s", member_id, owner)
            return None if referral is None else Referred(referral.id, referral.referrer_id, referral.referred_id)

    async def credit_due(self) -> int:
        """The job: credit every referral whose friend now pays, and thank the ambassador, once."""
        now = self._clock.now()
        credited = 0
        async with self._database.session() as session:
            for referral in await repo.due_for_credit(session, self._community.id, PAYING):
                if await repo.mark_credited(session, referral.id, now):
                    credited += 1
                    await self._thank(session, referral.id, referral.referrer_id, referral.referred_id)
        return credited

    async def leaderboard(self, limit: int = LEADERS) -> Sequence[Ambassador]:
        """Most credited referrals first; on a tie, whoever got there first."""
        async with self._database.session() as session:
            rows = await repo.leaderboard(session, self._community.id, limit)
        return [Ambassador(member_id, name, done, total - done) for member_id, name, done, total in rows]

    async def _thank(self, session: Session, referral_id: int, referrer_id: int, referred_id: int) -> None:
        referrer = await members.get(session, referrer_id)
        friend = await members.get(session, referred_id)
        if referrer is None or friend is None or referrer.left_at is not None:
            return
        target = dm_target(referrer, self._presence)
        if target is None:
            return
        total, _ = await repo.counts(session, referrer.id)
        notice = ReferralCredited(friend.display_name, total)
        await self._outbox.enqueue(
            session,
            f"referral:{referral_id}:credited",
            target,
            notice,
            reader=self._reader(referrer),
            member_id=referrer.id,
        )
