"""`membot run`, `web`, `init` and `import`: start the bot, and bring community folders in."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import CommunityChoice, CommunityOption, DbOption, choose_community, parse_start, settings_for
from bot.cli.errors import run_async
from bot.clock import Clock, OffsetClock, SystemClock
from bot.community.loader import CommunitySpec, load_community
from bot.community.scaffold import scaffold
from bot.logging_setup import FILES_FOLDER, LOG_FILE, local_folder, log_to_file
from bot.services.community import claim_slug, known_slugs
from bot.services.importer import ImportReport, import_community
from bot.settings import SAMPLE_COMMUNITY, Settings, SettingsError
from storage.backup import marked_running
from storage.database import Database, redact_url

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


def run(
    platform: Annotated[
        str | None, typer.Option("--platform", help="console, slack, discord (comma-separated); default: from tokens")
    ] = None,
    db: DbOption = None,
    community: CommunityOption = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Console only: begin the clock at this moment, e.g. 2026-11-20T12:00+00:00"),
    ] = None,
) -> None:
    """Start the bot. With no platform tokens it runs the console chat.

    A community folder not yet in the database is imported first; an empty database gets the sample.
    """
    settings = settings_for(db, community, platforms=platform)
    settings.check_platform_tokens()
    start_at = parse_start(start)
    if start_at is not None and settings.chosen_platforms() != ("console",):
        raise SettingsError("--start: only the console can start at another time")
    choice = choose_community(settings.community)
    run_async(settings.database_url, _run(settings, choice, start_at))


async def _run(settings: Settings, choice: CommunityChoice, start: datetime | None) -> None:
    console = "console" in settings.chosen_platforms()
    folder = local_folder(settings.database_url)  # the console's log and files sit beside its database
    if console:  # the terminal shows the chat; logs go to a file, warnings as one short line
        log_to_file(folder / LOG_FILE, settings.log_level)
    # Imported after that: on a fresh machine, importing the app logs (matplotlib builds its font cache).
    from bot.app import build_app
    from storage.migrate import upgrade

    # The console can move time forward (`/time +3d`); real deployments use real time.
    clock: Clock = OffsetClock(start) if console else SystemClock()
    database = Database(settings.database_url)
    try:
        await upgrade(database)
        slug = await _import_if_missing(database, choice, clock)
    except BaseException:
        await database.dispose()
        raise
    app = await build_app(settings.model_copy(update={"community_slug": slug}), clock=clock, database=database)
    with marked_running(settings.database_url):
        await _serve(app, settings, console, folder)


async def _serve(app: App, settings: Settings, console: bool, folder: Path) -> None:
    await app.start(catch_up_first=console)
    log.info("membot running on %s with %s", ", ".join(app.platforms), redact_url(settings.database_url))
    try:
        if console:
            await app.platforms["console"].run_session(  # type: ignore[attr-defined]  # the console's own, not Platform's
                log_file=folder / LOG_FILE, files=folder / FILES_FOLDER
            )
            await app.settle()
        else:
            await asyncio.Event().wait()
    finally:
        await app.stop()


async def _import_if_missing(database: Database, choice: CommunityChoice, clock: Clock) -> str | None:
    """The slug to run: a named folder is imported when the database lacks it; an empty database
    gets the sample. None: the database's only community."""
    slugs = await known_slugs(database)
    if choice.spec is not None and choice.slug not in slugs:
        report, _ = await import_folder(database, choice.spec, clock.now())
        for note in report.notes:  # as `membot import` says them; the console shows a warning as one line
            log.warning("%s", note)
    elif choice.slug is None and not slugs:
        spec = load_community(SAMPLE_COMMUNITY)
        await import_folder(database, spec, clock.now())
        return spec.config.community.slug
    return choice.slug


async def import_folder(
    database: Database, spec: CommunitySpec, now: datetime, *, rename: str | None = None, new: bool = False
) -> tuple[ImportReport, str | None]:
    """Import `spec`; a changed slug must be named a rename (or a new community). Returns the report
    and the old slug when a community was renamed."""
    keys = [f"content:{c.slug}" for c in spec.content] + [f"faq:{e.id}" for e in spec.faq]
    renamed = await claim_slug(database, spec.config, keys, rename=rename, new=new)
    return await import_community(database, spec, now), renamed


