"""Small helpers shared by the message builders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.i18n_format import format_datetime
from bot.untrusted import inert


def first_name(display_name: str) -> str:
    return display_name.split()[0] if display_name.strip() else display_name


def fill_in(text: str, values: dict[str, str]) -> str:
    """The creator's own words with {name}, {creator} and {community} filled in (made inert: a member's
    name can't become a link); as written if they don't fit."""
    try:
        return text.format(**{key: inert(value) for key, value in values.items()})
    except (KeyError, IndexError, ValueError):
        return text


def kind_label(kind: str, t: Translator) -> str:
    return t(f"common.kinds.{kind}")


def levels_label(levels: Sequence[int], t: Translator) -> str:
    if not levels or sorted(levels) == [1, 2, 3, 4, 5]:
        return t("common.levels.all")
    low, high = min(levels), max(levels)
    if low == high:
        return t("common.levels.one", level=low)
    return t("common.levels.range", low=low, high=high)


def local_time(when: datetime, tz: ZoneInfo, t: Translator | None = None) -> str:
    """A date and time a member can read at a glance: 'Mon 23 Nov, 09:00 CET', in their language (CLDR)."""
    return t.datetime(when, tz) if t is not None else format_datetime(when, None, tz)


def local_date(when: datetime, tz: ZoneInfo, t: Translator) -> str:
    """A date without the time: '21 Nov 2026', '21. nov. 2026', '2026年11月21日', in the member's language."""
    return t.date(when, tz)


def shorten(text: str, limit: int = 40) -> str:
    """Fit a label into a button: cut at a word boundary where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,:;") + "…"
