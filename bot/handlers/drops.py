"""/drop: the creator's content queue (list, add, schedule, publish-now)."""

from __future__ import annotations

from datetime import datetime

from bot.community.schema import CONTENT_KINDS
from bot.events import FormSubmitted
from bot.messages import Form, FormField, Option
from bot.router import Context, Router
from bot.services.content import NewDrop
from bot.services.errors import UserError
from bot.views import drops as views
from bot.views.common import local_time

FORM_ID = "drops.add"


async def drop(ctx: Context) -> None:
    sub, _, rest = ctx.args.strip().partition(" ")
    sub = sub.lower()
    if sub in ("", "list"):
        scheduled, waiting = await ctx.services.content.queue()
        await ctx.reply(views.drop_queue(scheduled, waiting, ctx.t, ctx.services.community.tz))
    elif sub == "add":
        if not await ctx.open_form(add_form(ctx)):
            raise UserError("drops.errors.usage")
    elif sub == "schedule":
        ref, _, when_text = rest.strip().partition(" ")
        if not ref or not when_text:
            raise UserError("drops.errors.usage")
        item = await ctx.services.content.reschedule(ref, parse_local(when_text, ctx))
        await ctx.say("drops.added.rescheduled", title=item.title, when=local_time(item.publish_at, ctx.services.community.tz, ctx.t))
    elif sub in ("publish-now", "publish"):
        if not rest.strip():
            raise UserError("drops.errors.usage")
        item = await ctx.services.content.publish_now(rest.strip())
        await ctx.say("drops.added.published", title=item.title)
    else:
        raise UserError("drops.errors.usage")


def parse_local(text: str, ctx: Context) -> datetime:
    """`2026-12-07 09:00` in the community's time zone."""
    try:
        naive = datetime.strptime(" ".join(text.split()), "%Y-%m-%d %H:%M")
    except ValueError:
        raise UserError("drops.errors.when") from None
    return naive.replace(tzinfo=ctx.services.community.tz)


def add_form(ctx: Context) -> Form:
    t = ctx.t
    return Form(
        form_id=FORM_ID,
        title=t("drops.form.title"),
        submit_label=t("drops.form.submit"),
        fields=(
            FormField("title", t("drops.form.field_title")),
            FormField("kind", t("drops.form.kind"), kind="select", options=tuple(Option(t(f"common.kinds.{k}"), k) for k in CONTENT_KINDS)),
            FormField("levels", t("drops.form.levels"), required=False),
            FormField("topics", t("drops.form.topics"), required=False),
            FormField("teaser", t("drops.form.teaser"), required=False),
            FormField("url", t("drops.form.url"), required=False),
            FormField("body", t("drops.form.body"), kind="multiline", required=False),
        ),
    )


def parse_new_drop(values: dict[str, str]) -> NewDrop:
    title = values.get("title", "").strip()
    if not title or len(title) > 150:
        raise UserError("drops.errors.title")
    kind = values.get("kind", "").strip()
    if kind not in CONTENT_KINDS:
        raise UserError("drops.errors.kind")
    levels_text = values.get("levels", "").replace(" ", "")
    try:
        levels = tuple(sorted({int(x) for x in levels_text.split(",") if x}))
    except ValueError:
        raise UserError("drops.errors.levels") from None
    if any(not 1 <= level <= 5 for level in levels):
        raise UserError("drops.errors.levels")
    url = values.get("url", "").strip() or None
    if url and not url.startswith(("https://", "http://")):
        raise UserError("drops.errors.url")
    topics = tuple(t.strip().lower() for t in values.get("topics", "").split(",") if t.strip())
    return NewDrop(title, kind, levels, topics, values.get("teaser", "").strip(), url, values.get("body", "").strip())


async def submit_add(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    item = await ctx.services.content.add(parse_new_drop(dict(event.values)))
    if item.publish_at is None:
        await ctx.say("drops.added.unscheduled", title=item.title, slug=item.slug)
    else:
        await ctx.say("drops.added.scheduled", title=item.title, when=local_time(item.publish_at, ctx.services.community.tz, ctx.t))


def register(router: Router) -> None:
    router.command("drop", role="creator", help_key="help.commands.drop")(drop)
    router.form(FORM_ID, role="creator", command="drop")(submit_add)
