"""A crash scenario as the harness (the parent) describes it to the target (the child it kills),
and the constants both sides agree on. Kept apart from `crash_target` so the parent does not
import the whole app to describe a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Monday 23 Nov 2026, 11:00 UTC (12:00 in Oslo): outside the sample's quiet hours.
SCENARIO_START = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
WEBHOOK_SECRET = "whsec_crash_harness"


@dataclass(frozen=True)
class Spec:
    """One scenario run, as the parent describes it (JSON on the command line or the zygote's stdin)."""

    scenario: str
    db: str
    workdir: str
    members: int = 300
    offset: float = 0.0  # seconds added to wall time so the app's clock starts at SCENARIO_START
    lease: float = 1.0
    idempotent: bool = False  # the platform honours the outbox token on every send (Discord's nonce)
    history: bool = False  # the platform is searched for the token before a retry (Slack's metadata)
    latency_ms: float = 0.0  # a modelled network round trip: half before the platform accepts a send, half after
    port: int = 0  # the web server (webhook scenario)
    events: int = 0  # how many Stripe events the parent will post (webhook scenario)
    schema: str | None = None  # PostgreSQL: the schema to work in
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def log_path(self) -> Path:
        return Path(self.workdir) / "deliveries.jsonl"

    @property
    def window_path(self) -> Path:
        return Path(self.workdir) / "window.txt"

    @property
    def members_path(self) -> Path:
        return Path(self.workdir) / "members.json"
