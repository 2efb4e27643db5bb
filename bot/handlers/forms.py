"""The button under a refused form: the same form again, holding what was sent (bot/services/form_drafts.py)."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.errors import UserError
from bot.views.forms import AGAIN_ROUTE


async def open_again(ctx: Context) -> None:
    action = ctx.action
    form = ctx.services.forms.again(ctx.event.user, action.arg or "") if action is not None else None
    if form is None:
        raise UserError("forms.again.gone")
    if not await ctx.open_form(form):
        raise UserError("forms.again.cannot_open")


def register(router: Router) -> None:
    # Anyone: a person only ever gets back their own form, and sending it is checked as the first time.
    router.action(AGAIN_ROUTE)(open_again)
