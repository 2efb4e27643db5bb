"""Leaving: the exit survey's answer, kept on the membership and passed to the creator, and a
win-back note some weeks later for those who have not come back."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.notices.billing import EXIT_COMMENT, EXIT_REASONS, CreatorExitAnswer, WinBack
from bot.services.billing.notify import Notifier
from bot.services.community import CommunityContext
from bot.services.errors import UserError
from storage.database import Database
from storage.repositories import members, memberships

log = logging.getLogger(__name__)

MAX_REASON = EXIT_COMMENT
WINBACK_AFTER = timedelta(days=30)
WINBACK_WINDOW = timedelta(days=30)  # never write to people who left long before this feature ran
LEFT = ("canceled", "unpaid")
"""Ended by leaving or not paying. A trial given by hand that ran out (expired) was told how to stay when it ended."""


class ExitService:
    def __init__(self, database: Database, community: CommunityContext, notify: Notifier) -> None:
        self._database = database
        self._community = community
        self._notify = notify

    async def record(self, member_id: int, reason: str, comment: str = "") -> None:
        """Keep why they left (a reason key and their own words) and tell the creator. Words without a
        reason picked are kept under "other", and the creator is told they are the member's own words."""
        picked = reason or ("other" if comment.strip() else "")
        if picked not in EXIT_REASONS:
            raise UserError("errors.stale_button")
        answer = picked if not comment.strip() else f"{picked}: {comment.strip()[:MAX_REASON]}"
        async with self._database.session() as session:
            found = await memberships.latest(session, member_id)
            member = await members.get(session, member_id)
            if found is None or member is None:
                raise UserError("billing.errors.no_subscription")
            membership = found[0]
            first = membership.cancel_reason is None
            membership.cancel_reason = answer
            if first:
                notice = CreatorExitAnswer(member.display_name, reason, comment)
                await self._notify.creators(session, f"billing:{membership.id}:exit-answer", notice)
        log.info("exit survey answered for membership %s", membership.id)

    async def win_back(self, now: datetime) -> int:
        """Members whose membership ended a while ago and who have not returned hear from us once."""
        sent = 0
        notice = WinBack(self._community.name)
        async with self._database.session() as session:
            until = now - WINBACK_AFTER
            for membership in await memberships.ended_between(
                session, self._community.id, LEFT, until - WINBACK_WINDOW, until
            ):
                if membership.ended_by == "creator":
                    continue  # removed on purpose: not invited back by a machine
                if await memberships.open_of(session, membership.member_id) is not None:
                    continue  # they came back
                member = await members.get(session, membership.member_id)
                if member is not None and await self._notify.member(
                    session,
                    member,
                    f"billing:{membership.id}:winback",
                    notice,
                    not_before=now,
                    timed=True,
                ):
                    sent += 1
        return sent
