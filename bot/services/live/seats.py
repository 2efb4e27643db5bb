"""The member's side of live sessions: what is coming up, saving a seat, and asking a question in advance."""

from __future__ import annotations

from bot.notices.live import Asked, SessionInfo, Upcoming
from bot.services.errors import UserError
from bot.services.live.base import LiveBase, info
from bot.services.live.rules import MAX_QUESTION
from storage.repositories import live as repo
from storage.repositories import live_audience
from storage.repositories import members as members_repo


class Seats(LiveBase):
    async def upcoming(self, member_id: int | None = None, limit: int = 5) -> list[Upcoming]:
        """Sessions not over yet, soonest first, with RSVP and question counts."""
        async with self._database.session() as session:
            found = []
            now = self._clock.now()
            for live in await self._not_over(session, limit):
                going = member_id is not None and bool(
                    await live_audience.count_rsvps(session, live.id, now, self._grace, member_id)
                )
                rsvps, questions = (
                    await live_audience.count_rsvps(session, live.id, now, self._grace),
                    await repo.count_questions(session, live.id),
                )
                found.append(Upcoming(info(live), rsvps, questions, going, running=live.starts_at <= now))
            return found

    async def may_take_part(self, member_id: int) -> bool:
        """Whether RSVPs, questions and the join link are for them (a member, or the creator's team)."""
        async with self._database.session() as session:
            return await members_repo.takes_part(session, member_id, self._clock.now(), self._grace)

    async def next_session(self) -> SessionInfo | None:
        """The next session that is not over (it may be live right now), for /next."""
        async with self._database.session() as session:
            found = await self._not_over(session, 1)
            return info(found[0]) if found else None

    async def rsvp(self, session_id: int, member_id: int) -> tuple[SessionInfo, bool]:
        """Save a seat (members only: the reply has the join link). Returns the session and whether this
        was new (a second click changes nothing)."""
        async with self._database.session() as session:
            await self._require_member(session, member_id)
            live = await self._open_session(session, session_id, allow_running=True)
            return info(live), await repo.add_rsvp(session, live.id, member_id, self._clock.now())

    async def unrsvp(self, session_id: int, member_id: int) -> SessionInfo:
        async with self._database.session() as session:
            live = await self._get(session, session_id)
            await repo.remove_rsvp(session, live.id, member_id)
            return info(live)

    async def ask(self, member_id: int, text: str, session_id: int | None = None) -> tuple[SessionInfo, int]:
        """Queue a question for a session (the next one by default). Returns it and the question's number."""
        question = " ".join(text.split())
        if not question:
            raise UserError("live.errors.no_question")
        if len(question) > MAX_QUESTION:
            raise UserError("live.errors.long_question", count=len(question), limit=MAX_QUESTION)
        async with self._database.session() as session:
            await self._require_member(session, member_id)
            if session_id:
                live = await self._open_session(session, session_id, allow_running=True)
            else:
                live = await self._next(session)
            await repo.add_question(session, live.id, member_id, question, self._clock.now())
            return info(live), await repo.count_questions(session, live.id)

    async def questions(self, session_id: int | None = None) -> tuple[SessionInfo, list[Asked]]:
        """A session's questions in the order asked (the next session's without an id)."""
        async with self._database.session() as session:
            live = await self._get(session, session_id) if session_id else await self._next(session)
            asked = await repo.questions(session, live.id)
            return info(live), [Asked(n, text, name or "") for n, (text, name) in enumerate(asked, start=1)]
