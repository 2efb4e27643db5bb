"""`membot discord ...`: helpers for setting up the Discord side (mounted by bot/cli.py)."""

from __future__ import annotations

import typer

from bot.platforms.discord.invite import invite_url
from bot.settings import load_settings

app = typer.Typer(help="Discord setup helpers.", no_args_is_help=True)


@app.callback()
def discord_group() -> None:
    """Discord setup helpers (a callback keeps `invite-url` a sub-command even when it is the only one)."""


@app.command("invite-url")
def invite_url_command(
    application_id: str = typer.Option(
        None, "--application-id", help="Defaults to MEMBOT_DISCORD_APPLICATION_ID / DISCORD_APPLICATION_ID."
    ),
    kick: bool = typer.Option(
        False, "--kick", help="Also ask for Kick Members (only if you remove members who cancel)."
    ),
    guild_id: str = typer.Option(
        None, "--guild-id", help="Preselect your server (defaults to MEMBOT_DISCORD_GUILD_ID)."
    ),
) -> None:
    """Print the URL that adds membot to your server with exactly the permissions it needs."""
    settings = load_settings()  # the environment or .env, as `membot run` reads them
    app_id = application_id or settings.discord_application_id
    if not app_id:
        typer.echo(
            "error: give --application-id or set DISCORD_APPLICATION_ID (Developer Portal → General Information)",
            err=True,
        )
        raise typer.Exit(2)
    try:
        url = invite_url(app_id.strip(), kick=kick, guild_id=guild_id or settings.discord_guild_id)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)  # as every membot command says it (bot/cli/errors.py)
        raise typer.Exit(2) from None
    typer.echo(url)
