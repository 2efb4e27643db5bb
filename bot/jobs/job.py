"""What a job is: a name, what to run, and when (APScheduler triggers).

`firings` lists when a job would have run between two moments, for time that jumps (the
console's `/time +3d`). Cron jobs (drops, the nightly reconcile) fire at each of their times,
and so does every job that runs hourly or less often. A poll (a job that runs more often than
hourly and finds whatever has come due since it last looked) runs fifteen times less often
than in real time, but at least hourly: every minute becomes every 15 minutes (still inside
the tightest deadline, a live session's "we're live" reminder, dropped 15 minutes after the
start), every 5 or 15 minutes becomes hourly; polls also run at the moment the jump ends. A
job can set its own `jump_step`. Interval jobs fire on a grid counted from the Unix epoch, so
cutting a jump into pieces (forty `+1d` or one `+40d`) runs them at the same moments.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

POLL_SLOWDOWN = 15  # a poll runs this many times less often in a jump than in real time ...
SLOWEST_POLL = timedelta(hours=1)  # ... but at least this often
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_FIRINGS = 200_000  # a runaway trigger (every second for a year) stops here rather than hang


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Awaitable[Any]]
    triggers: tuple[BaseTrigger, ...]
    jump_step: timedelta | None = None  # how often it runs in a jump, if not the rule above

    @property
    def polls(self) -> bool:
        """Whether it runs more often than hourly (so also at the very end of a jump)."""
        return any(isinstance(t, IntervalTrigger) and t.interval < SLOWEST_POLL for t in self.triggers)

    def step(self, interval: timedelta) -> timedelta:
        """How often an interval trigger of this job fires in a jump."""
        if self.jump_step is not None:
            return max(self.jump_step, interval)
        if interval >= SLOWEST_POLL:
            return interval
        return min(interval * POLL_SLOWDOWN, SLOWEST_POLL)

    def firings(self, after: datetime, until: datetime) -> list[datetime]:
        """When this job runs in (after, until], in UTC, earliest first, each moment once."""
        moments: set[datetime] = set()
        for trigger in self.triggers:
            moments.update(trigger_firings(trigger, after, until, self.step))
        if self.polls and until > after:
            moments.add(until.astimezone(UTC))
        return sorted(moments)


def trigger_firings(
    trigger: BaseTrigger, after: datetime, until: datetime, step_of: Callable[[timedelta], timedelta]
) -> list[datetime]:
    """A trigger's times in (after, until], in UTC; an interval trigger every `step_of(interval)`."""
    if isinstance(trigger, IntervalTrigger):
        step = step_of(trigger.interval)
        first = EPOCH + ((after - EPOCH) // step + 1) * step
        count = max(0, (until - first) // step + 1)
        return [first + n * step for n in range(min(count, MAX_FIRINGS))]
    found: list[datetime] = []
    previous: datetime | None = None
    moment = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
    while moment is not None and moment <= until and len(found) < MAX_FIRINGS:
        if moment > after:  # a one-off date trigger answers its date whatever `now` is
            found.append(moment.astimezone(UTC))
        previous = moment
        moment = trigger.get_next_fire_time(previous, moment + timedelta(microseconds=1))
    return found
