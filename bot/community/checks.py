"""Checks on single values in community files, run at import so the bot never trips over them later.

Each check returns the value or raises `ValueError` with a message a creator can act on;
pydantic turns it into a problem naming the file, the line and the field.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Formatter
from urllib.parse import urlparse

from apscheduler.triggers.cron import CronTrigger

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
URL_SCHEMES = ("https", "http")
MAX_URL = 500
EARLIEST = datetime(2000, 1, 1)
LATEST = datetime(2100, 1, 1)
# A fixed starting point, not "now": whether a crontab ever fires does not depend on the day it is read.
_CRON_FROM = datetime(2026, 1, 1, tzinfo=UTC)
_CRON_SAMPLE = 48  # fire times looked at when checking how often a slot fires
# What an account id looks like on each platform, and where a creator finds theirs; a name
# ("slack:maya") or a truncated id would otherwise match nobody, and the creator's DMs would wait.
_ID_SHAPES = {
    "slack": (
        re.compile(r"[TE][A-Z0-9]{2,}"),
        re.compile(r"[UW][A-Z0-9]{2,}"),
        "a Slack member id looks like U012AB3CD (in Slack: your profile, ⋮, Copy member ID)",
    ),
    "discord": (
        re.compile(r"\d{15,21}"),
        re.compile(r"\d{15,21}"),
        "a Discord user id is 17 to 20 digits (in Discord: turn on Developer Mode, then right-click your name, Copy User ID)",
    ),
}
PLATFORMS = ("slack", "discord", "console", "memory")  # memory: the tests' in-process platform


def check_placeholders(text: str, allowed: frozenset[str]) -> str:
    """Only bare `{name}`-style placeholders from `allowed`; `{{` and `}}` for literal braces.

    The bot later fills the text in with `str.format`, so a format spec (`{name:d}`), a
    conversion (`{name!x}`) or an attribute (`{name.upper}`) would fail at send time.
    """
    choices = ", ".join("{" + a + "}" for a in sorted(allowed))
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in Formatter().parse(text) if f is not None]
    except ValueError as exc:
        raise ValueError(f"braces do not match ({exc}); write {{{{ and }}}} for a literal brace") from None
    for name, spec, conversion in fields:
        if name not in allowed:
            shown = "{" + name + "}" if name else "{}"
            raise ValueError(f"unknown placeholder {shown}; use {choices}")
        if spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(f"placeholder {written} has a format the bot cannot fill in; write just {{{name}}}")
    try:  # the real thing, with sample values: what passes here will not fail when a message is sent
        text.format(**dict.fromkeys(allowed, "Sample"))
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as exc:
        raise ValueError(f"cannot be filled in ({exc}); use only {choices}") from None
    return text


def known_locales(root: Path = PROMPTS) -> tuple[str, ...]:
    """The locales the bot has texts for: the folders under prompts/."""
    return tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "common.toml").is_file()))


def check_locale(value: str) -> str:
    locales = known_locales()
    if value not in locales and value.split("-")[0] not in locales:
        raise ValueError(f"unknown locale {value!r}; the bot speaks {', '.join(locales)}")
    return value


def check_currency(value: str) -> str:
    """An ISO 4217 code Stripe and the price labels know ('zzz' passed the pattern)."""
    from babel.numbers import list_currencies

    if value.upper() not in list_currencies():
        raise ValueError(f"{value!r} is not a currency code: use one like 'usd', 'eur' or 'nok'")
    return value


def check_url(value: str | None) -> str | None:
    """A link members will click: http(s) with a host, no spaces; `javascript:` and bare `example.com` are refused."""
    if value is None:
        return None
    link = value.strip()
    parsed = urlparse(link)
    if parsed.scheme.lower() not in URL_SCHEMES or not parsed.netloc:
        raise ValueError(
            f"links must start with https:// or http:// and name a site, like https://example.com ({link[:60]!r})"
        )
    if any(c.isspace() for c in link) or len(link) > MAX_URL:
        raise ValueError(f"links must have no spaces and at most {MAX_URL} characters")
    return link


_MARKDOWN_LINK = re.compile(r"\]\(\s*<?([^\s)>]+)")
_ANGLE_LINK = re.compile(r"<(?!t:\d)([a-zA-Z][a-zA-Z0-9+.-]*:[^\s>|]*)")  # not a Discord time, <t:1765000000:R>
LINK_SCHEMES = ("https", "http", "mailto")


def unsafe_link(text: str) -> str | None:
    """The first link in ``text`` (``[label](url)`` or ``<url>``) that is not http(s) or mailto, if any:
    ``javascript:`` or ``data:`` in an answer members click. Bare words are not links here."""
    for pattern in (_MARKDOWN_LINK, _ANGLE_LINK):
        for match in pattern.finditer(text):
            target = match.group(1)
            scheme = urlparse(target).scheme.lower()
            if scheme and scheme not in LINK_SCHEMES:
                return target[:60]
    return None


def check_no_unsafe_link(value: str) -> str:
    """A text whose links all start with https://, http:// or mailto:."""
    if (link := unsafe_link(value)) is not None:
        raise ValueError(f"links must start with https://, http:// or mailto: ({link!r})")
    return value


def check_moment(value: datetime | None) -> datetime | None:
    if value is not None and not EARLIEST <= value.replace(tzinfo=None) < LATEST:
        raise ValueError(f"pick a date from {EARLIEST.year} to {LATEST.year - 1}, like 2026-12-07 09:00")
    return value


def check_cron(value: str) -> str:
    """A crontab that parses and fires at least once (`0 0 31 2 *`, 31 February, never does)."""
    try:
        trigger = CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"not a crontab expression ({exc})") from None
    if trigger.get_next_fire_time(None, _CRON_FROM) is None:
        raise ValueError(f"'{value}' never fires (no such date); check the day and month")
    return value


def cron_too_often(value: str) -> bool:
    """True when the slot can fire twice within an hour: every fire publishes the next queued item."""
    trigger = CronTrigger.from_crontab(value, timezone="UTC")
    previous, moment = None, _CRON_FROM
    for _ in range(_CRON_SAMPLE):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            return False
        if previous is not None and fire - previous < timedelta(hours=1):
            return True
        previous, moment = fire, fire + timedelta(seconds=1)
    return False


def check_identity(value: str) -> str:
    """An account as "platform:user_id" or "platform:workspace_id:user_id", shaped like that platform's ids."""
    parts = value.split(":")
    if not 2 <= len(parts) <= 3 or not all(parts):
        raise ValueError(f"{value!r} is not 'platform:user_id' or 'platform:workspace_id:user_id'")
    platform, *ids = parts
    if platform not in PLATFORMS:
        raise ValueError(f"{value!r}: the platform must be slack, discord or console")
    if platform in _ID_SHAPES:
        workspace, user, hint = _ID_SHAPES[platform]
        if not user.fullmatch(ids[-1]) or (len(ids) == 2 and not workspace.fullmatch(ids[0])):
            raise ValueError(f"{value!r} isn't an account id: {hint}")
    return value
