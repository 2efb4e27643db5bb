"""The slash commands membot registers on Slack, shared by the manifest and the inbound mapping.

Decision: one root command, `/membot <command> [args]`, reaches every router command
(`/membot ask ...`, `/membot stats`), plus a few short top-level shortcuts for what members
type every week (`/ask`, `/library`, `/next`, `/live`).

Why: Slack command names are global to a workspace, so a community workspace with several
apps (a poll app, a Q&A app...) easily has two `/ask`s, and Slack owns built-ins we must
not shadow (`/join`, `/invite`, `/me`, `/feedback`, `/remind`...). `/membot` never
collides and lists everything, including creator commands, which Slack cannot hide from
members (it has no per-role command visibility), so those stay behind the root command
instead of cluttering every member's command picker. Shortcuts give members the short
commands Slack users expect; `membot slack manifest --no-shortcuts` leaves them out for
workspaces where they collide. Any other top-level command maps to its own name, so a
creator may add more shortcuts by hand in the app settings.
"""

from __future__ import annotations

ROOT_COMMAND = "membot"

# Every router command (today's and the ones being built), in the order /membot help shows them.
COMMANDS: tuple[str, ...] = (
    "help",
    "join",
    "library",
    "next",
    "ask",
    "me",
    "prefs",
    "live",
    "drop",
    "announce",
    "poll",
    "feedback",
    "invite",
    "ambassadors",
    "faq",
    "stats",
    "members",
    "member",
    "doors",
    "billing",
    "link",
    "my-data",
    "forget-me",
)

# Top-level shortcuts: short, member-facing, and not a Slack built-in.
SHORTCUTS: dict[str, tuple[str, str]] = {
    "ask": ("Ask the community a question", "[your question]"),
    "library": ("Browse or search the library", "[search words]"),
    "next": ("What's coming up next", ""),
    "live": ("Upcoming live sessions", ""),
}

ROOT_DESCRIPTION = "Everything membot does: /membot help lists it"
ROOT_USAGE = "help | library [words] | next | ask [question] | ..."
DEFAULT_COMMAND = "help"


def parse_command(command: str, text: str) -> tuple[str, str]:
    """`("/membot", "library pricing")` -> `("library", "pricing")`; `("/ask", "how?")` -> `("ask", "how?")`.

    The name is lower-cased; a bare `/membot` means help.
    """
    name = command.strip().lstrip("/").lower()
    text = text.strip()
    if name == ROOT_COMMAND:
        first, _, rest = text.partition(" ")
        return (first.lower() or DEFAULT_COMMAND), rest.strip()
    return name, text
