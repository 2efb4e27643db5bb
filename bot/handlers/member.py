"""/me and /prefs: a member's own status, progress and settings."""

from __future__ import annotations

from bot.events import ActionClicked
from bot.notices.member import Preferences
from bot.router import Context, Router
from bot.services.errors import UserError
from bot.views import member as views


async def me(ctx: Context) -> None:
    services = ctx.services
    page = await services.member_pages.me(ctx.member.id)
    waiting = await services.billing.waitlist_place(ctx.member.id)
    await ctx.reply(views.me(page, await services.content.upcoming(1), ctx.zone, ctx.t, waiting))


async def show_prefs(ctx: Context) -> None:
    current = await ctx.services.preferences.get(ctx.member.id)
    await ctx.reply(
        views.prefs(current, ctx.services.catalog.locales, ctx.services.community.config.community.timezone, ctx.t)
    )


async def prefs(ctx: Context) -> None:
    """`/prefs` shows the settings; `/prefs SETTING VALUE` changes one."""
    setting, _, value = ctx.args.strip().partition(" ")
    if not setting:
        await show_prefs(ctx)
        return
    if not value.strip() and setting.lower() == "timezone":
        raise UserError("prefs.errors.value")  # the other settings answer an empty value with their choices
    value = views.typed_choice(setting, value, ctx.t)  # "/prefs time kveld": the words shown, in their language
    await _saved(ctx, await ctx.services.preferences.set(ctx.member.id, setting, value))


async def _saved(ctx: Context, now: Preferences) -> None:
    """Say it is saved in the member's language as it is now (a new language answers in itself)."""
    services = ctx.services
    await ctx.reply(
        services.catalog.for_locale(now.language, ctx.event.user.locale, services.community.locale)("prefs.saved")
    )


async def set_from_control(ctx: Context) -> None:
    action, event = ctx.action, ctx.event
    assert action is not None and action.arg and isinstance(event, ActionClicked)
    await _saved(ctx, await ctx.services.preferences.set(ctx.member.id, action.arg, event.value))


def register(router: Router) -> None:
    router.command("me", help_key="help.commands.me")(me)
    router.command("prefs", help_key="help.commands.prefs")(prefs)
    router.action("prefs.show")(show_prefs)
    router.action("prefs.set")(set_from_control)
