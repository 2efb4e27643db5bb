"""How experiments read: `/stats experiments`, the creator's "we have a winner" DM, and one line each for
the weekly briefing. A variant reads as "warm: 34 of 120 came back (28%, 95% interval 21-37%), 81% chance
it is the best"."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Attachment, Block, Button, Buttons, Context, Divider, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.experiments import END_ACTION, ExperimentResult, VariantFigures, WinnerFound

CHART_NAME = "membot-experiments.png"


def message_label(message: str, t: Translator) -> str:
    """What the experiment varies, in words: "the welcome", "onboarding step day-3", "the day-21 check-in"."""
    kind, _, target = message.partition(":")
    return t(f"experiments.messages.{kind}", target=target)


def outcome_label(outcome: str, t: Translator) -> str:
    return t(f"experiments.outcomes.{outcome}")


def variant_line(variant: VariantFigures, t: Translator) -> str:
    name = t("experiments.holdout", key=variant.key) if variant.holdout else variant.key
    if not variant.members:
        line = t("experiments.variant_empty", variant=name)
    else:
        line = t.plural(
            "experiments.variant",
            variant.members,
            variant=name,
            outcomes=t.number(variant.outcomes),
            members=t.number(variant.members),
            rate=t.percent(variant.rate),
            low=t.percent(variant.low),
            high=t.percent(variant.high),
            chance=t.percent(variant.chance_best),
        )
    if variant.waiting:
        line += " " + t.plural("experiments.waiting", variant.waiting)
    return line


def verdict_line(result: ExperimentResult, t: Translator, tz: ZoneInfo) -> str:
    if result.verdict == "ended":
        when = t.date(result.ended_at, tz) if result.ended_at is not None else ""
        return t("experiments.verdicts.ended", variant=result.leader or "", date=when)
    if result.verdict == "winner":
        return t("experiments.verdicts.winner", variant=result.leader or "")
    if result.verdict == "too-early":
        return t.plural("experiments.verdicts.too_early", result.min_sample)
    return t("experiments.verdicts.no_difference")


def heading_text(result: ExperimentResult, t: Translator) -> str:
    """The heading without chat formatting (the report's HTML page)."""
    return t(
        "report.experiments.heading",
        title=result.title,
        message=message_label(result.message, t),
        outcome=outcome_label(result.outcome, t),
    )


def _end_button(result: ExperimentResult, t: Translator) -> Button:
    return Button(
        t("experiments.end_button", variant=result.leader or ""),
        action_id=f"{END_ACTION}:{result.key}:{result.leader}",
        style="primary",
    )


def _experiment_blocks(result: ExperimentResult, t: Translator, tz: ZoneInfo) -> list[Block]:
    heading = t(
        "experiments.heading",
        title=result.title,
        message=message_label(result.message, t),
        outcome=outcome_label(result.outcome, t),
    )
    lines = [variant_line(v, t) for v in result.variants]
    blocks: list[Block] = [Section(heading), Section("\n".join(f"• {line}" for line in lines))]
    blocks.append(Context(verdict_line(result, t, tz)))
    if result.verdict == "winner" and result.leader:
        blocks.append(Buttons((_end_button(result, t),)))
    return blocks


def results(items: Sequence[ExperimentResult], png: bytes | None, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """`/stats experiments`: every experiment with its variants' figures, its verdict and, for a winner, the
    button that makes it everyone's copy."""
    header = t("experiments.header")
    if not items:
        text = t("experiments.none")
        return OutboundMessage(text=text, blocks=(Header(header), Section(text)))
    blocks: list[Block] = [Header(header)]
    for n, result in enumerate(items):
        if n:
            blocks.append(Divider())
        blocks.extend(_experiment_blocks(result, t, tz))
    blocks.append(Context(t("experiments.how_to_read")))
    attachment = Attachment(CHART_NAME, png, "image/png") if png else None
    return OutboundMessage(text=header, blocks=tuple(blocks), attachment=attachment)


def winner_found(notice: WinnerFound, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    result = notice.result
    text = t("experiments.winner.text", title=result.title, variant=result.leader or "")
    blocks: list[Block] = [Header(t("experiments.winner.header")), Section(text)]
    blocks.extend(_experiment_blocks(result, t, tz)[1:])
    return OutboundMessage(text=text, blocks=tuple(blocks))


def ended(result: ExperimentResult, t: Translator) -> OutboundMessage:
    text = t("experiments.ended", title=result.title, variant=result.leader or "")
    return OutboundMessage(text=text, blocks=(Section(text),))


def usage(t: Translator) -> OutboundMessage:
    text = t("experiments.usage")
    return OutboundMessage(text=text, blocks=(Section(text),))


def briefing_line(result: ExperimentResult, t: Translator, tz: ZoneInfo) -> str:
    """One line per experiment in the weekly briefing: its name, each variant's rate, and the verdict."""
    rates = t.list(
        [
            t("experiments.briefing_rate", variant=v.key, rate=t.percent(v.rate), members=t.number(v.members))
            for v in result.variants
        ]
    )
    return t("experiments.briefing_line", title=result.title, rates=rates, verdict=verdict_line(result, t, tz))


def chart_labels(t: Translator) -> dict[str, str]:
    return {"title": t("experiments.chart_title"), "rate": t("experiments.chart_rate")}


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {WinnerFound: winner_found}
