"""The inactivity-nudge policy: which steps, after how many quiet days, and how often at most.

Read from the community's `[nudges]` table when it has one; the defaults below otherwise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any, Literal

NudgeKind = Literal["missed", "note", "creator"]
NUDGE_KINDS: tuple[str, ...] = ("missed", "note", "creator")


@dataclass(frozen=True)
class NudgeStage:
    """After `day` quiet days: `missed` (what you missed), `note` (from the creator) or `creator` (the list)."""

    day: int
    send: str

    def __post_init__(self) -> None:
        if self.send not in NUDGE_KINDS:
            raise ValueError(f"nudge step {self.day}: send must be one of {', '.join(NUDGE_KINDS)}")
        if self.day < 1:
            raise ValueError("a nudge step needs at least one quiet day")

    @property
    def key(self) -> str:
        return f"day-{self.day}"

    @property
    def to_member(self) -> bool:
        return self.send != "creator"


DEFAULT_STAGES = (NudgeStage(10, "missed"), NudgeStage(21, "note"), NudgeStage(30, "creator"))


@dataclass(frozen=True)
class NudgePolicy:
    enabled: bool = True
    stages: tuple[NudgeStage, ...] = DEFAULT_STAGES
    min_gap: timedelta = timedelta(days=7)  # at most one member-facing nudge per member per gap
    win_back: timedelta = timedelta(days=7)  # activity within this long after a nudge counts as a win-back
    creator_time: time = time(9, 0)  # the creator's list arrives at this community-local time
    note: str = ""  # the creator's own words for the personal note; empty: the template's
    max_listed: int = 5  # drops listed in "what you missed"

    def __post_init__(self) -> None:
        days = [s.day for s in self.stages]
        if len(set(days)) != len(days):
            raise ValueError("nudge steps need distinct days")
        object.__setattr__(self, "stages", tuple(sorted(self.stages, key=lambda s: s.day)))

    @property
    def member_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.stages if s.to_member)

    def later_keys(self, stage: NudgeStage) -> tuple[str, ...]:
        """This stage and every later one: once any of them went out, this one is done for the stretch."""
        return tuple(s.key for s in self.stages if s.day >= stage.day)

    def next_stage(self, stage: NudgeStage) -> NudgeStage | None:
        return next((s for s in self.stages if s.day > stage.day), None)

    @property
    def signature(self) -> str:
        """The steps, as stored beside the members' nudge checks: when they change, every check is redone."""
        return ",".join(f"{s.day}:{s.send}" for s in self.stages)

    def pending(self, *, had: Collection[str], wants: bool) -> NudgeStage | None:
        """The first stage a member can still have this stretch: after every stage they `had` (a later
        one rules out an earlier one), and only the creator's list for a member who `wants` no check-ins."""
        furthest = max((s.day for s in self.stages if s.key in had), default=0)
        return next((s for s in self.stages if s.day > furthest and (wants or not s.to_member)), None)

    @classmethod
    def from_config(cls, config: Any) -> NudgePolicy:
        """From `CommunityFile.nudges` once the schema has it; the defaults until then."""
        section = getattr(config, "nudges", None)
        if section is None:
            return cls()
        return cls(
            enabled=section.enabled,
            stages=tuple(NudgeStage(step.day, step.send) for step in section.steps),
            min_gap=timedelta(days=section.min_gap_days),
            win_back=timedelta(days=section.win_back_days),
            creator_time=section.creator_time,
            note=section.note,
        )
