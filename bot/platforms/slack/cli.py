"""`membot slack ...`: helpers for setting up the Slack app (mounted by bot/cli.py)."""

from __future__ import annotations

import typer
import yaml

from bot.platforms.slack.manifest import build_manifest

app = typer.Typer(help="Set up membot as a Slack app.", no_args_is_help=True)


@app.callback()
def slack() -> None:
    """Set up membot as a Slack app."""


@app.command()
def manifest(
    name: str = typer.Option("membot", "--name", help="The app's name in Slack."),
    http_url: str | None = typer.Option(
        None, "--http-url", metavar="URL", help="Public base URL for HTTP mode (default: Socket Mode, no URL needed)."
    ),
    shortcuts: bool = typer.Option(
        True, "--shortcuts/--no-shortcuts", help="Also register /ask, /library, /next, /live."
    ),
) -> None:
    """Print the Slack app manifest (YAML): paste it at api.slack.com/apps > Create New App > From a manifest."""
    if http_url is not None and not http_url.startswith(("https://", "http://")):
        raise typer.BadParameter("give the full URL, e.g. https://bot.example.com", param_hint="--http-url")
    name = " ".join(name.split())  # one line: a newline in a pasted name would break the app's name in Slack
    if not name:
        raise typer.BadParameter('give the app a name, e.g. --name "Strategy Club"', param_hint="--name")
    data = build_manifest(name=name, http_url=http_url, shortcuts=shortcuts)
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)
