"""The numeric id a creator tool's button carries (`announce.send:12`), shared by announce and polls."""

from __future__ import annotations

from bot.router import Context
from bot.services.errors import UserError


def action_id(ctx: Context) -> int:
    """The numeric id a button carries (`announce.send:12`), or a stale-button error."""
    arg = ctx.action.arg if ctx.action else None
    if arg is None or not arg.isdigit():
        raise UserError("errors.stale_button")
    return int(arg)
