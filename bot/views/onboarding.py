"""Onboarding messages: the intake form, drip steps, the quick win, the public welcome, and the
"start here" path after the intake."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Block, Button, Buttons, Context, Form, FormField, Header, Option, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.onboarding import (
    DROP_CHOICES,
    FORMATS,
    INTAKE_FORM_ID,
    INTAKE_TEXT,
    TIMES_OF_DAY,
    DripStep,
    MemberIntroduced,
    PublicWelcome,
    QuickWin,
    StartPath,
)
from bot.views import live as live_views
from bot.views.analytics import NOTE
from bot.views.common import fill_in, kind_label, local_time, shorten
from bot.views.welcome import welcome_public


def _choice(t: Translator, name: str, options: Iterable[tuple[str, str]]) -> FormField:
    """A select question labelled `onboarding.intake.<name>`; options are (label key, value)."""
    return FormField(
        name,
        t(f"onboarding.intake.{name}"),
        kind="select",
        options=tuple(Option(t(label), value) for label, value in options),
    )


def intake_form(t: Translator, zone: str, kept: Mapping[str, str] | None = None, again: str = "") -> Form:
    """The intake questions (checked by `bot.services.intake.parse_answers`).

    Opened again after a turned-down answer: `kept` fills every question in as it was sent,
    except `again`, the one to answer anew (back to its usual start).
    """
    form = Form(
        form_id=INTAKE_FORM_ID,
        title=t("onboarding.intake.title"),
        submit_label=t("onboarding.intake.submit"),
        essential=("why", "goal", "level", "time_of_day", "drops"),  # format and time zone keep their defaults
        fields=(
            FormField(
                "why",
                t("onboarding.intake.why"),
                kind="multiline",
                placeholder=t("onboarding.intake.why_hint"),
                max_length=INTAKE_TEXT,
            ),
            FormField(
                "goal",
                t("onboarding.intake.goal"),
                placeholder=t("onboarding.intake.goal_hint"),
                max_length=INTAKE_TEXT,
            ),
            _choice(t, "level", ((f"onboarding.levels.l{n}", str(n)) for n in range(1, 6))),
            _choice(t, "format", ((f"onboarding.formats.{f}", f) for f in FORMATS)),
            _choice(t, "time_of_day", ((f"onboarding.times.{k}", k) for k in (*TIMES_OF_DAY, "any"))),
            _choice(t, "drops", ((f"onboarding.drops.{k}", k) for k in DROP_CHOICES)),
            FormField(
                "timezone",
                t("onboarding.intake.timezone"),
                required=False,
                initial=zone,
                placeholder=zone,
            ),
        ),
    )
    if kept is None:
        return form
    fields = tuple(f if f.name == again else replace(f, initial=kept.get(f.name, f.initial)) for f in form.fields)
    return replace(form, fields=fields)


def intake_question(t: Translator, name: str) -> str:
    """How a turned-down answer's question reads, to name it in the error (its name if unknown)."""
    known = ("why", "goal", "level", "format", "time_of_day", "drops", "timezone")
    return t(f"onboarding.intake.{name}") if name in known else name


def drip_step(notice: DripStep, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    values = {"name": notice.name, "creator": notice.creator, "community": notice.community}
    title = fill_in(notice.title, values)
    body = fill_in(notice.body, values)
    return OutboundMessage(
        text=title,
        blocks=(
            Header(title),
            Section(body),
            *(live_views.next_blocks(notice.live, t, tz) if notice.live else ()),
            Buttons(
                (
                    Button(t("onboarding.step.library"), action_id="library.browse"),
                    Button(t("onboarding.step.next"), action_id="content.next"),
                )
            ),
            Context(t("onboarding.step.signature", **values)),
        ),
    )


def quick_win(notice: QuickWin, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    values = {"name": notice.name, "creator": notice.creator, "community": notice.community}
    header = t("onboarding.quick_win.header", **values)
    return OutboundMessage(
        text=header,
        blocks=(
            Header(header),
            Section(t("onboarding.quick_win.body", task=notice.task, **values)),
            Context(t("onboarding.step.signature", **values)),
        ),
    )


def public_welcome(notice: PublicWelcome, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return welcome_public(name=notice.name, community=notice.community, t=t)


def start_path(path: StartPath, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The member's "start here" list: what they can open now, and what's coming with its date."""
    header = t("onboarding.path.header")
    lines = [t("onboarding.path.available", title=i.title, kind=kind_label(i.kind, t)) for i in path.available]
    lines += [
        t("onboarding.path.coming", title=i.title, kind=kind_label(i.kind, t), when=local_time(i.publish_at, tz, t))
        for i in path.coming
        if i.publish_at is not None
    ]
    blocks: list[Block] = [Header(header), Section("\n".join(lines) or t("onboarding.path.empty"))]
    buttons = tuple(Button(shorten(i.title), action_id=f"library.open:{i.id}") for i in path.available[:4])
    if buttons:
        blocks.append(Buttons(buttons))
    if not path.member:
        blocks.append(Section(t("onboarding.path.join_first")))
    return OutboundMessage(text=header, blocks=tuple(blocks))


def intake_thanks(t: Translator, level: int) -> OutboundMessage:
    text = t("onboarding.intake.thanks", level=level)
    return OutboundMessage(text=text, blocks=(Section(text),))


def intake_lines(why: str, goal: str, level: int | None, fmt: str | None, t: Translator) -> list[str]:
    """A member's intake answers as the creator reads them (on the intro and on `/member show`)."""
    lines = [t("onboarding.intro.why", why=why), t("onboarding.intro.goal", goal=goal)]
    if level is not None:
        lines.append(t("onboarding.intro.level", level=t(f"onboarding.levels.l{level}")))
    if fmt:
        lines.append(t("onboarding.intro.format", format=t(f"onboarding.formats.{fmt}")))
    return lines


def member_introduced(notice: MemberIntroduced, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """To the creator: who joined, why, and what they want to achieve, with a button to say hello."""
    key = "onboarding.intro.header" if notice.member else "onboarding.intro.header_not_joined"
    header = t(key, name=notice.name, community=notice.community)
    lines = intake_lines(notice.why, notice.goal, notice.level, notice.format, t)
    return OutboundMessage(
        text=f"{header}\n" + "\n".join(lines),
        blocks=(
            Header(header),
            Section("\n".join(lines)),
            Buttons((Button(t("onboarding.intro.note_button"), action_id=f"{NOTE}:{notice.member_id}"),)),
            Context(t("onboarding.intro.context", name=notice.name)),
        ),
    )


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    MemberIntroduced: member_introduced,
    DripStep: drip_step,
    QuickWin: quick_win,
    PublicWelcome: public_welcome,
}
