"""How a replayed inbound event answers: through the outbox, since its interaction is gone.

An event recorded but not finished before a crash is handled again by the next process
(`Router.replay_unfinished`). The platform's interaction (Slack's response_url, Discord's
interaction token) died with the old process, so each reply is queued as a message with a
dedupe key derived from the inbound row (`inbound:<row id>:reply:<n>`): a DM to the member,
or a post in the channel (and thread) when the reply was meant to be public there. Replaying
the same event twice queues each reply once. Forms cannot be opened without an interaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.events import ChannelRef, UserRef
from bot.messages import Form, OutboundMessage, Target
from bot.outbox import Outbox
from storage.database import Database


def reply_key(row_id: int, n: int) -> str:
    return f"inbound:{row_id}:reply:{n}"


@dataclass
class QueuedReply:
    """A Responder for a replayed event: replies go to the outbox, in order, each once."""

    database: Database
    outbox: Outbox
    row_id: int
    user: UserRef
    channel: ChannelRef | None = None
    member_id: int | None = None
    _sent: int = 0

    def target(self, *, ephemeral: bool) -> Target:
        where = self.channel
        if not ephemeral and where is not None and not where.is_dm and where.channel_id:
            return Target(
                self.user.platform, self.user.workspace_id, channel=where.channel_id, thread_id=where.thread_id
            )
        return Target(self.user.platform, self.user.workspace_id, user_id=self.user.user_id)

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None:
        key = reply_key(self.row_id, self._sent)
        self._sent += 1
        async with self.database.session() as session:
            await self.outbox.enqueue(session, key, self.target(ephemeral=ephemeral), message, member_id=self.member_id)

    async def open_form(self, form: Form) -> bool:
        return False  # a modal needs the interaction's trigger, which died with the old process
