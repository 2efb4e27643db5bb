"""The intake's answers: checking them, and turning them into a member's level and segments.

The questions themselves are a view (`bot.views.onboarding.intake_form`); their choices are
`bot.notices.onboarding`'s vocabulary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time

from bot.notices.onboarding import DROP_CHOICES, FORMATS, INTAKE_TEXT, TIMES_OF_DAY
from bot.services.errors import UserError
from bot.services.timing import zone_named

TIMES = dict(zip(TIMES_OF_DAY, (time(8, 0), time(12, 0), time(18, 0)), strict=True))
MAX_TEXT = INTAKE_TEXT


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


def parse_answers(values: Mapping[str, str]) -> IntakeAnswers:
    """Validate every answer; the first problem becomes a UserError whose `field` names the question."""
    why = values.get("why", "").strip()
    goal = values.get("goal", "").strip()
    if not why or not goal:
        raise UserError("onboarding.errors.required", field="why" if not why else "goal")
    if len(why) > MAX_TEXT or len(goal) > MAX_TEXT:
        raise UserError("onboarding.errors.too_long", field="why" if len(why) > MAX_TEXT else "goal", limit=MAX_TEXT)
    level_text = values.get("level", "").strip()
    if level_text not in {"1", "2", "3", "4", "5"}:
        raise UserError("onboarding.errors.level", field="level")
    fmt = values.get("format", "mixed").strip() or "mixed"
    if fmt not in FORMATS:
        raise UserError("onboarding.errors.choice", field="format")
    when = values.get("time_of_day", "any").strip() or "any"
    if when != "any" and when not in TIMES:
        raise UserError("onboarding.errors.choice", field="time_of_day")
    drops = values.get("drops", "channel").strip() or "channel"
    if drops not in DROP_CHOICES:
        raise UserError("onboarding.errors.choice", field="drops")
    zone = values.get("timezone", "").strip() or None
    if zone is not None:
        zone = check_zone(zone, field="timezone")
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


def check_zone(name: str, **named: str) -> str:
    """The time zone `name` names (see `zone_named`); else a UserError (carrying `named`, say the
    question it answers)."""
    found = zone_named(name)
    if found is None:
        raise UserError("onboarding.errors.timezone", zone=name[:60], **named)
    return found


def without_zone(values: Mapping[str, str]) -> IntakeAnswers:
    """The answers with the time zone left out (the member's own stays as it is)."""
    return parse_answers({**values, "timezone": ""})
