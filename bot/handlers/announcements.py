"""/announce: draft to a segment, preview, then send now, schedule, list or cancel. Creator only."""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.handlers.button_ids import action_id
from bot.handlers.examples import dated_examples, example_date
from bot.notices.announcements import Segment
from bot.router import Context, Router
from bot.services.announcements import Preview
from bot.services.announcements.segments import LEVELS
from bot.services.parsing import record_id
from bot.views import announcements as views
from bot.views.common import local_time

ROLE = "creator"  # announcements speak in the creator's voice to paying members
DATED_EXAMPLES = frozenset({"announce.errors.when"})  # `at {date} 09:00`


async def announce(ctx: Context) -> None:
    args = ctx.args.strip()
    word, _, rest = args.partition(" ")
    if not args:
        form = views.compose_form(ctx.t, ctx.services.announcements.tiers, LEVELS, example_date(ctx))
        if not await ctx.open_form(form):
            await ctx.say("announce.errors.usage")
    elif word.lower() == "list" and not rest:
        await show_list(ctx)
    elif word.lower() == "cancel" and "|" not in args:
        await _cancel(ctx, record_id(rest, "announce.errors.cancel_usage"))
    else:
        request = ctx.services.announcements.parse(args)
        await _preview(ctx, await ctx.services.announcements.draft(ctx.member.id, request))


async def submit_form(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    values = event.values
    request = ctx.services.announcements.parse_form(
        values.get("segment", "all"), values.get("when", ""), values.get("text", "")
    )
    await _preview(ctx, await ctx.services.announcements.draft(ctx.member.id, request))


async def send(ctx: Context) -> None:
    service = ctx.services.announcements
    sent = await service.send_now(action_id(ctx))
    if sent.by_channel:
        await ctx.say("announce.sent.channel", channel=service.channel)
    else:
        await ctx.reply(ctx.t.plural("announce.sent.dm", sent.queued))


async def schedule(ctx: Context) -> None:
    item = await ctx.services.announcements.schedule(action_id(ctx))
    await ctx.say("announce.scheduled", id=item.id, when=local_time(item.send_at, ctx.services.community.tz, ctx.t))


async def cancel(ctx: Context) -> None:
    await _cancel(ctx, action_id(ctx))


async def show_list(ctx: Context) -> None:
    scheduled, sent = await ctx.services.announcements.overview()
    labels = {a.id: _label(ctx, a.segment) for a in (*scheduled, *sent)}
    await ctx.reply(views.overview(scheduled, sent, ctx.t, ctx.services.community.tz, labels))


async def _cancel(ctx: Context, announcement_id: int) -> None:
    item = await ctx.services.announcements.cancel(announcement_id)
    await ctx.say("announce.canceled", id=item.id)


async def _preview(ctx: Context, preview: Preview) -> None:
    service = ctx.services.announcements
    reach = views.reach_label(preview.segment, preview.recipients, ctx.t, service.channel)
    await ctx.reply(
        views.preview(
            preview.announcement,
            preview.message,
            ctx.t,
            audience=_label(ctx, preview.segment),
            reach=reach,
            tz=ctx.services.community.tz,
            scheduled=preview.scheduled,
        )
    )


def _label(ctx: Context, segment: Segment) -> str:
    return views.segment_label(segment, ctx.t, ctx.services.announcements.tiers)


def register(router: Router) -> None:
    dated = dated_examples(DATED_EXAMPLES)
    router.command("announce", role=ROLE, help_key="help.commands.announce")(dated(announce))
    router.form(views.FORM_ID, role=ROLE, command="announce")(dated(submit_form))
    router.action("announce.send", role=ROLE)(send)
    router.action("announce.schedule", role=ROLE)(schedule)
    router.action("announce.cancel", role=ROLE)(cancel)
    router.action("announce.list", role=ROLE)(show_list)
