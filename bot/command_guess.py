"""What a hurried member meant by a command the bot doesn't know: `/libary`, `/JOIN`, `/ join`."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from bot.services.community import outranks
from bot.services.errors import UserError

CUTOFF = 0.75  # difflib's similarity: "libary" -> "library" (0.92), "jion" -> "join" (0.75); "x" -> nothing


def unknown_command(name: str, args: str, commands: Mapping[str, Any], role: str) -> UserError:
    """The reply to an unknown command: "did you mean /library?" for a close one (among the `commands`
    someone of this `role` may use), else the plain "I don't know". With a space after the slash the
    name is empty and the command is the first word after it."""
    guess = name or next(iter(args.split()), "")
    known = sorted(n for n, spec in commands.items() if outranks(role, spec.role))
    found = difflib.get_close_matches(guess.lower(), known, n=1, cutoff=CUTOFF) if guess else []
    if found:
        return UserError("errors.unknown_command_guess", guess=found[0])
    return UserError("errors.unknown_command", command=name)
