"""The pieces every live view is built from: a session's values for templates, and its buttons."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, OutboundMessage
from bot.notices.live import SessionInfo
from bot.views.common import local_time


def values(live: SessionInfo, tz: ZoneInfo, t: Translator) -> dict[str, object]:
    when = local_time(live.starts_at, tz, t)
    return {"id": live.id, "title": live.title, "when": when, "duration": live.duration_min}


def message(text: str, *blocks: Block | None) -> OutboundMessage:
    return OutboundMessage(text=text, blocks=tuple(b for b in blocks if b is not None))


def buttons(*items: Button | None) -> Buttons | None:
    kept = tuple(b for b in items if b is not None)
    return Buttons(kept) if kept else None


def join(live: SessionInfo, t: Translator) -> Button | None:
    return Button(t("live.buttons.join"), url=live.link) if live.link else None


def calendar(live: SessionInfo, t: Translator) -> Button:
    return Button(t("live.buttons.calendar"), action_id=f"qa.ics:{live.id}")


def rsvp(live: SessionInfo, t: Translator) -> Button:
    return Button(t("live.buttons.rsvp"), action_id=f"qa.rsvp:{live.id}", style="primary")


def unrsvp(live: SessionInfo, t: Translator) -> Button:
    return Button(t("live.buttons.unrsvp"), action_id=f"qa.unrsvp:{live.id}")


def here(live: SessionInfo, t: Translator) -> Button:
    return Button(t("live.buttons.here"), action_id=f"qa.here:{live.id}", style="primary")


def short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
