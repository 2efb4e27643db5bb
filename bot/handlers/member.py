"""/me and /prefs: a member's own status, progress and settings."""

from __future__ import annotations

from bot.router import Context, Router
from bot.services.errors import UserError
from bot.views import member as views
from storage.repositories import members, progress


async def me(ctx: Context) -> None:
    services = ctx.services
    async with services.database.session() as session:
        current = await members.current_membership(session, ctx.member.id)
        numbers = await progress.for_member(session, services.community.id, ctx.member.id, ctx.member.joined_at)
    config = services.community.config.onboarding
    steps_total = len(config.steps) + (1 if config.quick_win else 0)
    tz = services.community.tz
    await ctx.reply(
        views.me(
            ctx.member,
            status=current[0].status if current else "none",
            tier=current[1].name if current else None,
            progress=numbers,
            steps_total=steps_total,
            upcoming=await services.content.upcoming(1),
            tz=tz,
            t=ctx.t,
        )
    )


async def show_prefs(ctx: Context) -> None:
    current = await ctx.services.preferences.get(ctx.member.id)
    await ctx.reply(views.prefs(current, ctx.services.catalog.locales, ctx.services.community.config.community.timezone, ctx.t))


async def prefs(ctx: Context) -> None:
    """`/prefs` shows the settings; `/prefs SETTING VALUE` changes one."""
    setting, _, value = ctx.args.strip().partition(" ")
    if not setting:
        await show_prefs(ctx)
        return
    if not value.strip():
        raise UserError("prefs.errors.value", setting=setting[:30])
    await ctx.services.preferences.set(ctx.member.id, setting, value)
    await ctx.say("prefs.saved")


async def set_from_control(ctx: Context) -> None:
    action = ctx.action
    assert action is not None and action.arg
    await ctx.services.preferences.set(ctx.member.id, action.arg, ctx.event.value)  # type: ignore[attr-defined]
    await ctx.say("prefs.saved")


def register(router: Router) -> None:
    router.command("me", help_key="help.commands.me")(me)
    router.command("prefs", help_key="help.commands.prefs")(prefs)
    router.action("prefs.show")(show_prefs)
    router.action("prefs.set")(set_from_control)
