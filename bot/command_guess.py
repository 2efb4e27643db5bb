"""What a hurried member meant by a command the bot doesn't know (`/libary`, `/JOIN`, `/ join`), or
by a command's name typed without its slash ("help", "leave")."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from bot.services.community import outranks
from bot.services.errors import UserError

SYNONYMS = {"menu": "help", "commands": "help", "quit": "leave"}
"""Words typed alone that name a command without being its name."""
FEWER_MESSAGES = frozenset({"stop", "unsubscribe", "mute", "stop messages", "stop messaging me", "too many messages"})
"""Said alone, these ask for fewer messages (as to a text-message service), not to end a paid
membership: the reply names the settings first and `/leave` last."""
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


def _said_alone(text: str) -> str:
    """A short message as a phrase: lower case, single spaces, no closing "." "!" or "?"."""
    return " ".join(text.strip().strip(".!?").lower().split())


def wants_fewer_messages(text: str) -> bool:
    """A DM that is only "stop", "unsubscribe" or the like."""
    return _said_alone(text) in FEWER_MESSAGES


def bare_command(text: str, commands: Mapping[str, Any], role: str) -> str | None:
    """The command a message names when it is a command's name alone, without the slash ("help",
    "Leave!", "quit"), among those someone of this `role` may use; else None (the FAQ takes it)."""
    word = _said_alone(text)
    name = SYNONYMS.get(word, word)
    spec = commands.get(name) if name and " " not in name else None
    return name if spec is not None and outranks(role, spec.role) else None
