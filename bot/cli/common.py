"""What the commands share: the `--db` and `--community` options, settings, and choosing the community."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.community.loader import CommunitySpec, load_community
from bot.community.schema import SLUG_RE
from bot.logging_setup import configure_logging
from bot.settings import Settings, SettingsError, load_settings

DbOption = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL, e.g. sqlite+aiosqlite:///membot.db", show_default=False)
]
CommunityOption = Annotated[
    str | None,
    typer.Option(
        "--community",
        help="Community folder or slug; default: the database's only community (MEMBOT_COMMUNITY)",
        show_default=False,
    ),
]


def settings_for(db: str | None, community: str | None = None, **extra: Any) -> Settings:
    settings = load_settings(database_url=db, community=community, **extra)
    configure_logging(settings.log_level)
    return settings


@dataclass(frozen=True)
class CommunityChoice:
    """Which community a command acts on: a slug, the folder it came from when one was named, or
    neither (the database's only community)."""

    slug: str | None = None
    spec: CommunitySpec | None = None


def choose_community(value: str | None) -> CommunityChoice:
    """`--community` names a folder (its community.toml gives the slug) or a slug already imported."""
    if not value:
        return CommunityChoice()
    path = Path(value).expanduser()
    if path.is_dir():
        spec = load_community(path)
        return CommunityChoice(spec.config.community.slug, spec)
    if SLUG_RE.match(value):
        return CommunityChoice(value)
    raise SettingsError(f"--community: there is no folder {value}, and {value!r} is not a community slug")


def parse_start(value: str | None) -> datetime | None:
    """`--start`: an ISO date and time with its time zone."""
    if value is None:
        return None
    example = "e.g. 2026-11-20T12:00+00:00"
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise SettingsError(
            f"--start: {value!r} is not a date and time; give one with a time zone, {example}"
        ) from None
    if moment.tzinfo is None:
        raise SettingsError(f"--start: give a time zone, {example}")
    return moment
