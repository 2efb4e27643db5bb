"""Leaving: the exit survey's answer, kept on the membership and passed to the creator, and a
win-back note some weeks later for those who have not come back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.services.billing import repo
from bot.services.billing.notify import Notifier
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from bot.views import billing as views
from bot.views.billing import EXIT_REASONS
from storage.database import Database
from storage.models import Member, Membership

log = logging.getLogger(__name__)

MAX_REASON = 1000
WINBACK_AFTER = timedelta(days=30)
WINBACK_WINDOW = timedelta(days=30)  # never write to people who left long before this feature ran


class ExitService:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier) -> None:
        self._database = database
        self._community = community
        self._notify = notify

    async def record(self, member_id: int, reason: str, comment: str = "") -> None:
        """Keep why they left (a reason key and their own words) and tell the creator."""
        if reason not in EXIT_REASONS:
            raise UserError("errors.stale_button")
        answer = reason if not comment.strip() else f"{reason}: {comment.strip()[:MAX_REASON]}"
        async with self._database.session() as session:
            found = await repo.latest_membership(session, member_id)
            member = await repo.member(session, member_id)
            if found is None or member is None:
                raise UserError("billing.errors.no_subscription")
            membership = found[0]
            first = membership.cancel_reason is None
            membership.cancel_reason = answer
            if first:
                name = member.display_name
                await self._notify.creators(
                    session, f"billing:{membership.id}:exit-answer", lambda t: views.creator_exit_answer(name, reason, comment, t)
                )
        log.info("exit survey answered for membership %s", membership.id)

    async def win_back(self, now: datetime) -> int:
        """Members whose membership ended a while ago and who have not returned hear from us once."""
        sent = 0
        async with self._database.session() as session:
            ended = await session.scalars(
                select(Membership)
                .join(Member, Member.id == Membership.member_id)
                .where(
                    Member.community_id == self._community.id,
                    Member.left_at.is_(None),
                    Membership.status.in_(("canceled", "unpaid", "expired")),
                    Membership.ended_at.is_not(None),
                    Membership.ended_at <= now - WINBACK_AFTER,
                    Membership.ended_at > now - WINBACK_AFTER - WINBACK_WINDOW,
                )
                .order_by(Membership.id)
            )
            for membership in ended.all():
                if await repo.open_membership(session, membership.member_id) is not None:
                    continue  # they came back
                member = await repo.member(session, membership.member_id)
                name = self._community.name
                if member is not None and await self._notify.member(
                    session, member, f"billing:{membership.id}:winback", lambda t: views.winback_dm(name, t),
                    not_before=now, timed=True,
                ):
                    sent += 1
        return sent
