"""The `membot` command line: run the bot, manage the database and the community files.

Every command takes `--db URL`, and each one that acts on a community takes `--community
FOLDER-OR-SLUG`. Errors a person can fix are one sentence on stderr (exit code 2), never a
traceback; `--debug` or MEMBOT_DEBUG=1 shows the traceback.
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli import data, lifecycle
from bot.cli.errors import FriendlyGroup
from bot.cli.faq import app as faq_app
from bot.platforms.discord.cli import app as discord_app
from bot.platforms.slack.cli import app as slack_app

app = typer.Typer(
    cls=FriendlyGroup,
    help="membot: a membership bot for creators, on Slack and Discord.",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: Rich would eat `[[faq]]` and show `<bool>` beside every flag
    pretty_exceptions_enable=False,  # --debug shows Python's own traceback
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
members_app = typer.Typer(help="Members of the community.", no_args_is_help=True)


@app.callback()
def root(
    debug: Annotated[
        bool, typer.Option("--debug", envvar="MEMBOT_DEBUG", help="On an error, show the traceback, not one sentence")
    ] = False,
) -> None:
    """membot: a membership bot for creators, on Slack and Discord."""


app.command()(lifecycle.run)
app.command()(lifecycle.web)
app.command()(lifecycle.init)
app.command("import")(lifecycle.import_)
app.command("backup")(data.backup_command)
app.command("restore")(data.restore_command)
app.command("report")(data.report_command)
app.command("export")(data.export_command)
db_app.command("upgrade")(data.db_upgrade)
members_app.command("list")(data.members_list)
app.add_typer(db_app, name="db")
app.add_typer(members_app, name="members")
app.add_typer(faq_app, name="faq", help="FAQ answering: ask a question or measure on an evaluation set.")
app.add_typer(slack_app, name="slack", help="Slack: the app manifest to create membot's Slack app.")
app.add_typer(discord_app, name="discord", help="Discord: the invite link with the permissions membot needs.")


def main() -> None:
    app(prog_name="membot")
