"""Ambassadors: a personal referral code per member, redeemed with `/join CODE`, credited once the
referred member pays, and a leaderboard for the creator."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.services.segments import HAS_ACCESS
from bot.views import community as views
from storage.models import Member, Membership, Referral, ReferralCode
from storage.repositories import members
from storage.repositories._upsert import insert_ignoring_conflicts

log = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read out and type
CODE_LENGTH = 6
PAYING = ("active",)  # a referral counts once the friend pays (not while trialing or comped)
LEADERS = 10


@dataclass(frozen=True)
class Ambassador:
    member_id: int
    name: str
    credited: int
    pending: int


def normalise(code: str) -> str:
    """What people type (`k7m-2qx `) as stored (`K7M2QX`)."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


class ReferralService(DomainService):

    async def code_for(self, member_id: int) -> str:
        """The member's personal code: made on first ask, the same ever after."""
        async with self._database.session() as session:
            for _ in range(20):
                existing = await session.scalar(select(ReferralCode.code).where(ReferralCode.member_id == member_id))
                if existing is not None:
                    return existing
                code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
                values = {"member_id": member_id, "code": code, "created_at": self._clock.now()}
                await session.execute(insert_ignoring_conflicts(session, ReferralCode, values))
        raise RuntimeError("could not find a free referral code")  # 31^6 codes: practically unreachable

    async def stats(self, member_id: int) -> tuple[int, int]:
        """(credited, pending) referrals of one member."""
        async with self._database.session() as session:
            row = (
                await session.execute(
                    select(func.count(Referral.credited_at), func.count(Referral.id))
                    .where(Referral.referrer_id == member_id)
                )
            ).one()
            return row[0], row[1] - row[0]

    async def redeem(self, code: str, member_id: int) -> Referral | None:
        """Record that `member_id` came through `code` (call before activating the membership).

        A blank code does nothing; an unknown or own code is a friendly error. Someone who
        already has access, or was already referred, is left as they are.
        """
        wanted = normalise(code)
        if not wanted:
            return None
        async with self._database.session() as session:
            owner = await session.scalar(
                select(ReferralCode.member_id)
                .join(Member, Member.id == ReferralCode.member_id)
                .where(ReferralCode.code == wanted, Member.community_id == self._community.id)
            )
            if owner is None:
                raise UserError("referrals.errors.unknown_code", code=code.strip())
            if owner == member_id:
                raise UserError("referrals.errors.own_code")
            current = await members.current_membership(session, member_id)
            if current is not None and current[0].status in HAS_ACCESS:
                return None
            values = {"referrer_id": owner, "referred_id": member_id, "created_at": self._clock.now()}
            await session.execute(insert_ignoring_conflicts(session, Referral, values))
            referral = await session.scalar(select(Referral).where(Referral.referred_id == member_id))
            log.info("member %s redeemed referral code of member %s", member_id, owner)
            return referral

    async def credit_due(self) -> int:
        """The job: credit every referral whose friend now pays, and thank the ambassador, once."""
        now = self._clock.now()
        credited = 0
        async with self._database.session() as session:
            due = await session.scalars(
                select(Referral)
                .join(Member, Member.id == Referral.referrer_id)
                .where(
                    Member.community_id == self._community.id,
                    Referral.credited_at.is_(None),
                    Referral.referred_id.in_(
                        select(Membership.member_id).where(Membership.ended_at.is_(None), Membership.status.in_(PAYING))
                    ),
                )
                .order_by(Referral.id)
            )
            for referral in due.all():
                done = await session.execute(
                    update(Referral)
                    .where(Referral.id == referral.id, Referral.credited_at.is_(None))
                    .values(credited_at=now)
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount == 1:
                    credited += 1
                    await self._thank(session, referral)
        return credited

    async def leaderboard(self, limit: int = LEADERS) -> Sequence[Ambassador]:
        """Most credited referrals first; on a tie, whoever got there first."""
        credited = func.count(Referral.credited_at)
        last = func.max(Referral.credited_at)
        async with self._database.session() as session:
            rows = await session.execute(
                select(Member.id, Member.display_name, credited, func.count(Referral.id))
                .join(Referral, Referral.referrer_id == Member.id)
                .where(Member.community_id == self._community.id)
                .group_by(Member.id, Member.display_name)
                .order_by(credited.desc(), last.asc().nulls_last(), Member.display_name, Member.id)
                .limit(limit)
            )
            return [Ambassador(mid, name, done, total - done) for mid, name, done, total in rows.all()]

    async def _thank(self, session: AsyncSession, referral: Referral) -> None:
        referrer = await members.get(session, referral.referrer_id)
        friend = await members.get(session, referral.referred_id)
        if referrer is None or friend is None or referrer.left_at is not None:
            return
        target = dm_target(referrer, self._presence)
        if target is None:
            return
        total = await session.scalar(
            select(func.count(Referral.credited_at)).where(Referral.referrer_id == referrer.id)
        ) or 0
        t = self._catalog.for_locale(referrer.locale, self._community.locale)
        message = views.referral_credited(friend.display_name, total, t)
        await self._outbox.enqueue(session, f"referral:{referral.id}:credited", target, message, member_id=referrer.id)
