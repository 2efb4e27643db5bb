"""Replies go to people: a DM within a day of a message that said "just reply here" reaches the creator.

The invitation is the outbox row itself: a check-in, a personal note or the creator's answer
that was *sent* (not merely queued) to the member in the last `REPLY_WINDOW`. No second
record has to be kept in step with delivery, and a note still waiting in the outbox captures
nothing. The rule is time-based on purpose: within the window every DM is for the creator,
and `/ask` (a command, never a DM message) still reaches the FAQ. Whoever was invited counts,
even if they left since (they are answering a person); someone never invited, or erased, gets
the FAQ as before.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.events import MessagePosted
from bot.messages import Target
from bot.notices.faq import CreatorAnswered, ReplyAcknowledged, ReplyItem, ReplyReceived
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.errors import UserError
from storage.database import Session
from storage.models import Member, MemberReply
from storage.repositories import members
from storage.repositories import replies as repo

log = logging.getLogger(__name__)

REPLY_WINDOW = timedelta(hours=24)
# Dedupe keys of the messages that invite a reply (SQL LIKE patterns). Each is built where the
# message is queued: a member's check-in (engagement/nudges.py; not the creator's quiet list),
# the creator's personal note (analytics `send_note`), and the creator's answer (below).
INVITING = ("nudge:%:member:%", "analytics:note:member:%", "reply:answer:%")
WELCOMING = ("welcome:member:%",)
"""The welcome DM ("Questions? Ask me with /ask, or just reply here"): a reply to it is first a
question for the FAQ, and reaches the creator only when the FAQ cannot answer it (see
`AnswerService.on_message`): "I joined to sell my pottery" is for a person, not "I don't know"."""
MAX_REPLY = 4000
MAX_ANSWER = 4000
ABOUT = 280  # characters of the message replied to, kept for the creator
PAGE = 5  # one row of buttons per reply; Discord shows at most five rows
SOURCE_LIMIT = 150  # longer inbound references are hashed, to fit their column


@dataclass(frozen=True)
class Answered:
    reply_id: int
    member: str
    delivered: bool  # whether the member could be reached by DM


class ReplyService(DomainService):
    # -- the member's side ------------------------------------------------------------------

    async def capture(self, member: Member, event: MessagePosted, inviting: tuple[str, ...] = INVITING) -> int | None:
        """If this DM answers an invitation sent in the last day, pass it to the creator; the reply's id.

        None when it is not such a reply (the FAQ takes it). `inviting` names the messages that
        count (dedupe-key patterns): INVITING, or WELCOMING once the FAQ has found no answer.
        The reply, the creators' notices and the member's acknowledgement are written in one
        transaction; the inbound message names all three, so a redelivered event is recorded
        and forwarded once.
        """
        where = event.channel
        if where is None or not where.is_dm or not event.text.strip() or member.role == "creator":
            return None
        now = self._clock.now()
        async with self._database.session() as session:
            invitation = await repo.latest_invitation(session, member.id, inviting, now - REPLY_WINDOW)
            if invitation is None:
                return None
            text = _clean(event.text)
            source = message_source(where.platform, where.workspace_id, where.channel_id, event.message_id)
            row, new = await repo.record(session, {
                "community_id": self._community.id, "member_id": member.id, "source": source,
                "platform": where.platform, "workspace_id": where.workspace_id, "text": text,
                "invited_by": invitation.dedupe_key, "about": _about(invitation.payload), "received_at": now,
            })  # fmt: skip
            notice = ReplyReceived(_item(row, member.display_name))
            named = inbound_key(source)
            for creator in await repo.creators(session, self._community.id):
                target = dm_target(creator, self._presence)
                if target is not None:
                    key = f"{named}:creator:{creator.id}"
                    await self._outbox.enqueue(
                        session, key, target, notice, reader=self._reader(creator), member_id=creator.id
                    )
            ack = Target(where.platform, where.workspace_id, user_id=event.user.user_id)
            await self._outbox.enqueue(
                session,
                f"{named}:ack",
                ack,
                ReplyAcknowledged(self._community.creator_name),
                reader=self._reader(member),
                member_id=member.id,
            )
        log.info("reply %s %s (to %s)", row.id, "passed to the creator" if new else "seen before", invitation.id)
        return row.id

    # -- the creator's side -----------------------------------------------------------------

    async def pending(self, limit: int = PAGE) -> tuple[list[ReplyItem], int]:
        """Replies still waiting for the creator, oldest first; and how many in all."""
        async with self._database.session() as session:
            rows, total = await repo.open_replies(session, self._community.id, limit)
        return [_item(row, name or "?") for row, name in rows], total

    async def get(self, reply_id: int) -> tuple[ReplyItem, str]:
        """One reply and its status (open | answered | closed)."""
        async with self._database.session() as session:
            row = await self._row(session, reply_id)
            member = await members.get(session, row.member_id) if row.member_id else None
            return _item(row, member.display_name if member else "?"), row.status

    async def answer(self, reply_id: int, text: str) -> Answered:
        """The creator's answer goes back to the member by DM (where they wrote, if we are there); the reply is answered."""
        answer = text.strip()
        if not answer:
            raise UserError("replies.errors.empty_answer")
        if len(answer) > MAX_ANSWER:
            raise UserError("replies.errors.long_answer", count=len(answer), limit=MAX_ANSWER)
        async with self._database.session() as session:
            row = await self._open(session, reply_id)
            row.status, row.answer, row.answered_at = "answered", answer, self._clock.now()
            member = await members.get(session, row.member_id) if row.member_id else None
            target = self._target(member, row.platform, row.workspace_id) if member else None
            if member is not None and target is not None:
                notice = CreatorAnswered(self._community.creator_name, row.text, answer)
                key = f"reply:answer:{row.id}:member:{member.id}"  # matches INVITING: the member may answer back
                await self._outbox.enqueue(
                    session, key, target, notice, reader=self._reader(member), member_id=member.id
                )
        log.info("reply %s answered by the creator", reply_id)
        return Answered(reply_id, member.display_name if member else "?", target is not None)

    async def close(self, reply_id: int) -> str:
        """Take a reply off the list without answering it here (the creator wrote back another way). The member's name."""
        async with self._database.session() as session:
            row = await self._open(session, reply_id)
            row.status, row.answered_at = "closed", self._clock.now()
            member = await members.get(session, row.member_id) if row.member_id else None
        log.info("reply %s closed by the creator", reply_id)
        return member.display_name if member else "?"

    # -- helpers -----------------------------------------------------------------------------

    async def _row(self, session: Session, reply_id: int) -> MemberReply:
        row = await repo.get(session, reply_id)
        if row is None or row.community_id != self._community.id:
            raise UserError("replies.errors.unknown", id=reply_id)
        return row

    async def _open(self, session: Session, reply_id: int) -> MemberReply:
        row = await self._row(session, reply_id)
        if row.status != "open":
            raise UserError("replies.errors.already_done", id=reply_id)
        return row

    def _target(self, member: Member, platform: str, workspace_id: str) -> Target | None:
        """The member's account where they wrote, if this process serves it; else their first reachable one."""
        if (platform, workspace_id) in self._presence.spaces:
            for identity in member.identities:
                if (identity.platform, identity.workspace_id) == (platform, workspace_id):
                    return Target(platform, workspace_id, user_id=identity.user_id)
        return dm_target(member, self._presence)