def web(db: DbOption = None, community: CommunityOption = None) -> None:
    """Serve HTTP only: /healthz, /metrics and Stripe webhooks.

    Webhooks are verified and recorded here and processed by `membot run`, which shares the
    database. With --community (or MEMBOT_COMMUNITY), the community must be in the database
    already (`membot import FOLDER`), so a typo fails at start rather than on the first webhook.
    """
    settings = settings_for(db, community)
    choice = choose_community(settings.community)
    run_async(settings.database_url, _web(settings, choice), existing=True)


async def _web(settings: Settings, choice: CommunityChoice) -> None:
    from bot.adapters import build_web_only
    from bot.services.community import CommunityContext, CommunityNotImported, known_slugs
    from storage.migrate import upgrade

    database = Database(settings.database_url)
    try:
        await upgrade(database)
        if choice.slug is not None:
            found = await CommunityContext.load(database, choice.slug)
            log.info("serving HTTP for community %s", found.config.community.slug)
        elif not await known_slugs(database):  # a Procfile host with SQLite: each process has its own file
            raise CommunityNotImported(
                "the database has no community yet: run `membot import FOLDER` first. `membot web` records "
                "webhooks for `membot run` to process, so both need the same database: PostgreSQL on a "
                "host where each process has its own files"
            )
        server, stripe = build_web_only(settings, database)
        await server.start()
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()
            if stripe is not None:
                await stripe.close()
    finally:
        await database.dispose()


def init(path: Annotated[Path, typer.Argument(help="Folder to create")]) -> None:
    """Create a new community folder to edit."""
    files = scaffold(path)
    typer.echo(
        f"Created {len(files)} files in {path}. Edit community.toml and write content/welcome-mini-training.md"
        f" (left out of the import until you do), then: membot import {path}"
    )


def import_(
    path: Annotated[Path, typer.Argument(help="Community folder")],
    db: DbOption = None,
    rename: Annotated[
        str | None,
        typer.Option("--rename", metavar="OLD", help="The slug in community.toml changed: rename community OLD to it"),
    ] = None,
    new: Annotated[
        bool, typer.Option("--new", help="This folder is another community, though it looks like one already imported")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="Schedule the drops from this moment instead of now, for a console session started with the"
            " same `membot run --start`, e.g. 2026-11-20T12:00+00:00",
        ),
    ] = None,
) -> None:
    """Load a community folder into the database. Safe to repeat: unchanged files change nothing.

    A database holds any number of communities, one per slug. Changing the slug in community.toml
    is a rename: say so with --rename OLD, or membot refuses rather than start a second community.
    """
    settings = settings_for(db)
    spec = load_community(path)
    now = parse_start(start) or SystemClock().now()

    async def go() -> tuple[ImportReport, str | None]:
        from storage.migrate import upgrade

        database = Database(settings.database_url)
        try:
            await upgrade(database)
            return await import_folder(database, spec, now, rename=rename, new=new)
        finally:
            await database.dispose()

    report, renamed = run_async(settings.database_url, go())
    if renamed:
        typer.echo(f"Renamed community {renamed!r} to {spec.config.community.slug!r}.")
    for note in report.notes:
        typer.echo(f"Note: {note}.")
    if not report.changed:
        typer.echo("Already up to date: nothing changed.")
        return
    parts = [f"{what}: {n} new" for what, n in report.created.items()]
    parts += [f"{what}: {n} updated" for what, n in report.updated.items()]
    parts += [f"{what}: {n} removed" for what, n in report.removed.items()]
    if report.scheduled:
        parts.append(f"{report.scheduled} drop{'' if report.scheduled == 1 else 's'} scheduled")
    typer.echo("Imported. " + "; ".join(parts))
    if "community" in report.updated:
        # A running bot read community.toml's settings when it started; drops and FAQ entries it reads as it goes.
        typer.echo("community.toml changed: if membot is running, restart it to use the new settings.")
