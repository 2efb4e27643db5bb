"""How FAQ answers, the creator's inbox and FAQ entries look in chat."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.faq import (
    FAQ_ANSWER,
    FAQ_QUESTION,
    Entry,
    FaqAnswer,
    InboxItem,
    QuestionAnswered,
    QuestionForwarded,
    QuestionToLive,
    SmallTalkReply,
    SourceInfo,
)
from bot.untrusted import quoted
from bot.views.common import first_name, local_time

ANSWER_FORM = "faq.answer"
ADD_FORM = "faq.add"
EDIT_FORM = "faq.edit"
MAX_LINKS = 3
PICK_LABEL = 70
"""Characters of an offered entry's question on its button (Slack shows 75, Discord 80)."""
LIST_PAGE = 30


def _clip(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _source_line(number: int | None, source: SourceInfo, t: Translator) -> str:
    kind = t(f"faq.answer.kinds.{source.kind}")
    if number is None:
        return t("faq.answer.source", kind=kind, title=source.title)
    return t("faq.answer.numbered_source", number=number, kind=kind, title=source.title)


def _source_buttons(sources: Sequence[SourceInfo], t: Translator) -> list[Button]:
    buttons: list[Button] = []
    for source in sources:
        if source.item_id is not None:
            buttons.append(
                Button(t("faq.buttons.open", title=_clip(source.title, 30)), action_id=f"library.open:{source.item_id}")
            )
        elif source.url:
            buttons.append(Button(t("faq.buttons.watch", title=_clip(source.title, 30)), url=source.url))
    return buttons[:MAX_LINKS]


def answer_message(outcome: FaqAnswer, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """An answer with its sources and 👍/👎, or "I don't know" with an offer to ask the creator (and
    any entries the member may mean, to pick from). The creator trying the FAQ gets neither offer.

    An answer found across languages says so: the member asked in one language, the source
    (and so the answer's text) is in another. Someone who is not a member is told which drop or
    recording holds the answer, not what it says."""
    question_id, creator = outcome.question_id, outcome.creator
    if not outcome.answered and question_id is None:
        return _unknown_to_creator(outcome, t)
    if not outcome.answered:
        offered = outcome.suggestions
        text = t("faq.answer.unknown_offer" if offered else "faq.answer.unknown", creator=first_name(creator))
        picks = tuple(
            Button(_clip(s.title, PICK_LABEL), action_id=f"faq.pick:{question_id}", value=str(n))
            for n, s in enumerate(offered, start=1)
        )
        forward = Button(
            t("faq.buttons.forward", creator=first_name(creator)),
            action_id=f"faq.forward:{question_id}",
            style="default" if offered else "primary",
        )
        return OutboundMessage(text=text, blocks=(Section(text), Buttons((*picks, forward))))
    sources = [s for _, s in outcome.sources]
    if outcome.members_only:
        [title, *_] = [s.title for s in sources if s.kind != "faq"]
        return _plain(t("faq.answer.members_only", title=title))
    blocks: list[Block] = [Section(outcome.text)]
    if outcome.written:
        lines = [_source_line(n, s, t) for n, s in outcome.sources]
        blocks.append(Context(t("faq.answer.written", sources="\n".join(lines))))
    else:
        blocks.append(Context(_source_line(None, sources[0], t)))
    if outcome.source_language:
        language = t(f"faq.answer.languages.{outcome.source_language}")
        blocks.append(Context(t("faq.answer.other_language", language=language)))
    rating = [  # none for the creator trying the FAQ (question_id None: nothing recorded to rate)
        Button(t("faq.buttons.up"), action_id=f"faq.up:{question_id}"),
        Button(t("faq.buttons.down"), action_id=f"faq.down:{question_id}"),
    ]
    if buttons := _source_buttons(sources, t) + (rating if question_id is not None else []):
        blocks.append(Buttons(tuple(buttons)))
    return OutboundMessage(text=outcome.text, blocks=tuple(blocks))


def _unknown_to_creator(outcome: FaqAnswer, t: Translator) -> OutboundMessage:
    """The creator trying the FAQ gets "I don't know" with what a member would be offered, and nothing to pass on."""
    text = t("faq.answer.unknown_creator")
    blocks: list[Block] = [Section(text)]
    if outcome.suggestions:
        offered = ", ".join(f"“{_clip(s.title, PICK_LABEL)}”" for s in outcome.suggestions)
        blocks.append(Context(t("faq.answer.would_offer", entries=offered)))
    return OutboundMessage(text=text, blocks=tuple(blocks))


def rated(verdict: str, question_id: int, t: Translator, creator: str) -> OutboundMessage:
    if verdict == "up":
        return _plain(t("faq.rated.up"))
    text = t("faq.rated.down", creator=first_name(creator))
    button = Button(t("faq.buttons.forward", creator=first_name(creator)), action_id=f"faq.forward:{question_id}")
    return OutboundMessage(text=text, blocks=(Section(text), Buttons((button,))))


def small_talk_reply(notice: SmallTalkReply, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """A friendly word for "thanks!" or "hi" in a DM; or, after a "yes" to the offer, that the question was passed on."""
    if notice.kind == "forwarded":
        return _plain(t("faq.forwarded", creator=first_name(notice.creator)))
    return _plain(t(f"faq.chat.{notice.kind}", name=first_name(notice.name), creator=first_name(notice.creator)))


def creator_notice(notice: QuestionForwarded, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The DM each creator gets when a member passes a question on."""
    question_id, question, asker, earlier = notice.question_id, notice.question, notice.asker, notice.earlier
    header = t("faq.notice.header", name=asker)
    blocks: list[Block] = [Header(header), Section(quoted(question))]
    if earlier:
        blocks.append(Context(t("faq.notice.earlier", question=_clip(earlier, 200))))
    blocks.append(_inbox_buttons(question_id, t, inbox=True))
    return OutboundMessage(text=t("faq.notice.fallback", name=asker), blocks=tuple(blocks))


def _inbox_buttons(question_id: int, t: Translator, *, inbox: bool = False) -> Buttons:
    buttons = [
        Button(t("faq.buttons.answer"), action_id=f"faq.answer:{question_id}", style="primary"),
        Button(t("faq.buttons.to_live"), action_id=f"faq.to-live:{question_id}"),
    ]
    if inbox:
        buttons.append(Button(t("faq.buttons.inbox"), action_id="faq.inbox"))
    return Buttons(tuple(buttons))


def inbox(items: Sequence[InboxItem], total: int, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    if not items:
        return _plain(t("faq.inbox.empty"))
    header = t.plural("faq.inbox.header", total)
    blocks: list[Block] = [Header(header)]
    for item in items:
        status = t(
            f"faq.inbox.status.{'down' if item.feedback == 'down' and item.status == 'answered' else item.status}"
        )
        if item.picked and item.status == "unanswered":
            status = t("faq.inbox.status.picked", entry=item.picked, id=item.id)
        line = t(
            "faq.inbox.line",
            id=item.id,
            name=item.asker,
            when=local_time(item.asked_at, tz, t),
            status=status,
            question=quoted(_clip(item.question, 400)),
        )
        if item.earlier:
            line += "\n" + t("faq.inbox.earlier", question=_clip(item.earlier, 150))
        blocks += [Section(line), _inbox_buttons(item.id, t)]
    if total > len(items):
        blocks.append(Context(t("faq.inbox.more", count=total - len(items))))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def answer_form(question_id: int, question: str, t: Translator) -> Form:
    return Form(
        form_id=ANSWER_FORM,
        title=t("faq.form.answer_title"),
        submit_label=t("faq.form.send"),
        fields=(
            FormField("question_id", t("faq.form.question_id"), initial=str(question_id)),
            FormField(
                "answer",
                t("faq.form.answer"),
                kind="multiline",
                placeholder=_clip(question, 100),
                max_length=FAQ_ANSWER,
            ),
        ),
    )


def answer_sent(question_id: int, delivered: bool, name: str, t: Translator) -> OutboundMessage:
    text = t("faq.inbox.sent" if delivered else "faq.inbox.sent_not_delivered", name=name)
    save = Button(t("faq.buttons.save"), action_id=f"faq.save:{question_id}", style="primary")
    return OutboundMessage(
        text=text, blocks=(Section(text), Buttons((save, Button(t("faq.buttons.inbox"), action_id="faq.inbox"))))
    )


def creator_answer_dm(notice: QuestionAnswered, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The creator's answer in the asker's DMs."""
    question, answer, creator = notice.question, notice.answer, notice.creator
    header = t("faq.reply.header", creator=first_name(creator))
    blocks = (Header(header), Context(t("faq.reply.you_asked", question=_clip(question, 300))), Section(answer))
    return OutboundMessage(text=f"{header}\n{answer}", blocks=blocks)


def to_live_dm(notice: QuestionToLive, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The asker hears that their question will be answered at a live session."""
    text = t(
        "faq.reply.to_live",
        creator=first_name(notice.creator),
        title=notice.title,
        when=local_time(notice.starts_at, tz, t),
        question=_clip(notice.question, 300),
    )
    return _plain(text)


def entry_form(t: Translator, entry: Entry | None = None) -> Form:
    fields = [
        FormField("question", t("faq.form.question"), initial=entry.question if entry else "", max_length=FAQ_QUESTION),
        FormField(
            "answer",
            t("faq.form.entry_answer"),
            kind="multiline",
            initial=entry.answer if entry else "",
            max_length=FAQ_ANSWER,
        ),
        FormField(
            "alt_questions",
            t("faq.form.alt_questions"),
            kind="multiline",
            required=False,
            initial="\n".join(entry.form_alternatives) if entry else "",
            placeholder=t("faq.form.alt_hint"),
        ),
    ]
    if entry is not None:
        fields.insert(0, FormField("key", t("faq.form.key"), initial=entry.key))
    return Form(
        form_id=EDIT_FORM if entry else ADD_FORM,
        title=t("faq.form.edit_title" if entry else "faq.form.add_title"),
        submit_label=t("faq.form.save"),
        fields=tuple(fields),
    )


def entry_list(entries: Sequence[Entry], t: Translator, *, tag: str = "") -> OutboundMessage:
    if not entries:
        return _plain(t("faq.entries.empty_tag", tag=tag) if tag else t("faq.entries.empty"))
    header = (
        t.plural("faq.entries.header_tag", len(entries), tag=tag)
        if tag
        else t.plural("faq.entries.header", len(entries))
    )
    lines = [t("faq.entries.line", entry=e.key, question=_clip(e.question, 120)) for e in entries[:LIST_PAGE]]
    blocks: list[Block] = [Header(header), Section("\n".join(lines))]
    if len(entries) > LIST_PAGE:
        blocks.append(Context(t("faq.entries.more", count=len(entries) - LIST_PAGE)))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def _plain(text: str) -> OutboundMessage:
    return OutboundMessage(text=text, blocks=(Section(text),))


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    FaqAnswer: answer_message,
    QuestionForwarded: creator_notice,
    QuestionAnswered: creator_answer_dm,
    QuestionToLive: to_live_dm,
    SmallTalkReply: small_talk_reply,
}
