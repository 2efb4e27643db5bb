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

from bot.events import ChannelRef
from bot.messages import Target
from bot.notices.polls import PollClosed, PollPosted, Results
from bot.services.audience import channel_targets
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.untrusted import unseen_removed, visible
from storage.database import Session
from storage.models import Poll
from storage.repositories import members
from storage.repositories import polls as repo

log = logging.getLogger(__name__)

MIN_OPTIONS, MAX_OPTIONS = 2, 10
MAX_QUESTION, MAX_OPTION = 300, 75  # a button label: Slack allows 75 characters, Discord 80

__all__ = ["PollRequest", "PollService", "Posted", "Results", "parse_line", "parse_poll"]


@dataclass(frozen=True)
class PollRequest:
    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Posted:
    """A new poll and the channels its post is queued for."""

    poll_id: int
    targets: tuple[Target, ...]


def parse_poll(question: str, options: Sequence[str]) -> PollRequest:
    question = " ".join(visible(question).split())
    # Invisible characters removed: "a" and "a" with a zero-width space are the same option.
    cleaned = tuple(" ".join(unseen_removed(o).split()) for o in options if unseen_removed(o).strip())
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
    async def create(self, author_id: int, request: PollRequest, where: ChannelRef | None) -> Posted:
        """Save the poll and queue its post, in one transaction."""
        async with self._database.session() as session:
            poll = await repo.add(
                session, self._community.id, request.question, request.options, author_id, self._clock.now()
            )
            targets = self._targets(where)
            notice = PollPosted(poll.id, request.question, request.options)
            for target in targets:
                key = f"poll:{poll.id}:post:{target.platform}:{target.workspace_id}:{target.channel}"
                await self._outbox.enqueue(session, key, target, notice, reader=self._public_reader())
        log.info("poll %s created with %d options", poll.id, len(request.options))
        return Posted(poll.id, tuple(targets))

    async def vote(self, poll_id: int, member_id: int, option: int) -> Results:
        """One vote per member; voting again changes it. Closed polls take no votes, and only members
        (and the creator's team) vote: anyone else is told how to join, and nothing is counted."""
        async with self._database.session() as session:
            if not await members.takes_part(session, member_id, self._clock.now(), self._grace):
                raise UserError("poll.errors.members_only")
            poll = await self._get(session, poll_id)
            if poll.closed_at is not None:
                raise UserError("poll.errors.closed")
            if not 0 <= option < len(poll.options):
                raise UserError("errors.stale_button")
            await repo.vote(session, poll.id, member_id, option, self._clock.now())
            return await self._results(session, poll, member_id)

    async def results(self, poll_id: int | None, member_id: int | None = None) -> Results:
        """A poll's counts; without an id, the latest poll's."""
        async with self._database.session() as session:
            poll = await self._get(session, poll_id) if poll_id is not None else await self._latest(session)
            return await self._results(session, poll, member_id)

    async def close(self, poll_id: int | None) -> Results:
        """Close a poll (the latest open one without an id) and post the final results where it was asked."""
        async with self._database.session() as session:
            poll = (
                await self._get(session, poll_id)
                if poll_id is not None
                else await self._latest(session, open_only=True)
            )
            if not await repo.close(session, poll, self._clock.now()):
                raise UserError("poll.errors.already_closed", id=poll.id)
            results = await self._results(session, poll)
            notice = PollClosed(results)
            for row_id, platform, workspace_id, address in await repo.posts(session, poll.id):
                target = Target(platform, workspace_id, **address)
                key = f"poll:{poll.id}:closed:{row_id}"
                await self._outbox.enqueue(session, key, target, notice, reader=self._public_reader())
            return results

    # -- internals -----------------------------------------------------------------------------

    def _targets(self, where: ChannelRef | None) -> list[Target]:
        if where is not None and not where.is_dm:
            return [Target(where.platform, where.workspace_id, channel=where.channel_id, thread_id=where.thread_id)]
        return channel_targets(self._presence, self._community.config.channels.announcements)

    async def _results(self, session: Session, poll: Poll, member_id: int | None = None) -> Results:
        by_option = await repo.counts(session, poll.id)
        mine = await repo.choice(session, poll.id, member_id) if member_id is not None else None
        options = tuple(str(o) for o in poll.options)
        counts = tuple(by_option.get(n, 0) for n in range(len(options)))
        return Results(poll.id, poll.question, options, counts, poll.closed_at is not None, mine)

    async def _get(self, session: Session, poll_id: int) -> Poll:
        poll = await repo.get(session, self._community.id, poll_id)
        if poll is None:
            raise UserError("poll.errors.not_found", id=poll_id)
        return poll

    async def _latest(self, session: Session, *, open_only: bool = False) -> Poll:
        poll = await repo.latest(session, self._community.id, open_only=open_only)
        if poll is None:
            raise UserError("poll.errors.none_open" if open_only else "poll.errors.none")
        return poll
