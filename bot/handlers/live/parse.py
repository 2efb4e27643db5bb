"""Reading what the creator typed after `/live`: session numbers, when, and the optional parts."""

from __future__ import annotations

import re

from bot.notices.live import SessionInfo
from bot.router import Context
from bot.services.errors import UserError
from bot.services.live import SeriesDraft, SessionDraft
from bot.views.common import local_time

EVERY = ("every", "hver")  # `/live schedule every thursday ...` starts a weekly series
_SIGNED = re.compile(r"#?([-+\u2212]?)([0-9]{1,9})")


def number(text: str) -> int | None:
    """A plain ASCII number of sensible size (`3`, `#3`), or None."""
    raw = text.strip().lstrip("#")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


def signed_number(text: str) -> int | None:
    """`number`, or one with a sign (`-1`, `#-5`, `+2`): typed where a session's number goes, even a
    negative one is a number (naming no session), not the first word of a question."""
    found = _SIGNED.fullmatch(text.strip())
    if found is None:
        return None
    return -int(found[2]) if found[1] in ("-", "\u2212") else int(found[2])


def session_id(text: str) -> int:
    if not text.strip():
        raise UserError("live.errors.no_id")  # "/live rsvp": which one?
    found = number(text)
    if found is None:
        raise UserError("live.errors.bad_id", value=text.strip()[:40])
    return found


def action_id(ctx: Context) -> int:
    action = ctx.action
    if action is None or not action.arg:
        raise UserError("errors.stale_button")
    return session_id(action.arg)


def is_series(args: str) -> bool:
    first = args.split(maxsplit=1)[0].lower() if args.strip() else ""
    return first in EVERY


def split_schedule(args: str) -> SessionDraft:
    """`DATE TIME [ZONE] [DURATION] [LINK] | Title [| description]` into its parts, each checked later."""
    tokens, title, description = _split(args, "live.errors.need_when")
    day, clock, rest = when(tokens)
    return SessionDraft(title=title, date=day, time=clock, description=description, **options(rest))


def split_series(args: str) -> SeriesDraft:
    """`every DAY TIME [ZONE] [DURATION] [LINK] | Title [| description]` into its parts, each checked later."""
    tokens, title, description = _split(args.strip()[len(args.split()[0]) :], "live.errors.series_need_when")
    day, clock, rest = when(tokens)
    return SeriesDraft(title=title, day=day, time=clock, description=description, **options(rest))


def _split(args: str, need_when: str) -> tuple[list[str], str, str]:
    head, bar, tail = args.partition("|")
    title, _, description = tail.partition("|")
    tokens = head.split()
    if len(tokens) < 2:
        raise UserError(need_when)
    if not bar or not title.strip():
        raise UserError("live.errors.no_title")
    return tokens, title, description


def when(tokens: list[str]) -> tuple[str, str, list[str]]:
    """The date (or weekday) and time at the front (`5 pm` counts as one time), and the tokens after them."""
    day, clock, *rest = tokens
    if rest and rest[0].lower() in ("am", "pm"):
        clock, rest = clock + rest[0], rest[1:]
    return day, clock, rest


def options(tokens: list[str], allowed: tuple[str, ...] = ("zone", "duration", "link")) -> dict[str, str]:
    """Optional parts in any order, told apart by shape: a link, a length (starts with a digit), a zone."""
    parts = dict.fromkeys(allowed, "")
    for token in tokens:
        if "://" in token or token.lower().startswith("www."):
            kind = "link"
        else:
            kind = "duration" if token[0].isdigit() else "zone"
        if kind not in parts or parts[kind]:
            raise UserError("live.errors.unknown_part", value=token)
        parts[kind] = token
    return parts


def values(ctx: Context, live: SessionInfo) -> dict[str, object]:
    return {"id": live.id, "title": live.title, "when": local_time(live.starts_at, ctx.zone, ctx.t)}
