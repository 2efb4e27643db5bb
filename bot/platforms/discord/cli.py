"""`membot discord ...`: helpers for setting up the Discord side (mounted by bot/cli.py)."""

from __future__ import annotations

import os

import typer

from bot.platforms.discord.invite import invite_url

app = typer.Typer(help="Discord setup helpers.", no_args_is_help=True)

ENV_NAMES = ("MEMBOT_DISCORD_APPLICATION_ID", "DISCORD_APPLICATION_ID")
GUILD_ENV_NAMES = ("MEMBOT_DISCORD_GUILD_ID", "DISCORD_GUILD_ID")


def _from_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n].strip() for n in names if os.environ.get(n, "").strip()), None)


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
    app_id = application_id or _from_env(ENV_NAMES)
    if not app_id:
        typer.echo(
            "Give --application-id or set DISCORD_APPLICATION_ID (Developer Portal → General Information).", err=True
        )
        raise typer.Exit(2)
    try:
        url = invite_url(app_id.strip(), kick=kick, guild_id=guild_id or _from_env(GUILD_ENV_NAMES))
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(url)
