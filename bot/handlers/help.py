"""/help: the commands this person may use, in their language."""

from __future__ import annotations

from bot.messages import Header, OutboundMessage, Section
from bot.router import Context, Handler, Router
from bot.services.community import outranks


def make_help(router: Router) -> Handler:
    async def show_help(ctx: Context) -> None:
        creator = outranks(ctx.member.role, "creator")
        lines = [
            ctx.t(_variant(ctx, spec.help_key, creator))
            for spec in router.commands.values()
            if spec.help_key and outranks(ctx.member.role, spec.role)
        ]
        header = ctx.t("help.header", community=ctx.services.community.name)
        await ctx.reply(OutboundMessage(text=header, blocks=(Header(header), Section("\n".join(lines)))))

    return show_help


def _variant(ctx: Context, key: str, creator: bool) -> str:
    """A command members and creators share is described to a creator with their subcommands too
    (`KEY_creator`), and to a member without them."""
    return f"{key}_creator" if creator and ctx.t.has(f"{key}_creator") else key


def register(router: Router) -> None:
    show_help = make_help(router)
    router.command("help", help_key="help.commands.help")(show_help)
    router.action("help.show")(show_help)
