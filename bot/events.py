"""Neutral inbound events: what platform adapters turn native payloads into.

Handlers only ever see these types, never a Slack or Discord payload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol

from bot.untrusted import visible

if TYPE_CHECKING:
    from bot.messages import Form, OutboundMessage


@dataclass(frozen=True)
class UserRef:
    """One person's account on one platform, in one workspace (Slack team / Discord guild)."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class ChannelRef:
    """Where an event happened. `is_dm` is true for a direct conversation with the bot."""

    platform: str
    workspace_id: str
    channel_id: str
    thread_id: str | None = None
    is_dm: bool = False


class Responder(Protocol):
    """Answers the interaction that caused an event, within the platform's deadline."""

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None: ...

    async def open_form(self, form: Form) -> bool:
        """Show a form (modal); False where the platform or interaction cannot."""
        ...


@dataclass(frozen=True, kw_only=True)
class Event:
    """Fields every inbound event has.

    `event_id` is the platform's own id for this delivery (Slack event_id, Discord
    interaction id); the router uses it to drop retried deliveries.
    """

    user: UserRef
    channel: ChannelRef | None = None
    event_id: str | None = None
    responder: Responder | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, kw_only=True)
class MemberJoined(Event):
    """A person joined the community's workspace or main channel."""

    pending: bool = False  # Discord membership screening not yet passed


@dataclass(frozen=True, kw_only=True)
class MemberLeft(Event):
    """A person left the workspace or main channel."""


@dataclass(frozen=True, kw_only=True)
class MessagePosted(Event):
    text: str
    message_id: str
    mentions_bot: bool = False


@dataclass(frozen=True, kw_only=True)
class ReactionAdded(Event):
    emoji: str
    message_id: str


@dataclass(frozen=True, kw_only=True)
class CommandInvoked(Event):
    """A slash command: `name` without the slash (`library`), `args` the rest of the line."""

    name: str
    args: str = ""


@dataclass(frozen=True, kw_only=True)
class ActionClicked(Event):
    """A button or select; `action_id` is namespaced (`qa.rsvp:42`), see bot.messages.ActionId."""

    action_id: str
    value: str = ""


@dataclass(frozen=True, kw_only=True)
class FormSubmitted(Event):
    form_id: str
    values: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Found as an outsider: an intake answer of zero-width spaces passed as given, and an unclosed
        # right-to-left override reached the creator's DM. Every form is read as it can be seen.
        object.__setattr__(
            self,
            "values",
            {name: visible(value) if isinstance(value, str) else value for name, value in self.values.items()},
        )


# -- serialisation: an event as JSON-ready data, so it can wait in the inbound queue ----------

EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (MemberJoined, MemberLeft, MessagePosted, ReactionAdded, CommandInvoked, ActionClicked, FormSubmitted)
}


def event_to_dict(event: Event) -> dict[str, Any]:
    """Everything but the responder (a live connection cannot be stored): `{"type": ..., fields...}`."""
    data: dict[str, Any] = {"type": type(event).__name__}
    for item in fields(event):
        if item.name == "responder":
            continue
        value = getattr(event, item.name)
        if isinstance(value, (UserRef, ChannelRef)):
            value = asdict(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        data[item.name] = value
    return data


def event_from_dict(data: Mapping[str, Any], responder: Responder | None = None) -> Event:
    """The inverse of `event_to_dict`, with `responder` attached; ValueError for data it cannot read."""
    values = dict(data)
    cls = EVENT_TYPES.get(str(values.pop("type", "")))
    if cls is None:
        raise ValueError(f"unknown event type {data.get('type')!r}")
    try:
        values["user"] = UserRef(**values["user"])
        if values.get("channel") is not None:
            values["channel"] = ChannelRef(**values["channel"])
        return cls(**values, responder=responder)
    except (KeyError, TypeError) as exc:
        raise ValueError(f"unreadable {cls.__name__}: {exc}") from None
