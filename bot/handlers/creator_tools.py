"""Creator tools: announcements, polls, feedback and ambassadors; the role check buttons and forms share."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.community import outranks
from bot.services.errors import UserError


def require_role(ctx: Context, role: str, command: str) -> None:
    """The router checks commands; buttons and forms can be forged, so their handlers check too."""
    if not outranks(ctx.member.role, role):
        raise UserError("errors.not_allowed", command=command)


def action_id(ctx: Context) -> int:
    """The numeric id a button carries (`announce.send:12`), or a stale-button error."""
    arg = ctx.action.arg if ctx.action else None
    if arg is None or not arg.isdigit():
        raise UserError("errors.stale_button")
    return int(arg)


def register(router: Router) -> None:
    from bot.handlers import announce, community, polls

    announce.register(router)
    polls.register(router)
    community.register(router)
