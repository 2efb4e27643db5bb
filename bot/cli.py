"""The `membot` command line: run the bot, manage the database and the community files.

Every command takes `--db URL` and `--community PATH`, so runs can be isolated. Errors
a person can fix are printed as one clear sentence (exit code 2), never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.community.errors import CommunityFilesError
from bot.community.loader import load_community
from bot.community.scaffold import ScaffoldError, scaffold
from bot.faq_cli import app as faq_app
from bot.logging_setup import configure_logging
from bot.platforms.discord.cli import app as discord_app
from bot.platforms.slack.cli import app as slack_app
from bot.services.community import CommunityNotImported
from bot.settings import Settings, SettingsError, load_settings
from storage.backup import BackupError
from storage.database import Database, DatabaseURLError, redact_url

log = logging.getLogger(__name__)

app = typer.Typer(help="membot: a membership bot for creators, on Slack and Discord.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
members_app = typer.Typer(help="Members of the community.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(members_app, name="members")
app.add_typer(faq_app, name="faq", help="FAQ answering: ask a question or measure on an evaluation set.")
app.add_typer(slack_app, name="slack", help="Slack: the app manifest to create membot's Slack app.")
app.add_typer(discord_app, name="discord", help="Discord: the invite link with exactly the permissions membot needs.")

DbOption = Annotated[
    str | None, typer.Option("--db", help="SQLAlchemy URL, e.g. sqlite+aiosqlite:///membot.db", show_default=False)
]
CommunityOption = Annotated[
    Path | None, typer.Option("--community", help="Community folder (community.toml, content/, faq.toml)")
]
F = TypeVar("F", bound=Callable[..., Any])
FRIENDLY_ERRORS = (SettingsError, CommunityFilesError, CommunityNotImported, DatabaseURLError, ScaffoldError, BackupError)


def friendly(func: F) -> F:
    """Turn errors a person can fix into one clear message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FRIENDLY_ERRORS as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except OSError as exc:
            typer.echo(f"error: {exc.strerror or exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _settings(db: str | None, community: Path | None, **extra: Any) -> Settings:
    settings = load_settings(database_url=db, community_path=community, **extra)
    configure_logging(settings.log_level)
    return settings


@app.command()
@friendly
def run(
    platform: Annotated[
        str | None, typer.Option("--platform", help="console, slack, discord (comma-separated); default: from tokens")
    ] = None,
    db: DbOption = None,
    community: CommunityOption = None,
    start: Annotated[
        datetime | None,
        typer.Option("--start", help="Console only: begin the clock at this moment, e.g. 2026-11-20T12:00+00:00"),
    ] = None,
) -> None:
    """Start the bot. With no platform tokens it runs the console chat."""
    settings = _settings(db, community, platforms=platform)
    settings.check_platform_tokens()
    if start is not None and settings.chosen_platforms() != ("console",):
        raise SettingsError("--start: only the console can start at another time")
    if start is not None and start.tzinfo is None:
        raise SettingsError("--start: give a time zone, e.g. 2026-11-20T12:00+00:00")
    asyncio.run(_run(settings, start))


async def _run(settings: Settings, start: datetime | None = None) -> None:
    from bot.app import build_app
    from bot.clock import Clock, OffsetClock, SystemClock
    from storage.migrate import upgrade

    console = "console" in settings.chosen_platforms()
    # The console can move time forward (`/time +3d`); real deployments use real time.
    clock: Clock = OffsetClock(start) if console else SystemClock()
    database = Database(settings.database_url)
    await upgrade(database)
    await _import_if_empty(database, settings.community_path, clock)
    app = await build_app(settings, clock=clock, database=database)
    await app.start()
    log.info("membot running on %s with %s", ", ".join(app.platforms), redact_url(settings.database_url))
    try:
        if console:
            await app.platforms["console"].run_session()  # type: ignore[attr-defined]
            await app.settle()
        else:
            await asyncio.Event().wait()
    finally:
        await app.stop()


@app.command()
@friendly
def web(db: DbOption = None) -> None:
    """Serve HTTP only: /healthz and Stripe webhooks (recorded here, processed by `membot run`)."""
    settings = _settings(db, None)
    asyncio.run(_web(settings))


async def _web(settings: Settings) -> None:
    from bot.app import build_web_only
    from storage.migrate import upgrade

    database = Database(settings.database_url)
    await upgrade(database)
    server, stripe = build_web_only(settings, database)
    await server.start()
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
        if stripe is not None:
            await stripe.close()
        await database.dispose()


async def _import_if_empty(database: Database, path: Path, clock: Any) -> None:
    from bot.services.community import CommunityContext

    try:
        await CommunityContext.load(database)
    except CommunityNotImported:
        await _import(database, path, clock.now())


async def _import(database: Database, path: Path, now: datetime | None = None) -> Any:
    from bot.clock import SystemClock
    from bot.services.importer import import_community

    spec = load_community(path)
    return await import_community(database, spec, now or SystemClock().now())


@app.command()
@friendly
def init(path: Annotated[Path, typer.Argument(help="Folder to create")]) -> None:
    """Create a new community folder to edit."""
    files = scaffold(path)
    typer.echo(f"Created {len(files)} files in {path}. Edit community.toml, then: membot import {path}")


@app.command("import")
@friendly
def import_(
    path: Annotated[Path, typer.Argument(help="Community folder")],
    db: DbOption = None,
) -> None:
    """Load a community folder into the database. Safe to repeat: unchanged files change nothing."""
    settings = _settings(db, path)

    async def go() -> Any:
        from storage.migrate import upgrade

        database = Database(settings.database_url)
        try:
            await upgrade(database)
            return await _import(database, path)
        finally:
            await database.dispose()

    report = asyncio.run(go())
    if not report.changed:
        typer.echo("Already up to date: nothing changed.")
        return
    parts = [f"{what}: {n} new" for what, n in report.created.items()]
    parts += [f"{what}: {n} updated" for what, n in report.updated.items()]
    parts += [f"{what}: {n} removed" for what, n in report.removed.items()]
    if report.scheduled:
        parts.append(f"{report.scheduled} drops scheduled")
    typer.echo("Imported. " + "; ".join(parts))


@db_app.command("upgrade")
@friendly
def db_upgrade(db: DbOption = None) -> None:
    """Apply database migrations (safe to repeat)."""
    settings = _settings(db, None)

    async def go() -> str | None:
        from storage.migrate import current_revision, upgrade

        database = Database(settings.database_url)
        try:
            await upgrade(database)
            return await current_revision(database)
        finally:
            await database.dispose()

    revision = asyncio.run(go())
    typer.echo(f"Database {redact_url(settings.database_url)} is at revision {revision}.")


@app.command("backup")
@friendly
def backup_command(
    out: Annotated[Path, typer.Option("--out", help="File to write the backup to")],
    db: DbOption = None,
) -> None:
    """Back up the SQLite database while the bot keeps running (PostgreSQL: see the README)."""
    from storage.backup import backup

    settings = _settings(db, None)
    size = backup(settings.database_url, out)
    typer.echo(f"Backed up to {out} ({size:,} bytes).")


@app.command("restore")
@friendly
def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="A file made by `membot backup`")],
    db: DbOption = None,
) -> None:
    """Replace the database with a backup. Stop the bot first."""
    from storage.backup import restore

    settings = _settings(db, None)
    restore(settings.database_url, backup_file)
    typer.echo(f"Restored {redact_url(settings.database_url)} from {backup_file}.")


