"""How a poll looks: the post with one button per option, and its results as bars."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.polls import PollClosed, PollPosted, Results

FORM_ID = "poll.create"
BAR_WIDTH = 10


def vote_action(poll_id: int, option: int) -> str:
    return f"poll.vote:{poll_id}:{option}"


def poll_post(notice: PollPosted, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    poll_id = notice.poll_id
    votes = tuple(Button(label, vote_action(poll_id, n)) for n, label in enumerate(notice.options))
    blocks: tuple[Block, ...] = (
        Header(t("poll.post.header", question=notice.question)),
        Buttons(votes),
        Buttons((Button(t("poll.post.results"), f"poll.results:{poll_id}"),)),
        Context(t("poll.post.context", id=poll_id)),
    )
    return OutboundMessage(text=t("poll.post.fallback", question=notice.question), blocks=blocks)


def results(result: Results, t: Translator, *, voted: bool = False) -> OutboundMessage:
    """Results for one person (after their vote, or on request); their own choice is marked."""
    blocks: list[Block] = []
    if voted and result.mine is not None:
        blocks.append(Section(t("poll.vote.thanks", option=result.options[result.mine])))
    blocks += [Header(t("poll.results.header", question=result.question)), Section(_bars(result, t))]
    state = "poll.results.closed" if result.closed else "poll.results.open"
    blocks.append(Context(t.plural(state, result.total, id=result.poll_id)))
    return OutboundMessage(text=t("poll.results.fallback", question=result.question), blocks=tuple(blocks))


def final_results(notice: PollClosed, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """Posted where the poll was when it closes."""
    result = notice.results
    winners = _winners(result)
    if not winners:
        lead = t("poll.final.no_votes")
    elif len(winners) == 1:
        lead = t("poll.final.winner", option=winners[0])
    else:  # not "The winner: *Pricing / Marketing*"
        lead = t("poll.final.tie", options=t("poll.final.and").join(winners))
    blocks: tuple[Block, ...] = (
        Header(t("poll.final.header", question=result.question)),
        Section(lead),
        Section(_bars(result, t)),
        Context(t.plural("poll.results.closed", result.total, id=result.poll_id)),
    )
    return OutboundMessage(text=t("poll.final.fallback", question=result.question), blocks=blocks)


def created(poll_id: int, channels: Sequence[str], t: Translator) -> OutboundMessage:
    text = t("poll.created", id=poll_id, channels=", ".join(f"#{c}" for c in dict.fromkeys(channels)))
    return OutboundMessage(text=text, blocks=(Section(text),))


def create_form(t: Translator) -> Form:
    return Form(
        form_id=FORM_ID,
        title=t("poll.form.title"),
        fields=(
            FormField("question", t("poll.form.question")),
            FormField("options", t("poll.form.options"), kind="multiline", placeholder=t("poll.form.options_hint")),
        ),
        submit_label=t("poll.form.submit"),
    )


def _bars(result: Results, t: Translator) -> str:
    lines = []
    for n, (option, count) in enumerate(zip(result.options, result.counts, strict=True)):
        share = count / result.total if result.total else 0.0
        filled = int(share * BAR_WIDTH + 0.5)  # half up: 25% fills 3 of 10, not 2
        bar = "█" * filled + "░" * (BAR_WIDTH - filled)
        key = "poll.results.mine" if n == result.mine else "poll.results.line"
        lines.append(t(key, option=option, bar=bar, count=count, percent=int(share * 100 + 0.5)))
    return "\n".join(lines)


def _winners(result: Results) -> list[str]:
    top = max(result.counts, default=0)
    return [o for o, c in zip(result.options, result.counts, strict=True) if c == top] if top else []


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {PollPosted: poll_post, PollClosed: final_results}
