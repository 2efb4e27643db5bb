"""The intake questions: what they are, and turning answers into a member's level and segments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import Translator
from bot.messages import Form, FormField, Option
from bot.services.errors import UserError

FORM_ID = "onboard.intake"
FORMATS = ("video", "reading", "live", "mixed")
TIMES = {"morning": time(8, 0), "midday": time(12, 0), "evening": time(18, 0)}
DROP_DELIVERY = ("channel", "dm-every", "dm-weekly")
MAX_TEXT = 500


@dataclass(frozen=True)
class IntakeAnswers:
    why: str
    goal: str
    level: int
    format: str
    time_of_day: time | None
    timezone: str | None
    delivery: str  # channel | dm
    digest: str  # every | weekly

    @property
    def segments(self) -> list[str]:
        return [f"format:{self.format}", f"level:{self.level}"]


def _choice(t: Translator, name: str, options: Iterable[tuple[str, str]]) -> FormField:
    """A select question labelled `onboarding.intake.<name>`; options are (label key, value)."""
    return FormField(name, t(f"onboarding.intake.{name}"), kind="select",
                     options=tuple(Option(t(label), value) for label, value in options))


def intake_form(t: Translator, community_tz: str) -> Form:
    return Form(
        form_id=FORM_ID,
        title=t("onboarding.intake.title"),
        submit_label=t("onboarding.intake.submit"),
        fields=(
            FormField("why", t("onboarding.intake.why"), kind="multiline", placeholder=t("onboarding.intake.why_hint")),
            FormField("goal", t("onboarding.intake.goal"), placeholder=t("onboarding.intake.goal_hint")),
            _choice(t, "level", ((f"onboarding.levels.l{n}", str(n)) for n in range(1, 6))),
            _choice(t, "format", ((f"onboarding.formats.{f}", f) for f in FORMATS)),
            _choice(t, "time_of_day", ((f"onboarding.times.{k}", k) for k in (*TIMES, "any"))),
            _choice(t, "drops", ((f"onboarding.drops.{k}", k) for k in DROP_DELIVERY)),
            FormField(
                "timezone", t("onboarding.intake.timezone"), required=False, initial=community_tz, placeholder=community_tz
            ),
        ),
    )


def parse_answers(values: dict[str, str]) -> IntakeAnswers:
    """Validate every answer; the first problem becomes a UserError naming the question."""
    why = values.get("why", "").strip()
    goal = values.get("goal", "").strip()
    if not why or not goal:
        raise UserError("onboarding.errors.required", field="why" if not why else "goal")
    if len(why) > MAX_TEXT or len(goal) > MAX_TEXT:
        raise UserError("onboarding.errors.too_long", limit=MAX_TEXT)
    level_text = values.get("level", "").strip()
    if level_text not in {"1", "2", "3", "4", "5"}:
        raise UserError("onboarding.errors.level")
    fmt = values.get("format", "mixed").strip() or "mixed"
    if fmt not in FORMATS:
        raise UserError("onboarding.errors.choice", field="format")
    when = values.get("time_of_day", "any").strip() or "any"
    if when != "any" and when not in TIMES:
        raise UserError("onboarding.errors.choice", field="time_of_day")
    drops = values.get("drops", "channel").strip() or "channel"
    if drops not in DROP_DELIVERY:
        raise UserError("onboarding.errors.choice", field="drops")
    zone = values.get("timezone", "").strip() or None
    if zone is not None:
        zone = check_zone(zone)
    return IntakeAnswers(
        why=why,
        goal=goal,
        level=int(level_text),
        format=fmt,
        time_of_day=TIMES.get(when),
        timezone=zone,
        delivery="channel" if drops == "channel" else "dm",
        digest="weekly" if drops == "dm-weekly" else "every",
    )


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError("onboarding.errors.timezone", zone=name[:60]) from None
    return name
