"""`membot db upgrade`, `backup`, `restore`, `members list`, `report` and `export`: the data, read and kept safe."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from bot.cli.common import CommunityOption, DbOption, choose_community, settings_for
from bot.cli.errors import database_errors, run_async
from bot.cli.report_clock import AS_OF_HELP, parse_as_of
from bot.clock import FakeClock, SystemClock
from bot.services.community import CommunityContext
from bot.settings import SettingsError
from bot.text_width import padded
from storage.database import Database, redact_url


def db_upgrade(db: DbOption = None) -> None:
    """Apply database migrations (safe to repeat)."""
    settings = settings_for(db)

    async def go() -> str | None:
        from storage.migrate import current_revision, upgrade

        database = Database(settings.database_url)
        try:
            await upgrade(database)
            return await current_revision(database)
        finally:
            await database.dispose()

    revision = run_async(settings.database_url, go())
    typer.echo(f"Database {redact_url(settings.database_url)} is at revision {revision}.")


def backup_command(
    out: Annotated[Path, typer.Option("--out", help="File to write the backup to")],
    db: DbOption = None,
) -> None:
    """Back up a SQLite database while the bot runs.

    The file holds every community in the database; `membot restore FILE` puts it back. For
    PostgreSQL use pg_dump and pg_restore, as the README's "Backups" section shows.
    """
    from storage.backup import backup

    settings = settings_for(db)
    with database_errors(settings.database_url):
        size = backup(settings.database_url, out)
    typer.echo(f"Backed up to {out} ({size:,} bytes).")


def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="A file made by `membot backup`")],
    db: DbOption = None,
) -> None:
    """Replace the database (every community in it) with a backup. Stop the bot first."""
    from storage.backup import restore

    settings = settings_for(db)
    with database_errors(settings.database_url):
        restore(settings.database_url, backup_file)
    typer.echo(f"Restored {redact_url(settings.database_url)} from {backup_file}.")


async def _community(database: Database, community: str | None) -> CommunityContext:
    return await CommunityContext.load(database, choose_community(community).slug)


def members_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line")] = False,
    db: DbOption = None,
    community: CommunityOption = None,
) -> None:
    """List members: id, name, membership status, tier, level, the day they arrived (in the community's
    time zone), platform identities. The creator's accounts are marked."""
    settings = settings_for(db, community)

    async def go() -> tuple[ZoneInfo, list[Any]]:
        from bot.services.membership import list_summaries

        database = Database(settings.database_url)
        try:
            ctx = await _community(database, settings.community)
            async with database.session() as session:
                now = SystemClock().now()
                return ctx.tz, await list_summaries(session, ctx.id, now=now, grace_days=settings.grace_days)
        finally:
            await database.dispose()

    zone, found = run_async(settings.database_url, go(), existing=True)
    for member in found:
        if as_json:
            typer.echo(json.dumps(member.as_dict(), ensure_ascii=False))
        else:
            arrived = datetime.fromisoformat(member.joined).astimezone(zone).date().isoformat()
            name = f"{member.name} (creator)" if member.role == "creator" else member.name
            typer.echo(
                f"{member.id:>5}  {padded(name, 24)} {member.status:<9} {padded(member.tier or '-', 12)} "
                f"level {member.level or '-'}  arrived {arrived}  {' '.join(member.identities)}"
            )


def report_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the charts, CSV files and report.html to")],
    db: DbOption = None,
    community: CommunityOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP, show_default=False)] = None,
) -> None:
    """Write the creator's analytics (what /stats shows) as PNG charts, CSV files and one HTML page.

    The report is as of the data's clock: after a console session, the simulated time it reached.
    """
    if out.exists() and not out.is_dir():  # found as an outsider: "error: report.html: File exists", after the work
        raise SettingsError(f"--out: {out} is a file; give a folder (a new one is created)")
    asked = parse_as_of(as_of)
    settings = settings_for(db, community)
    choice = choose_community(settings.community)

    async def go() -> tuple[list[Path], str]:
        from dataclasses import replace
        from datetime import timedelta

        from bot.app import build_app
        from bot.cli.report_clock import current_members, report_moment
        from bot.views.report import moment_line, write_report

        database = Database(settings.database_url)
        try:
            found = await CommunityContext.load(database, choice.slug)
            moment = await report_moment(database, found.id, asked, wall=SystemClock().now(), zone=found.tz)
            members_then = await current_members(database, found.id, moment.at, timedelta(days=settings.grace_days))
            app_ = await build_app(
                settings.model_copy(update={"community_slug": found.config.community.slug}),
                clock=FakeClock(moment.at),  # the report's "now": the moment chosen, standing still
                platforms={},
                database=database,
            )
        except BaseException:
            await database.dispose()
            raise
        try:
            ctx = app_.services.community
            t = app_.services.catalog.for_locale(ctx.locale)
            report = await app_.services.analytics.report()
            # Ex-members are no one's worry any more: the at-risk table lists members at that moment only.
            report = replace(
                report,
                at_risk=tuple(r for r in report.at_risk if r.member_id in members_then),
                experiments=tuple(await app_.services.experiments.results()),
            )
            written = await write_report(report, ctx.name, ctx.tz, out, t, locale=ctx.locale)
            return written, moment_line(moment.at, ctx.tz, t) + f" ({moment.why})"
        finally:
            await app_.stop()

    written, when = run_async(settings.database_url, go(), existing=True)
    typer.echo(f"Report as of {when}.")
    typer.echo(f"Wrote {len(written)} files to {out}: " + ", ".join(p.name for p in written))


def export_command(
    what: Annotated[str, typer.Argument(help="members or activity")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write")],
    db: DbOption = None,
    community: CommunityOption = None,
) -> None:
    """Export members or activity as CSV.

    members: each member with their latest membership; activity: every activity row. Cells
    are safe to open in a spreadsheet.
    """
    from bot.views.report import write_csv
    from storage.repositories.analytics import exports as member_queries

    exports = {
        "members": (member_queries.MEMBER_COLUMNS, member_queries.member_rows),
        "activity": (member_queries.ACTIVITY_COLUMNS, member_queries.activity_rows),
    }
    if what not in exports:
        typer.echo(f"error: export members or activity, not {what!r}", err=True)
        raise typer.Exit(2)
    settings = settings_for(db, community)
    header, rows = exports[what]

    async def go() -> int:
        database = Database(settings.database_url)
        try:
            ctx = await _community(database, settings.community)
            async with database.session() as session:
                return await write_csv(out, header, rows(session, ctx.id))
        finally:
            await database.dispose()

    count = run_async(settings.database_url, go(), existing=True)
    typer.echo(f"Exported {count} {what} rows to {out}.")
