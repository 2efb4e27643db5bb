"""/ask, questions in DMs, mentions and the FAQ channel, 👍/👎, and the creator's /faq inbox and entries.

A DM within a day of a check-in or a personal note is a reply to the creator, not a question:
`on_message` hands it to the inbox's replies first (bot/services/faq/replies.py), and the creator
answers it from the same inbox (`reply.answer`, `/faq reply ID TEXT`: bot/handlers/faq_replies.py).

`/faq` is one command with subcommands because Slack shows it to every member; the
creator's subcommands check the role here, and the creator's buttons and forms declare
it where they are registered (the router checks it); both refuse politely.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.command_guess import bare_command, wants_fewer_messages
from bot.events import ActionClicked, FormSubmitted, MessagePosted
from bot.handlers.faq_replies import reply_command
from bot.router import Context, Handler, Router
from bot.services.community import outranks
from bot.services.errors import UserError
from bot.services.faq.answers import Place
from bot.services.faq.entries import EntryDraft, entry_data
from bot.services.parsing import record_id
from bot.views import faq as views
from bot.views import replies as reply_views
from bot.views.common import local_time

Subcommand = Callable[[Context, str], Awaitable[None]]


def _creator(ctx: Context) -> str:
    return ctx.services.community.creator_name


def _require_creator(ctx: Context, sub: str) -> None:
    if not outranks(ctx.member.role, "creator"):
        raise UserError("faq.errors.creator_only", sub=sub)


def _question_id(raw: str | None) -> int:
    value = (raw or "").strip().lstrip("#")
    return record_id(value, "faq.errors.bad_id", value=(raw or "").strip()[:40] or "?")


def _action_question(ctx: Context) -> int:
    return _question_id(ctx.action.arg if ctx.action else None)


def _form_values(ctx: Context) -> dict[str, str]:
    event = ctx.event
    assert isinstance(event, FormSubmitted)
    return {name: str(value or "") for name, value in event.values.items()}


# -- members: asking and rating ------------------------------------------------------------


async def ask(ctx: Context) -> None:
    if not any(c.isalnum() for c in ctx.args):  # "/ask", "/ask ?", "/ask 🤔": no question to look up or pass on
        # The example is one of this community's own questions: a made-up one ("how do I pause my
        # membership?") could be one this FAQ answers with another entry, or not at all.
        entries = await ctx.services.answers.entries.list()
        if entries:
            await ctx.say("faq.ask.usage", example=entries[0].question)
        else:
            await ctx.say("faq.ask.usage_empty")
        return
    event = ctx.event
    where = event.channel
    place = Place(
        event.user.platform,
        event.user.workspace_id,
        "command",
        channel=where.channel_id if where else None,
        thread=where.thread_id if where else None,
    )
    answer = await ctx.services.answers.ask(ctx.member, ctx.args, place)
    await ctx.reply(views.answer_message(answer.notice(_creator(ctx)), ctx.t, ctx.zone))


async def on_message(ctx: Context) -> None:
    event = ctx.event
    assert isinstance(event, MessagePosted)
    answers = ctx.services.answers
    offer = await answers.chat.answers_an_offer(ctx.member, event)  # a "yes" to "Shall I ask Maya?"
    if not offer and await answers.inbox.replies.capture(ctx.member, event) is not None:
        return  # a reply to a person: passed to the creator, acknowledged, not answered from the FAQ
    await answers.on_message(ctx.member, event)


async def rate_up(ctx: Context) -> None:
    row = await ctx.services.answers.rate(ctx.member, _action_question(ctx), "up")
    await ctx.reply(views.rated("up", row.id, ctx.t, _creator(ctx)))


async def rate_down(ctx: Context) -> None:
    row = await ctx.services.answers.rate(ctx.member, _action_question(ctx), "down")
    await ctx.reply(views.rated("down", row.id, ctx.t, _creator(ctx)))


async def pick(ctx: Context) -> None:
    """The asker picks one of the entries an "I don't know" offered (bot/services/faq/picks.py)."""
    event = ctx.event
    choice = event.value if isinstance(event, ActionClicked) else ""
    notice = await ctx.services.answers.picks.pick(ctx.member, _action_question(ctx), choice, _creator(ctx))
    await ctx.reply(views.answer_message(notice, ctx.t, ctx.zone))


async def forward(ctx: Context) -> None:
    newly = await ctx.services.answers.forward(ctx.member, _action_question(ctx))
    first = _creator(ctx).split()[0]
    await ctx.say("faq.forwarded" if newly else "faq.already_forwarded", creator=first)


# -- the creator's inbox -------------------------------------------------------------------


async def show_inbox(ctx: Context, _: str = "") -> None:
    """Members' replies first (when any are waiting), then the FAQ's open questions."""
    replies, waiting = await ctx.services.answers.inbox.replies.pending()
    if replies:
        await ctx.reply(reply_views.inbox(replies, waiting, ctx.t, ctx.zone))
    items, total = await ctx.services.answers.inbox.pending()
    if replies and not items:
        await ctx.say("faq.inbox.no_questions")  # not "your inbox is empty" under a list of replies
        return
    await ctx.reply(views.inbox(items, total, ctx.t, ctx.zone))


async def answer_button(ctx: Context) -> None:
    await _open_answer_form(ctx, _action_question(ctx))


async def _open_answer_form(ctx: Context, question_id: int) -> None:
    row = await ctx.services.answers.inbox.question(question_id)  # an unknown number says so
    if row.status == "resolved":
        raise UserError("faq.errors.already_resolved")
    if not await ctx.open_form(views.answer_form(row.id, row.question, ctx.t)):
        await ctx.say("faq.errors.answer_usage", id=row.id)


async def answer_command(ctx: Context, args: str) -> None:
    first, _, text = args.strip().partition(" ")
    if not first:
        raise UserError("faq.errors.answer_which")
    if not text.strip():  # `/faq answer 3`: the form, as the inbox's Answer button (not "the answer is empty")
        await _open_answer_form(ctx, _question_id(first))
        return
    await _answer(ctx, _question_id(first), text)


async def submit_answer(ctx: Context) -> None:
    values = _form_values(ctx)
    await _answer(ctx, _question_id(values.get("question_id")), values.get("answer", ""))


async def _answer(ctx: Context, question_id: int, text: str) -> None:
    resolved = await ctx.services.answers.inbox.answer(question_id, text)
    await ctx.reply(views.answer_sent(resolved.question.id, resolved.delivered, resolved.asker, ctx.t))


async def save(ctx: Context) -> None:
    entry = await ctx.services.answers.inbox.save(_action_question(ctx))
    await ctx.say("faq.inbox.saved", entry=entry.key)


async def link(ctx: Context, args: str) -> None:
    """`/faq link ID KEY`: entry KEY answers question ID; its wording is learned as another phrasing."""
    first, _, key = args.strip().partition(" ")
    if not key.strip():
        raise UserError("faq.errors.link_usage")
    resolved, entry = await ctx.services.answers.inbox.learn(_question_id(first), key.strip())
    note = "faq.inbox.learned" if resolved.delivered else "faq.inbox.learned_not_delivered"
    await ctx.say(note, id=resolved.question.id, entry=entry.key, asker=resolved.asker)


async def to_live(ctx: Context) -> None:
    question_id = _action_question(ctx)
    await ctx.services.answers.inbox.question(question_id)  # an unknown id says so before anything else
    live = await ctx.services.live.next_session()
    if live is None:
        await ctx.say("faq.inbox.no_live")
        return
    resolved = await ctx.services.answers.inbox.to_live(question_id, live)
    key = "faq.inbox.to_live" if resolved.delivered else "faq.inbox.to_live_not_delivered"
    await ctx.say(key, title=live.title, when=local_time(live.starts_at, ctx.zone, ctx.t))


# -- FAQ entries ---------------------------------------------------------------------------


def _draft(parts: list[str]) -> EntryDraft:
    """`question | answer | other phrasing | …` typed after the command."""
    fields = [p.strip() for p in parts] + ["", ""]
    return EntryDraft(question=fields[0], answer=fields[1], alt_questions="\n".join(p for p in fields[2:] if p))


async def add(ctx: Context, args: str) -> None:
    if not args.strip():
        if not await ctx.open_form(views.entry_form(ctx.t)):
            await ctx.say("faq.errors.add_usage")
        return
    if "|" not in args:
        raise UserError("faq.errors.add_usage")
    await _added(ctx, _draft(args.split("|")))


async def submit_add(ctx: Context) -> None:
    values = _form_values(ctx)
    await _added(ctx, EntryDraft(values.get("question", ""), values.get("answer", ""), values.get("alt_questions", "")))


async def _added(ctx: Context, draft: EntryDraft) -> None:
    entry = await ctx.services.answers.entries.add(draft)
    await ctx.say("faq.entries.added", entry=entry.key)


async def edit(ctx: Context, args: str) -> None:
    key, _, rest = args.strip().partition(" ")
    if not key:
        raise UserError("faq.errors.edit_which")
    if rest.strip():
        await _edited(ctx, key, _draft(rest.split("|")))
        return
    entry = await ctx.services.answers.entries.get(key)
    if not await ctx.open_form(views.entry_form(ctx.t, entry_data(entry))):
        await ctx.say("faq.errors.edit_usage", entry=entry.key)


async def submit_edit(ctx: Context) -> None:
    values = _form_values(ctx)
    draft = EntryDraft(
        values.get("question", ""), values.get("answer", ""), values.get("alt_questions", ""), lists_learned=True
    )
    await _edited(ctx, values.get("key", ""), draft)


async def _edited(ctx: Context, key: str, draft: EntryDraft) -> None:
    entry = await ctx.services.answers.entries.edit(key, draft)
    await _with_file_note(ctx, "faq.entries.edited", entry.key, entry.source)


async def remove(ctx: Context, args: str) -> None:
    if not args.strip():
        raise UserError("faq.errors.remove_which")
    entry = await ctx.services.answers.entries.remove(args.strip())
    await _with_file_note(ctx, "faq.entries.removed", entry.key, entry.source)


async def _with_file_note(ctx: Context, key: str, entry_key: str, source: str) -> None:
    text = ctx.t(key, entry=entry_key)
    if source == "file":
        text += "\n" + ctx.t("faq.entries.file_note", entry=entry_key)
    await ctx.reply(text)


async def show_list(ctx: Context, args: str = "") -> None:
    tag = args.strip()
    entries = await ctx.services.answers.entries.list(tag)
    await ctx.reply(views.entry_list([entry_data(e) for e in entries], ctx.t, tag=tag))


async def show_usage(ctx: Context, _: str = "") -> None:
    await ctx.say("faq.usage")


SUBCOMMANDS: dict[str, tuple[str, Subcommand]] = {
    "list": ("member", show_list),
    "help": ("member", show_usage),
    "inbox": ("creator", show_inbox),
    "answer": ("creator", answer_command),
    "reply": ("creator", reply_command),
    "add": ("creator", add),
    "edit": ("creator", edit),
    "remove": ("creator", remove),
    "link": ("creator", link),
}


async def faq(ctx: Context) -> None:
    sub, _, rest = ctx.args.strip().partition(" ")
    if not sub:
        await (show_inbox(ctx) if outranks(ctx.member.role, "creator") else show_list(ctx))
        return
    entry = SUBCOMMANDS.get(sub.lower())
    if entry is None:
        raise UserError("faq.errors.unknown_sub", sub=sub[:30])
    role, handler = entry
    if role == "creator":
        _require_creator(ctx, sub.lower())
    await handler(ctx, rest.strip())


async def inbox_button(ctx: Context) -> None:
    await show_inbox(ctx)


def _unless_a_bare_command(router: Router, handler: Callable[[Context], Awaitable[None]]) -> Handler:
    """A DM that is only a command's name ("help", "leave") gets "Did you mean /help?", not the FAQ;
    a DM that is only "stop" or "unsubscribe" is shown how to get fewer messages."""

    async def dispatch(ctx: Context) -> None:
        event = ctx.event
        assert isinstance(event, MessagePosted)
        in_dm = event.channel is not None and event.channel.is_dm
        if in_dm and wants_fewer_messages(event.text):
            await ctx.say("errors.fewer_messages")
            return
        named = bare_command(event.text, router.commands, ctx.member.role) if in_dm else None
        if named is not None:
            await ctx.say("errors.bare_command", command=named)
            return
        await handler(ctx)

    return dispatch


def register(router: Router) -> None:
    router.command("ask", help_key="help.commands.ask")(ask)
    router.command("faq", help_key="help.commands.faq")(faq)
    router.on(MessagePosted)(_unless_a_bare_command(router, on_message))
    router.action("faq.up")(rate_up)
    router.action("faq.down")(rate_down)
    router.action("faq.forward")(forward)
    router.action("faq.pick")(pick)
    router.action("faq.inbox", **_creator_route("inbox"))(inbox_button)
    router.action("faq.answer", **_creator_route("answer"))(answer_button)
    router.action("faq.save", **_creator_route("save"))(save)
    router.action("faq.to-live", **_creator_route("to-live"))(to_live)
    router.form(views.ANSWER_FORM, **_creator_route("answer"))(submit_answer)
    router.form(views.ADD_FORM, **_creator_route("add"))(submit_add)
    router.form(views.EDIT_FORM, **_creator_route("edit"))(submit_edit)


def _creator_route(sub: str) -> dict[str, str]:
    """The inbox's buttons and the entry forms are the creator's, refused in `/faq SUB`'s words."""
    return {"role": "creator", "command": f"faq {sub}", "refusal": "faq.errors.creator_only"}