def _clean(text: str) -> str:
    reply = text.strip()
    if len(reply) > MAX_REPLY:
        raise UserError("replies.errors.too_long", count=len(reply), limit=MAX_REPLY)
    return reply


def message_source(platform: str, workspace_id: str, channel_id: str, message_id: str) -> str:
    """The inbound message, named: what makes a redelivered event the same reply."""
    source = f"{platform}:{workspace_id}:{channel_id}:{message_id}"
    if len(source) <= SOURCE_LIMIT:
        return source
    return f"{platform}:sha1:{hashlib.sha1(source.encode()).hexdigest()}"


def inbound_key(source: str, stem: str = "reply:in") -> str:
    """The dedupe-key stem naming one inbound message: a digest, so no user or DM-channel id is kept in the outbox's keys."""
    return f"{stem}:{hashlib.sha1(source.encode()).hexdigest()[:24]}"


def _about(payload: dict[str, Any]) -> str:
    """What the message replied to said: its text without the header line, on one line, clipped."""
    lines = [line.strip() for line in str(payload.get("text") or "").splitlines() if line.strip()]
    flat = " ".join(lines[1:] if len(lines) > 1 else lines)
    return flat if len(flat) <= ABOUT else flat[: ABOUT - 1] + "…"


def _kind(invited_by: str) -> tuple[str, str]:
    """(kind, stage) of the invitation, read from its dedupe key (see INVITING)."""
    if invited_by.startswith("nudge:"):
        return "checkin", invited_by.split(":")[1]
    if invited_by.startswith("analytics:note:"):
        return "note", ""
    if invited_by.startswith("welcome:"):
        return "welcome", ""
    return "answer", ""


def _item(row: MemberReply, name: str) -> ReplyItem:
    kind, stage = _kind(row.invited_by)
    return ReplyItem(row.id, name, row.text, kind, stage, row.about, row.received_at)


__all__ = ["INVITING", "REPLY_WINDOW", "WELCOMING", "Answered", "ReplyService", "inbound_key"]
