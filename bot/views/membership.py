"""How arriving reads: the welcome DM, worded by `bot.views.welcome` with the next drop in the reader's time."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import OutboundMessage
from bot.notices import Notice
from bot.notices.membership import Welcome
from bot.views.common import local_time
from bot.views.welcome import welcome_dm


def welcome(notice: Welcome, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    next_drop = local_time(notice.next_drop, tz, t) if notice.next_drop is not None else None
    return welcome_dm(name=notice.name, community=notice.community, creator=notice.creator, next_drop=next_drop, t=t)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {Welcome: welcome}
