"""Neutral outbound messages, forms and action ids.

A message always has `text` (the notification fallback) and may have blocks. Platform
renderers turn these into Block Kit or embeds and enforce each platform's limits. Messages
are serialised to JSON for the outbox, so every block round-trips through `to_dict`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal


@dataclass(frozen=True)
class Header:
    text: str


@dataclass(frozen=True)
class Section:
    """Markdown subset: *bold*, _italic_, `code`, <url|label> links, bullet lines."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Short label/value pairs shown side by side."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Image:
    url: str
    alt: str


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Context:
    """Small print under a message."""

    text: str


ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True)
class Button:
    label: str
    action_id: str = ""
    value: str = ""
    style: ButtonStyle = "default"
    url: str | None = None  # a link button, no action


@dataclass(frozen=True)
class Buttons:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True)
class Select:
    action_id: str
    placeholder: str
    options: tuple[Option, ...]


Block = Header | Section | Fields | Image | Divider | Context | Buttons | Select

_BLOCK_TYPES: dict[str, type] = {
    "header": Header,
    "section": Section,
    "fields": Fields,
    "image": Image,
    "divider": Divider,
    "context": Context,
    "buttons": Buttons,
    "select": Select,
}
_TYPE_NAMES = {cls: name for name, cls in _BLOCK_TYPES.items()}


MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message (a chart, a data export, a calendar invite)."""

    filename: str
    data: bytes = field(repr=False)
    mime: str = "application/octet-stream"

    def __post_init__(self) -> None:
        if len(self.data) > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"attachment {self.filename!r} is larger than {MAX_ATTACHMENT_BYTES} bytes")


@dataclass(frozen=True)
class OutboundMessage:
    """Text (the notification fallback), blocks, and at most one file.

    A message with a file is delivered as one upload whose comment is `text`, so the
    outbox makes one platform call for it, as for any other message.
    """

    text: str
    blocks: tuple[Block, ...] = ()
    attachment: Attachment | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text": self.text, "blocks": [_block_to_dict(b) for b in self.blocks]}
        if self.attachment is not None:
            data["attachment"] = {
                "filename": self.attachment.filename,
                "mime": self.attachment.mime,
                "data": base64.b64encode(self.attachment.data).decode("ascii"),
            }
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OutboundMessage:
        raw = data.get("attachment")
        attachment = (
            Attachment(
                filename=raw["filename"],
                data=base64.b64decode(raw["data"]),
                mime=raw.get("mime", "application/octet-stream"),
            )
            if raw
            else None
        )
        return cls(
            text=data["text"], blocks=tuple(_block_from_dict(b) for b in data.get("blocks", ())), attachment=attachment
        )

    def choices(self) -> list[Button | tuple[Select, Option]]:
        """Every clickable thing in order: buttons with an action, then each select option."""
        found: list[Button | tuple[Select, Option]] = []
        for block in self.blocks:
            if isinstance(block, Buttons):
                found.extend(b for b in block.buttons if b.action_id)
            elif isinstance(block, Select):
                found.extend((block, o) for o in block.options)
        return found


def text_message(text: str) -> OutboundMessage:
    return OutboundMessage(text=text, blocks=(Section(text),))


def _block_to_dict(block: Block) -> dict[str, Any]:
    return {"type": _TYPE_NAMES[type(block)], **asdict(block)}


def _block_from_dict(data: dict[str, Any]) -> Block:
    data = dict(data)
    kind = data.pop("type")
    if kind == "fields":
        return Fields(items=tuple((str(k), str(v)) for k, v in data["items"]))
    if kind == "buttons":
        return Buttons(buttons=tuple(Button(**b) for b in data["buttons"]))
    if kind == "select":
        return Select(
            action_id=data["action_id"],
            placeholder=data["placeholder"],
            options=tuple(Option(**o) for o in data["options"]),
        )
    return _BLOCK_TYPES[kind](**data)


# -- forms (modals) ---------------------------------------------------------------------

FieldKind = Literal["text", "multiline", "select", "number"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = "text"
    options: tuple[Option, ...] = ()
    required: bool = True
    initial: str = ""
    placeholder: str = ""
    max_length: int | None = None  # the longest answer the service takes: the platform's form stops longer ones


@dataclass(frozen=True)
class Form:
    """A modal on Slack/Discord; a guided prompt on the console."""

    form_id: str
    title: str
    fields: tuple[FormField, ...]
    submit_label: str = "Submit"
    essential: tuple[str, ...] = ()
    """Where a platform's form holds fewer fields (a Discord modal holds five): the names of the ones
    to ask, in the form's order; the others are left out and take their defaults."""


# -- action ids ---------------------------------------------------------------------------

_ACTION_RE = re.compile(r"^(?P<ns>[a-z][a-z0-9_-]*)\.(?P<verb>[a-z][a-z0-9_-]*)(?::(?P<arg>[^\s]{1,80}))?$")
MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds (PostgreSQL); numbers in action ids stay below it
_NUMBER_IN_ARG = re.compile(r"\d+", re.ASCII)


@dataclass(frozen=True)
class ActionId:
    """A namespaced button id such as `qa.rsvp:42`: survives restarts because it carries its state."""

    namespace: str
    verb: str
    arg: str | None = None

    @property
    def route(self) -> str:
        return f"{self.namespace}.{self.verb}"

    def __str__(self) -> str:
        return self.route if self.arg is None else f"{self.route}:{self.arg}"

    @classmethod
    def parse(cls, raw: str) -> ActionId:
        match = _ACTION_RE.match(raw)
        if not match:
            raise ValueError(f"not a membot action id: {raw!r}")
        if any(len(n) > 10 or int(n) > MAX_ID for n in _NUMBER_IN_ARG.findall(match["arg"] or "")):
            raise ValueError(f"a number in {raw!r} is larger than any id")  # forged or corrupted
        return cls(match["ns"], match["verb"], match["arg"])


# -- where a message goes ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A concrete destination: a user's DMs (`user_id`) or a channel (`channel`), on one platform.

    `channel` is what the community configured (a name such as `drops`, or a native id);
    the adapter resolves it.
    """

    platform: str
    workspace_id: str
    user_id: str | None = None
    channel: str | None = None
    thread_id: str | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.channel is None):
            raise ValueError("a Target is either a user's DMs or a channel")

    @property
    def is_dm(self) -> bool:
        return self.user_id is not None

    def address(self) -> dict[str, str]:
        """Where within the workspace: what the outbox stores beside platform and workspace."""
        return {k: v for k in ("user_id", "channel", "thread_id") if (v := getattr(self, k)) is not None}


@dataclass(frozen=True)
class DeliveryKey:
    """Which outbox row a send is, so a platform that can tell never shows a message twice.

    `token` names the row without saying what it is about (a hash of its dedupe key): Discord sends it as
    the message's nonce with `enforce_nonce`, Slack attaches it as message metadata. `retry` says an earlier
    attempt may have reached the platform (the process died, or the call timed out, after sending): Slack
    then looks for the token in the conversation since `since` (when the row was queued) before sending.
    """

    key: str
    retry: bool = False
    since: datetime | None = None

    @property
    def token(self) -> str:
        """24 hex characters: within Discord's 25-character nonce, and unguessable from the key."""
        return hashlib.blake2b(self.key.encode(), digest_size=12, person=b"membot-outbox").hexdigest()


@dataclass(frozen=True)
class SentMessage:
    """What the platform gave back for a sent message."""

    message_id: str
    channel_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)
