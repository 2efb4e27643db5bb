"""The creator's answers to members' replies (to a check-in, a personal note, or an earlier answer).

A member's DM within a day of such a message reaches the creator's inbox as a reply
(bot/services/faq/replies.py); the creator answers it with the form, `/faq reply ID TEXT`, or
closes it with Done. Part of `/faq` (bot/handlers/faq.py routes `/faq reply` here).
"""

from __future__ import annotations

from bot.events import FormSubmitted
from bot.router import Context, Router
from bot.services.errors import UserError
from bot.services.parsing import record_id
from bot.views import replies as reply_views


def _reply_id(raw: str | None) -> int:
    value = (raw or "").strip().removeprefix("R").removeprefix("r")
    return record_id(value, "replies.errors.bad_id", value=(raw or "").strip()[:40] or "?")


async def reply_answer_button(ctx: Context) -> None:
    item, status = await ctx.services.answers.inbox.replies.get(_reply_id(ctx.action.arg if ctx.action else None))
    if status != "open":
        raise UserError("replies.errors.already_done", id=item.id)
    if not await ctx.open_form(reply_views.answer_form(item, ctx.t)):
        await ctx.say("replies.answer_usage", id=item.id)


async def reply_command(ctx: Context, args: str) -> None:
    """`/faq reply ID TEXT`: answer a member's reply without the form."""
    first, _, text = args.strip().partition(" ")
    if not first:
        raise UserError("replies.errors.reply_usage")
    await _not_a_question(ctx, first)
    await _answer_reply(ctx, _reply_id(first), text)


async def _not_a_question(ctx: Context, raw: str) -> None:
    """`/faq reply 3 …` (or `#3`) where 3 is no member's reply but an open question of the FAQ inbox:
    point to `/faq answer 3 …` rather than say there is no reply 3."""
    value = raw.removeprefix("#")
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        return
    number = int(value)
    if not raw.startswith("#"):  # `#3` is how the inbox numbers its questions, never a reply (R3)
        try:
            await ctx.services.answers.inbox.replies.get(number)
            return
        except UserError:
            pass
    try:
        question = await ctx.services.answers.inbox.question(number)
    except UserError:
        return
    if question.status != "resolved":
        raise UserError("replies.errors.is_question", id=number)


async def submit_reply_answer(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    values = {name: str(value or "") for name, value in event.values.items()}
    await _answer_reply(ctx, _reply_id(values.get("reply_id")), values.get("answer", ""))


async def _answer_reply(ctx: Context, reply_id: int, text: str) -> None:
    answered = await ctx.services.answers.inbox.replies.answer(reply_id, text)
    await ctx.reply(reply_views.answer_sent(answered.member, answered.delivered, ctx.t))


async def reply_done(ctx: Context) -> None:
    name = await ctx.services.answers.inbox.replies.close(_reply_id(ctx.action.arg if ctx.action else None))
    await ctx.say("replies.closed", name=name)


def register(router: Router) -> None:
    # The creator's, refused in the words of `/faq reply` (as bot/handlers/faq.py refuses its own).
    creator = {"role": "creator", "command": "faq reply", "refusal": "faq.errors.creator_only"}
    router.action(reply_views.ANSWER, **creator)(reply_answer_button)
    router.action(reply_views.DONE, **creator)(reply_done)
    router.form(reply_views.ANSWER_FORM, **creator)(submit_reply_answer)
