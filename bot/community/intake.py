"""community.toml's `[intake]`: the intake questions in the creator's own words."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

LEVELS = 5  # content, start paths and the level question all count 1-5


class Intake(BaseModel):
    """The intake questions in the creator's words; any left out keep the built-in wording, in each
    reader's language. `levels` are five, lowest first (content and start paths target 1-5)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    why: str | None = Field(default=None, min_length=1, max_length=200)
    why_hint: str | None = Field(default=None, min_length=1, max_length=150)
    goal: str | None = Field(default=None, min_length=1, max_length=200)
    goal_hint: str | None = Field(default=None, min_length=1, max_length=150)
    level: str | None = Field(default=None, min_length=1, max_length=200)
    levels: tuple[str, ...] | None = None

    @field_validator("levels")
    @classmethod
    def _short_levels(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and len(value) != LEVELS:
            raise ValueError(f"give exactly {LEVELS} levels, lowest first (there are {len(value)})")
        if value is not None and any(not 1 <= len(label.strip()) <= 70 for label in value):
            raise ValueError("each level is 1 to 70 characters (it is a choice in a menu)")
        return value

    def templates(self) -> dict[str, str]:
        """The prompt keys these replace (`Catalog.with_overrides`)."""
        found = {
            f"onboarding.intake.{name}": getattr(self, name)
            for name in ("why", "why_hint", "goal", "goal_hint", "level")
        }
        for number, label in enumerate(self.levels or (), start=1):
            found[f"onboarding.levels.l{number}"] = f"{number}: {label.strip()}"
        return {key: text.strip() for key, text in found.items() if text}
