"""Polls: a question with 2-10 button options, one vote per member (changeable), results on demand.

The poll is posted through the outbox to the channel it was asked in (or the
announcements channel of every workspace when asked in a DM). The outbox only sends, so
results are shown live to whoever votes or taps "Results", and posted where the poll
was when it closes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import ChannelRef
from bot.messages import Target
from bot.services.audience import channel_targets
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.views import polls as views
from storage.models import OutboxMessage, Poll, PollVote
from storage.repositories._upsert import insert_ignoring_conflicts

log = logging.getLogger(__name__)

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_QUESTION, MAX_OPTION = 300, 75  # a button label: Slack allows 75 characters, Discord 80


@dataclass(frozen=True)
class PollRequest:
    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Results:
    poll_id: int
    question: str
    options: tuple[str, ...]
    counts: tuple[int, ...]
    closed: bool
    mine: int | None = None  # the asking member's choice

    @property
    def total(self) -> int:
        return sum(self.counts)


def parse_poll(question: str, options: Sequence[str]) -> PollRequest:
    question = " ".join(question.split())
    cleaned = tuple(" ".join(o.split()) for o in options if o.strip())
    if not question or len(cleaned) < MIN_OPTIONS:
        raise UserError("poll.errors.usage")
    if len(cleaned) > MAX_OPTIONS:
        raise UserError("poll.errors.too_many", most=MAX_OPTIONS, count=len(cleaned))
    if len(question) > MAX_QUESTION:
        raise UserError("poll.errors.question_too_long", limit=MAX_QUESTION)
    if too_long := next((o for o in cleaned if len(o) > MAX_OPTION), None):
        raise UserError("poll.errors.option_too_long", option=too_long[:30], limit=MAX_OPTION)
    if len({o.casefold() for o in cleaned}) != len(cleaned):
        raise UserError("poll.errors.duplicate")
    return PollRequest(question, cleaned)


def parse_line(args: str) -> PollRequest:
    """`question | option 1 | option 2 | ...`."""
    question, *options = args.split("|")
    return parse_poll(question, options)


class PollService(DomainService):

    async def create(self, author_id: int, request: PollRequest, where: ChannelRef | None) -> tuple[Poll, list[Target]]:
        """Save the poll and queue its post, in one transaction."""
        t = self._catalog.for_locale(self._community.locale)
        async with self._database.session() as session:
            poll = Poll(
                community_id=self._community.id,
                question=request.question,
                options=list(request.options),
                created_by=author_id,
                created_at=self._clock.now(),
            )
            session.add(poll)
            await session.flush()
            targets = self._targets(where)
            message = views.poll_post(poll.id, request.question, request.options, t)
            for target in targets:
                key = f"poll:{poll.id}:post:{target.platform}:{target.workspace_id}:{target.channel}"
                await self._outbox.enqueue(session, key, target, message)
        log.info("poll %s created with %d options", poll.id, len(request.options))
        return poll, targets

    async def vote(self, poll_id: int, member_id: int, option: int) -> Results:
        """One vote per member; voting again changes it. Closed polls take no votes."""
        now = self._clock.now()
        async with self._database.session() as session:
            poll = await self._get(session, poll_id)
            if poll.closed_at is not None:
                raise UserError("poll.errors.closed")
            if not 0 <= option < len(poll.options):
                raise UserError("errors.stale_button")
            values = {"poll_id": poll.id, "member_id": member_id, "option": option, "voted_at": now}
            added = await session.execute(insert_ignoring_conflicts(session, PollVote, values))
            if added.rowcount != 1:
                await session.execute(
                    update(PollVote)
                    .where(PollVote.poll_id == poll.id, PollVote.member_id == member_id)
                    .values(option=option, voted_at=now)
                )
            return await self._results(session, poll, member_id)

    async def results(self, poll_id: int | None, member_id: int | None = None) -> Results:
        """A poll's counts; without an id, the latest poll's."""
        async with self._database.session() as session:
            poll = await self._get(session, poll_id) if poll_id is not None else await self._latest(session)
            return await self._results(session, poll, member_id)

    async def close(self, poll_id: int | None) -> Results:
        """Close a poll (the latest open one without an id) and post the final results where it was asked."""
        async with self._database.session() as session:
            poll = await self._get(session, poll_id) if poll_id is not None else await self._latest(session, open_only=True)
            closed = await session.execute(
                update(Poll)
                .where(Poll.id == poll.id, Poll.closed_at.is_(None))
                .values(closed_at=self._clock.now())
                .execution_options(synchronize_session=False)
            )
            if closed.rowcount != 1:
                raise UserError("poll.errors.already_closed", id=poll.id)
            await session.refresh(poll)
            results = await self._results(session, poll)
            t = self._catalog.for_locale(self._community.locale)
            message = views.final_results(results, t)
            for row in await self._posts(session, poll.id):
                target = Target(row.platform, row.workspace_id, **row.target)
                await self._outbox.enqueue(session, f"poll:{poll.id}:closed:{row.id}", target, message)
            return results

    # -- internals -----------------------------------------------------------------------------

    def _targets(self, where: ChannelRef | None) -> list[Target]:
        if where is not None and not where.is_dm:
            return [Target(where.platform, where.workspace_id, channel=where.channel_id, thread_id=where.thread_id)]
        return channel_targets(self._presence, self._community.config.channels.announcements)

    async def _results(self, session: AsyncSession, poll: Poll, member_id: int | None = None) -> Results:
        rows = await session.execute(
            select(PollVote.option, func.count()).where(PollVote.poll_id == poll.id).group_by(PollVote.option)
        )
        by_option = dict(rows.all())
        mine = None
        if member_id is not None:
            mine = await session.scalar(
                select(PollVote.option).where(PollVote.poll_id == poll.id, PollVote.member_id == member_id)
            )
        options = tuple(str(o) for o in poll.options)
        counts = tuple(by_option.get(n, 0) for n in range(len(options)))
        return Results(poll.id, poll.question, options, counts, poll.closed_at is not None, mine)

    async def _posts(self, session: AsyncSession, poll_id: int) -> Sequence[OutboxMessage]:
        """Where the poll was posted: its outbox rows remember the targets."""
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.dedupe_key.like(f"poll:{poll_id}:post:%")).order_by(OutboxMessage.id)
        )
        return rows.all()

    async def _get(self, session: AsyncSession, poll_id: int) -> Poll:
        poll = await session.get(Poll, poll_id)
        if poll is None or poll.community_id != self._community.id:
            raise UserError("poll.errors.not_found", id=poll_id)
        return poll

    async def _latest(self, session: AsyncSession, *, open_only: bool = False) -> Poll:
        query = select(Poll).where(Poll.community_id == self._community.id)
        if open_only:
            query = query.where(Poll.closed_at.is_(None))
        poll = await session.scalar(query.order_by(Poll.id.desc()).limit(1))
        if poll is None:
            raise UserError("poll.errors.none_open" if open_only else "poll.errors.none")
        return poll
