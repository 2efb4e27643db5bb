"""Plain `--help` everywhere: a placeholder in capitals for each value an option takes (Typer's
own would be `<str>` and `<bool>`), none for on/off flags.

The root group (bot.cli.errors.FriendlyGroup) applies this to every command under it, those of
the Slack and Discord helpers too. Help is rendered without Rich markup, so text such as
`[[faq]]` is shown as written.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

# By what the option is for, when its declaration names no metavar.
BY_NAME = {
    "db": "URL",
    "community": "FOLDER|SLUG",
    "out": "PATH",
    "kb": "FILE",
    "questions": "FILE",
    "engine": "ENGINE",
    "platform": "NAMES",
    "start": "TIME",
    "seed": "N",
}
BY_TYPE = {"str": "TEXT", "int": "N", "float": "NUMBER", "Path": "PATH", "bool": "BOOL"}


class PlainArgument(TyperArgument):
    """An argument whose help line is its name alone (`PATH  Folder to create`), not `PATH <path>`."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def placeholder(param: TyperOption | TyperArgument) -> str:
    """What a value of `param` is, in capitals: by its name when we know it, else by its type."""
    if isinstance(param, TyperArgument):
        return (param.name or "value").upper()
    if param.name in BY_NAME:
        return BY_NAME[param.name]
    bare = param.bare_type()
    return BY_TYPE.get(bare, bare.upper())


def tidy(command: object) -> None:
    """Give every value-taking option and argument under `command` a placeholder; flags get none."""
    for param in getattr(command, "params", ()):
        if isinstance(param, TyperOption) and (param.is_flag or param.count):
            continue
        if isinstance(param, (TyperOption, TyperArgument)) and param.metavar is None:
            param.metavar = placeholder(param)
        if type(param) is TyperArgument:
            param.__class__ = PlainArgument  # Typer offers no argument class to choose; same layout, one method
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            tidy(sub)
