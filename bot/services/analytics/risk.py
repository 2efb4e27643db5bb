"""At-risk members: a score out of 100 from signals the creator can check, each with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.notices.analytics import Reason, Risk
from storage.repositories.analytics.signals import MemberSignals


@dataclass(frozen=True)
class RiskPolicy:
    recent_days: int = 14  # "lately"
    baseline_days: int = 56  # the weeks before "lately": the member's own usual
    min_baseline_days: int = 14  # too new to have a usual below this
    min_expected: float = 2.0  # a usual of fewer actions per `recent_days` is too little to fall
    falling_from: float = 0.5  # activity down by at least this share counts
    falling_points: int = 40  # at a 100% drop; scaled by the drop
    quiet_from_days: int = 7  # one point per quiet day from here...
    long_quiet_days: int = 21  # ...until three weeks, which is at risk on its own:
    long_quiet_points: int = 40  # this many points, and one more per day after it
    quiet_points_max: int = 60
    never_engaged_days: int = 7  # a member this long who never took part (posted, reacted, opened, asked, RSVP'd)
    never_engaged_points: int = 40  # is at risk on its own
    missed_live_points: int = 10
    missed_live_max: int = 20
    missed_live_days: int = 60
    past_due_points: int = 25
    at_risk_from: int = 40

    def windows(self, now: datetime) -> tuple[datetime, datetime, datetime]:
        """Where "lately" starts, where the baseline before it starts, and since when missed live sessions count."""
        recent_start = now - timedelta(days=self.recent_days)
        return (
            recent_start,
            recent_start - timedelta(days=self.baseline_days),
            now - timedelta(days=self.missed_live_days),
        )


def baseline_span(signals: MemberSignals, now: datetime, policy: RiskPolicy) -> float:
    """Days of the baseline window the member was around for."""
    window_end = now - timedelta(days=policy.recent_days)
    window_start = window_end - timedelta(days=policy.baseline_days)
    start = max(window_start, signals.joined_at)
    return max(0.0, (window_end - start).total_seconds() / 86400)


def quiet_points(days: int, policy: RiskPolicy) -> int:
    """A point a day from `quiet_from_days`; from `long_quiet_days` on, at least `long_quiet_points`."""
    if days < policy.quiet_from_days:
        return 0
    if days < policy.long_quiet_days:
        return days
    return min(policy.quiet_points_max, policy.long_quiet_points + days - policy.long_quiet_days)


def score(signals: MemberSignals, now: datetime, policy: RiskPolicy = RiskPolicy()) -> Risk:
    reasons: list[Reason] = []
    span = baseline_span(signals, now, policy)
    if span >= policy.min_baseline_days:
        expected = signals.earlier * policy.recent_days / span
        if expected >= policy.min_expected:
            drop = max(0.0, 1 - signals.recent / expected)
            if drop >= policy.falling_from:
                reasons.append(
                    Reason(
                        "falling",
                        round(policy.falling_points * drop),
                        {
                            "percent": round(drop * 100),
                            "recent": signals.recent,
                            "usual": round(expected, 1),
                            "days": policy.recent_days,
                        },
                    )
                )
    quiet = (now - (signals.last_active_at or signals.joined_at)).days
    if quiet >= policy.quiet_from_days:
        reasons.append(Reason("quiet", quiet_points(quiet, policy), {"days": quiet}))
    member_for = (now - signals.joined_at).days
    if not signals.engaged and member_for >= policy.never_engaged_days:
        reasons.append(Reason("never_engaged", policy.never_engaged_points, {"days": member_for}))
    if signals.missed_live:
        points = min(policy.missed_live_max, policy.missed_live_points * signals.missed_live)
        reasons.append(Reason("missed_live", points, {"count": signals.missed_live}))
    if signals.past_due_since is not None:
        reasons.append(Reason("past_due", policy.past_due_points, {"days": (now - signals.past_due_since).days}))
    total = min(100, sum(r.points for r in reasons))
    return Risk(signals.member_id, signals.name, total, tuple(sorted(reasons, key=lambda r: -r.points)))


def as_member_since(signals: MemberSignals, tenure_start: datetime | None) -> MemberSignals:
    """Judged on their current membership: for someone who arrived before it (a newcomer who joined
    later, or a member who left and came back), the time before it is neither quiet nor not taking part."""
    if tenure_start is None or tenure_start <= signals.joined_at:
        return signals
    last = signals.last_active_at
    return replace(signals, joined_at=tenure_start, last_active_at=last if last and last >= tenure_start else None)


def at_risk(members: Iterable[MemberSignals], now: datetime, policy: RiskPolicy = RiskPolicy()) -> list[Risk]:
    """Members at or above the threshold, highest score first (then by id)."""
    scored = (score(m, now, policy) for m in members)
    return sorted((r for r in scored if r.score >= policy.at_risk_from), key=lambda r: (-r.score, r.member_id))
