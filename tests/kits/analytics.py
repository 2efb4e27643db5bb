"""A membership history to compute figures from, and checks on the charts drawn from it."""

from __future__ import annotations

import struct
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.services.community import CommunityContext
from storage.database import Database
from storage.models import (
    Member,
    Membership,
    Tier,
)
from tests.conftest import START

NOW = START  # the fake clock's start


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


async def membership_dataset(db: Database, ctx: CommunityContext) -> None:
    cid = ctx.id
    m = [await add_member(db, cid, f"m{i}") for i in range(14)]  # m[0] unused
    creator = await add_member(db, cid, "Creator", role="creator")
    await add_membership(db, m[1], "active", "monthly", 100)  # member throughout, 49
    await add_membership(db, m[2], "active", "yearly", 200)  # member throughout, 490/12
    await add_membership(db, m[3], "active", "founding-monthly", 60, founding=True)  # founding, 29
    await add_membership(db, m[4], "canceled", "monthly", 90, ended=10)  # voluntary churn
    await add_membership(db, m[5], "canceled", "monthly", 80, past_due=20, ended=5)  # failed payment churn
    await add_membership(db, m[6], "unpaid", "monthly", 70, past_due=12)  # failed payment churn (no ended_at)
    await add_membership(db, m[7], "past_due", "monthly", 50, past_due=3)  # still a member, still MRR
    await add_membership(db, m[8], "active", "monthly", 20)  # new; trial ended day 13 ago: converted
    await add_membership(db, m[9], "canceled", "monthly", 15, ended=10)  # new; canceled in trial: churn, not converted
    await add_membership(db, m[10], "comped", None, 40)  # member, 0 MRR
    await add_membership(db, m[11], "trialing", "monthly", 3)  # new, trial running: 0 MRR, not decided
    await add_membership(db, m[12], "expired", None, 25, ended=11, period_end=11)  # new; hand-given trial ran out
    await add_membership(db, m[13], "canceled", "monthly", 300, ended=200)  # long gone...
    await add_membership(db, m[13], "active", "monthly", 25)  # ...and back: not new, converted trial
    await add_membership(db, creator, "comped", None, 100)  # the creator never counts


def check_png(
    data: bytes, *, min_size: tuple[int, int] = (300, 200), max_size: tuple[int, int] = (2000, 1500)
) -> tuple[int, int]:
    """A real PNG of sensible dimensions and weight; returns (width, height)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert min_size[0] <= width <= max_size[0] and min_size[1] <= height <= max_size[1], (width, height)
    assert len(data) < 500_000
    return width, height


async def add_member(
    db: Database,
    cid: int,
    name: str,
    *,
    role: str = "member",
    joined: float = 200,
    left: float | None = None,
    active: float | None = None,
) -> int:
    async with db.session() as session:
        member = Member(
            community_id=cid,
            display_name=name,
            role=role,
            joined_at=ago(joined),
            left_at=ago(left) if left is not None else None,
            last_active_at=ago(active) if active is not None else None,
        )
        session.add(member)
        await session.flush()
        return member.id


async def add_membership(
    db: Database,
    member_id: int,
    status: str,
    plan: str | None,
    started: float,
    *,
    ended: float | None = None,
    past_due: float | None = None,
    founding: bool = False,
    period_end: float | None = None,
) -> None:
    async with db.session() as session:
        tier = (await session.scalars(select(Tier.id).where(Tier.key == "member"))).one()
        session.add(
            Membership(
                member_id=member_id,
                tier_id=tier,
                status=status,
                plan=plan,
                founding=founding,
                started_at=ago(started),
                ended_at=ago(ended) if ended is not None else None,
                past_due_since=ago(past_due) if past_due is not None else None,
                current_period_end=ago(period_end) if period_end is not None else None,
            )
        )
