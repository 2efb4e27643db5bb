"""An in-memory platform that records everything: what the tests (and benchmarks) drive.

It implements the same protocol as Slack and Discord, plus helpers to inject events
(`join`, `command`, `click`, ...) and to inject faults (`fail_next`).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.events import (
    ActionClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
    UserRef,
)
from bot.messages import DeliveryKey, Form, OutboundMessage, SentMessage, Target
from bot.ports import Capabilities, Dispatch, PermanentError, UserProfile


@dataclass
class Delivery:
    target: Target
    message: OutboundMessage
    message_id: str


@dataclass
class MemoryResponder:
    """Records what the bot answered to one interaction."""

    replies: list[tuple[OutboundMessage, bool]] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    can_open_forms: bool = True

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None:
        self.replies.append((message, ephemeral))

    async def open_form(self, form: Form) -> bool:
        self.forms.append(form)
        return self.can_open_forms

    @property
    def texts(self) -> list[str]:
        return [m.text for m, _ in self.replies]


class MemoryPlatform:
    def __init__(
        self,
        *,
        name: str = "memory",
        workspaces: tuple[str, ...] = ("W1",),
        capabilities: Capabilities | None = None,
        profiles: Mapping[str, UserProfile] | None = None,
    ) -> None:
        self.name = name
        self.capabilities = capabilities or Capabilities(
            forms=True,
            edit=True,
            files=True,
            ephemeral=True,
            threads=True,
            access_control=True,
            sends_per_second=1000.0,
            burst=1000,
        )
        self._workspaces = workspaces
        self._dispatch: Dispatch | None = None
        self._ids = itertools.count(1)
        self._failures: deque[Exception] = deque()
        self.sent: list[Delivery] = []
        self.edits: list[tuple[Target, str, OutboundMessage]] = []
        self.files: list[tuple[Target, str, bytes]] = []
        self.access: dict[tuple[str, str], set[str]] = {}
        self.profiles = dict(profiles or {})
        self.started = False

    @property
    def workspaces(self) -> tuple[str, ...]:
        return self._workspaces

    # -- protocol ------------------------------------------------------------------------

    async def start(self, dispatch: Dispatch) -> None:
        self._dispatch = dispatch
        self.started = True

    async def stop(self) -> None:
        self.started = False

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        self._maybe_fail()
        message_id = f"m{next(self._ids)}"
        self.sent.append(Delivery(target, message, message_id))
        return SentMessage(message_id=message_id, channel_id=target.channel or f"D-{target.user_id}")

    async def edit(self, target: Target, message_id: str, message: OutboundMessage) -> None:
        self._maybe_fail()
        self.edits.append((target, message_id, message))

    async def upload_file(self, target: Target, filename: str, data: bytes, title: str) -> SentMessage:
        self._maybe_fail()
        self.files.append((target, filename, data))
        return SentMessage(message_id=f"f{next(self._ids)}")

    def files_to(self, user_id: str) -> list[tuple[str, bytes]]:
        return [(name, data) for target, name, data in self.files if target.user_id == user_id]

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        self._maybe_fail()
        self.access.setdefault((workspace_id, user_id), set()).add(tier)

    async def revoke_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        self._maybe_fail()
        self.access.get((workspace_id, user_id), set()).discard(tier)

    async def lookup_user(self, workspace_id: str, user_id: str) -> UserProfile:
        if user_id not in self.profiles:
            raise PermanentError(f"no such user {user_id}")
        return self.profiles[user_id]

    # -- fault injection -----------------------------------------------------------------

    def fail_next(self, *errors: Exception) -> None:
        """The next sends raise these, in order."""
        self._failures.extend(errors)

    def _maybe_fail(self) -> None:
        if self._failures:
            raise self._failures.popleft()

    # -- reading what was sent -----------------------------------------------------------

    def dms_to(self, user_id: str) -> list[OutboundMessage]:
        return [d.message for d in self.sent if d.target.user_id == user_id]

    def posts_in(self, channel: str) -> list[OutboundMessage]:
        return [d.message for d in self.sent if d.target.channel == channel]

    # -- injecting events ----------------------------------------------------------------

    def user(
        self, user_id: str, name: str | None = None, *, workspace: str | None = None, locale: str | None = None
    ) -> UserRef:
        return UserRef(self.name, workspace or self._workspaces[0], user_id, name or user_id.title(), locale)

    async def emit(self, event: Event) -> Event:
        if self._dispatch is None:
            raise RuntimeError("platform not started")
        await self._dispatch(event)
        return event

    def _event_id(self, event_id: str | None) -> str:
        return event_id or f"e{next(self._ids)}"

    async def join(
        self, user_id: str, name: str | None = None, *, event_id: str | None = None, pending: bool = False
    ) -> None:
        await self.emit(MemberJoined(user=self.user(user_id, name), event_id=self._event_id(event_id), pending=pending))

    async def leave(self, user_id: str) -> None:
        await self.emit(MemberLeft(user=self.user(user_id), event_id=self._event_id(None)))

    async def command(self, user_id: str, name: str, args: str = "", *, event_id: str | None = None) -> MemoryResponder:
        responder = MemoryResponder()
        await self.emit(
            CommandInvoked(
                user=self.user(user_id), name=name, args=args, event_id=self._event_id(event_id), responder=responder
            )
        )
        return responder

    async def click(self, user_id: str, action_id: str, value: str = "") -> MemoryResponder:
        responder = MemoryResponder()
        await self.emit(
            ActionClicked(
                user=self.user(user_id),
                action_id=action_id,
                value=value,
                event_id=self._event_id(None),
                responder=responder,
            )
        )
        return responder

    async def submit(self, user_id: str, form_id: str, values: Mapping[str, str]) -> MemoryResponder:
        responder = MemoryResponder()
        await self.emit(
            FormSubmitted(
                user=self.user(user_id),
                form_id=form_id,
                values=dict(values),
                event_id=self._event_id(None),
                responder=responder,
            )
        )
        return responder

    async def post(self, user_id: str, text: str, *, channel: str = "general", mentions_bot: bool = False) -> None:
        user = self.user(user_id)
        where = ChannelRef(self.name, user.workspace_id, channel, is_dm=channel.startswith("D"))
        await self.emit(
            MessagePosted(
                user=user,
                channel=where,
                text=text,
                message_id=f"msg{next(self._ids)}",
                mentions_bot=mentions_bot,
                event_id=self._event_id(None),
            )
        )

    async def react(self, user_id: str, emoji: str, message_id: str) -> None:
        await self.emit(
            ReactionAdded(user=self.user(user_id), emoji=emoji, message_id=message_id, event_id=self._event_id(None))
        )
