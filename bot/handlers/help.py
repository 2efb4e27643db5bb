"""/help: the commands this person may use, in their language."""

from __future__ import annotations

from bot.messages import Header, OutboundMessage, Section
from bot.router import Context, Handler, Router
from bot.services.community import outranks


def make_help(router: Router) -> Handler:
    async def show_help(ctx: Context) -> None:
        lines = [
            ctx.t(spec.help_key)
            for spec in router.commands.values()
            if spec.help_key and outranks(ctx.member.role, spec.role)
        ]
        header = ctx.t("help.header", community=ctx.services.community.name)
        await ctx.reply(OutboundMessage(text=header, blocks=(Header(header), Section("\n".join(lines)))))

    return show_help


def register(router: Router) -> None:
    show_help = make_help(router)
    router.command("help", help_key="help.commands.help")(show_help)
    router.action("help.show")(show_help)
