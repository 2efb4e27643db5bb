"""`[[experiments]]` in community.toml: A/B tests of the copy a member receives.

An experiment names the message it varies (`welcome`, `onboarding:<step id>`, `checkin:<day>` or
`teaser:<content slug>`), two or more variants with weights, and the outcome it is judged by.
A check-in may hold one variant back (`holdout = true`: send nothing) to measure the check-in itself.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.community.checks import check_placeholders

SLUG = r"^[a-z0-9][a-z0-9-]{0,38}$"  # short: a button carries "<experiment>:<variant>" in 80 characters
MESSAGE = r"^(welcome|onboarding:[a-z0-9][a-z0-9-]{0,79}|checkin:[0-9]{1,3}|teaser:[a-z0-9][a-z0-9-]{0,79})$"
OUTCOMES = ("came-back-7d", "posted-7d", "opened-drop", "member-30d", "member-60d", "member-90d")
Outcome = Literal["came-back-7d", "posted-7d", "opened-drop", "member-30d", "member-60d", "member-90d"]
PLACEHOLDERS = frozenset({"name", "creator", "community"})


class Variant(BaseModel):
    """One version of the message: `text` replaces the message's words (a welcome's or step's body, a
    check-in's note or opening line, a drop's teaser); `title` replaces an onboarding step's title."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=SLUG)
    text: str = Field(default="", max_length=3000)
    title: str = Field(default="", max_length=150)
    weight: float = Field(default=1.0, gt=0, le=1000)
    holdout: bool = False  # send nothing (check-ins only)

    @field_validator("text", "title")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        return check_placeholders(value, PLACEHOLDERS)

    @model_validator(mode="after")
    def _words_or_holdout(self) -> Variant:
        if self.holdout and (self.text or self.title):
            raise ValueError(f"variant {self.key!r} holds the message back, so it takes no text or title")
        if not self.holdout and not self.text.strip():
            raise ValueError(f"variant {self.key!r} needs a `text` (or `holdout = true` on a check-in)")
        return self


class Experiment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=SLUG)
    name: str = Field(default="", max_length=100)  # how the creator sees it; empty: the key
    message: str = Field(pattern=MESSAGE)
    outcome: Outcome
    min_sample: int = Field(default=100, ge=10, le=1_000_000)  # measured members per variant before a call
    # at least two, checked below: a length check here would also fire when one variant has a typo
    variants: tuple[Variant, ...] = Field(max_length=6)

    @property
    def title(self) -> str:
        return self.name or self.key

    @property
    def kind(self) -> str:
        """What is varied: welcome, onboarding, checkin or teaser."""
        return self.message.split(":")[0]

    @property
    def target(self) -> str:
        """The step id, check-in day or content slug after the colon ("" for the welcome)."""
        return self.message.partition(":")[2]

    @model_validator(mode="after")
    def _variants_fit(self) -> Experiment:
        if len(self.variants) < 2:
            raise ValueError("an experiment needs at least two variants ([[experiments.variants]])")
        keys = [v.key for v in self.variants]
        if len(set(keys)) != len(keys):
            raise ValueError("variant keys must be unique within an experiment")
        if any(v.holdout for v in self.variants) and self.kind != "checkin":
            raise ValueError("only a check-in can hold a variant back (`holdout = true`)")
        if sum(not v.holdout for v in self.variants) == 0:
            raise ValueError("at least one variant must send something")
        if any(v.title for v in self.variants) and self.kind != "onboarding":
            raise ValueError("only an onboarding step has a `title` to vary")
        return self
