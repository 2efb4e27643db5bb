"""In-process counters the web server can expose; instance state only, never module-level."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Metrics:
    handler_calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    handler_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def observe_handler(self, event_type: str, seconds: float) -> None:
        self.handler_calls[event_type] += 1
        self.handler_seconds[event_type] += seconds