@members_app.command("list")
@friendly
def members_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    db: DbOption = None,
    community: CommunityOption = None,
) -> None:
    """List members: id, name, platform identities, status, tier, level, joined."""
    settings = _settings(db, community)

    async def go() -> list[Any]:
        from bot.services.community import CommunityContext
        from bot.clock import SystemClock
        from bot.services.membership import list_summaries

        database = Database(settings.database_url)
        try:
            slug = load_community(community).config.community.slug if community else None
            ctx = await CommunityContext.load(database, slug)
            async with database.session() as session:
                return await list_summaries(session, ctx.id, now=SystemClock().now(), grace_days=settings.grace_days)
        finally:
            await database.dispose()

    for member in asyncio.run(go()):
        if as_json:
            typer.echo(json.dumps(member.as_dict(), ensure_ascii=False))
        else:
            joined = datetime.fromisoformat(member.joined).date().isoformat()
            typer.echo(
                f"{member.id:>5}  {member.name:<24} {member.status:<9} {member.tier or '-':<12} "
                f"level {member.level or '-'}  joined {joined}  {' '.join(member.identities)}"
            )


@app.command("report")
@friendly
def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the charts, CSV files and report.html to")],
    db: DbOption = None,
    community: CommunityOption = None,
) -> None:
    """Write the creator's analytics (what /stats shows) as PNG charts, CSV files and one HTML page."""
    settings = _settings(db, community)

    async def go() -> list[Path]:
        from bot.app import build_app
        from bot.clock import SystemClock
        from bot.services.analytics.report import write_report

        clock = SystemClock()
        app_ = await build_app(settings, clock=clock, platforms={}, database=Database(settings.database_url))
        try:
            ctx = app_.services.community
            t = app_.services.catalog.for_locale(ctx.locale)
            return await write_report(app_.services.analytics, ctx.name, ctx.tz, clock.now(), out, t)
        finally:
            await app_.stop()

    written = asyncio.run(go())
    typer.echo(f"Wrote {len(written)} files to {out}: " + ", ".join(p.name for p in written))


@app.command("export")
@friendly
def export_command(
    what: Annotated[str, typer.Argument(help="members or activity")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    db: DbOption = None,
    community: CommunityOption = None,
) -> None:
    """Export members (with their latest membership) or every activity row as CSV, safe to open in a spreadsheet."""
    from bot.services.analytics import member_queries
    from bot.services.analytics.report import write_csv

    exports = {
        "members": (member_queries.MEMBER_COLUMNS, member_queries.member_rows),
        "activity": (member_queries.ACTIVITY_COLUMNS, member_queries.activity_rows),
    }
    if what not in exports:
        typer.echo(f"error: export members or activity, not {what!r}", err=True)
        raise typer.Exit(2)
    settings = _settings(db, community)
    header, rows = exports[what]

    async def go() -> int:
        from bot.services.community import CommunityContext

        database = Database(settings.database_url)
        try:
            slug = load_community(community).config.community.slug if community else None
            ctx = await CommunityContext.load(database, slug)
            async with database.session() as session:
                return await write_csv(out, header, rows(session, ctx.id))
        finally:
            await database.dispose()

    count = asyncio.run(go())
    typer.echo(f"Exported {count} {what} rows to {out}.")


def main() -> None:
    app(prog_name="membot")


if __name__ == "__main__":
    sys.exit(main())
