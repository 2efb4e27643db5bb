"""Onboarding messages: drip steps, the quick win, and the "start here" path after the intake."""

from __future__ import annotations

from bot.community.schema import OnboardingStep
from bot.i18n import Translator
from bot.messages import Button, Buttons, Context, Header, OutboundMessage, Section
from bot.views.common import kind_label, local_time, shorten


def drip_step(step: OnboardingStep, t: Translator, **values: str) -> OutboundMessage:
    title = step.title.format(**values)
    body = step.body.format(**values)
    return OutboundMessage(
        text=title,
        blocks=(
            Header(title),
            Section(body),
            Buttons((Button(t("onboarding.step.library"), action_id="library.browse"), Button(t("onboarding.step.next"), action_id="content.next"))),
            Context(t("onboarding.step.signature", **values)),
        ),
    )


def quick_win(text: str, t: Translator, **values: str) -> OutboundMessage:
    header = t("onboarding.quick_win.header", **values)
    return OutboundMessage(
        text=header,
        blocks=(Header(header), Section(t("onboarding.quick_win.body", task=text, **values)), Context(t("onboarding.step.signature", **values))),
    )


def start_path(path, t: Translator, tz) -> OutboundMessage:  # type: ignore[no-untyped-def]
    """The member's "start here" list: what they can open now, and what's coming with its date."""
    header = t("onboarding.path.header")
    lines = [t("onboarding.path.available", title=i.title, kind=kind_label(i.kind, t)) for i in path.available]
    lines += [
        t("onboarding.path.coming", title=i.title, kind=kind_label(i.kind, t), when=local_time(i.publish_at, tz, t))
        for i in path.coming
        if i.publish_at is not None
    ]
    blocks: list = [Header(header), Section("\n".join(lines) or t("onboarding.path.empty"))]
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in path.available[:4])
    if buttons:
        blocks.append(Buttons(buttons))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def intake_thanks(t: Translator, level: int) -> OutboundMessage:
    text = t("onboarding.intake.thanks", level=level)
    return OutboundMessage(text=text, blocks=(Section(text),))
