"""Creator analytics: membership and revenue figures, engagement, cohorts, a forecast and at-risk members.

The service gathers data (bot.notices.analytics); the views word it, draw the charts and lay
out the report. The queries live in storage/repositories/analytics/.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from bot.clock import Clock
from bot.community.schema import Plan
from bot.messages import Target
from bot.notices.analytics import (
    CohortMatrix,
    DropStats,
    EngagementFigures,
    FaqFigures,
    Forecast,
    ForecastInputs,
    LiveStats,
    MembershipFigures,
    MonthPoint,
    Period,
    PersonalNote,
    Report,
    Risk,
    Snapshot,
)
from bot.outbox import Outbox
from bot.services.analytics.cohorts import MAX_MONTHS as MAX_COHORT_MONTHS
from bot.services.analytics.cohorts import cohort_matrix, month_starts
from bot.services.analytics.figures import main_currency, mrr, top_topics, trial_lengths, trial_outcomes
from bot.services.analytics.forecast import MAX_MONTHS as MAX_FORECAST_MONTHS
from bot.services.analytics.forecast import forecast, steady_state
from bot.services.analytics.risk import RiskPolicy, as_member_since, at_risk
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.community import CommunityContext
from bot.services.engagement import EngagementService
from bot.services.engagement.common import tenure_starts
from bot.services.errors import UserError
from bot.services.presence import Presence
from storage.database import Database, Session
from storage.repositories import members
from storage.repositories.analytics import engagement, membership, signals
from storage.repositories.analytics.membership import NamedRow

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
MAX_DAYS = 365
HISTORY_MONTHS = 6
MAX_NOTE = 2000
REPORT_DAYS = 30
REPORT_MONTHS = 12


class AnalyticsService(DomainService):
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        engagement: EngagementService,
        *,
        risk_policy: RiskPolicy | None = None,
    ) -> None:
        super().__init__(database, outbox, clock, community, presence)
        self._engagement = engagement
        self.risk_policy = risk_policy or RiskPolicy()

    @property
    def plans(self) -> tuple[Plan, ...]:
        return self._community.config.plans

    # -- /stats ------------------------------------------------------------------------------

    async def snapshot(self, days: int = DEFAULT_DAYS) -> Snapshot:
        """Every figure for the last `days` days, and the month-by-month history for the chart."""
        if not 1 <= days <= MAX_DAYS:
            raise UserError("analytics.errors.days", max=MAX_DAYS)
        now = self._clock.now()
        return await self._snapshot(Period.last(days, now), history=True)

    async def figures(self, period: Period) -> Snapshot:
        """The figures `/stats` shows for `period`, without the month-by-month history."""
        return await self._snapshot(period, history=False)

    async def _snapshot(self, period: Period, *, history: bool) -> Snapshot:
        async with self._database.session() as session:
            figures = await self._membership(session, period)
            activity = await self._engagement_figures(session, period)
            faq = await self._faq(session, period)
            months = await self._history(session, period.end) if history else ()
        return Snapshot(period, figures, activity, faq, months)

    async def movements(self, period: Period) -> tuple[list[NamedRow], list[NamedRow]]:
        """Who `new` and `churned` count in `period`: the new members, and those who left with the reason."""
        cid = self._community.id
        async with self._database.session() as session:
            joined = await membership.new_member_rows(session, cid, period.start, period.end)
            left = await membership.churned_rows(session, cid, period.start, period.end)
        return joined, left

    async def stopped(self, period: Period) -> list[NamedRow]:
        """Who stopped being a member in `period` without churning: hand-given trials that ran out, pauses."""
        async with self._database.session() as session:
            return await membership.stopped_rows(session, self._community.id, period.start, period.end)

    async def _membership(self, session: Session, period: Period) -> MembershipFigures:
        cid, plans, start, end = self._community.id, self.plans, period.start, period.end
        lengths = trial_lengths(plans)
        churn = await membership.churned(session, cid, start, end)
        return MembershipFigures(
            members=await membership.members_at(session, cid, end),
            members_at_start=await membership.members_at(session, cid, start),
            new=await membership.new_members(session, cid, start, end),
            churned_voluntary=churn.get("voluntary", 0),
            churned_failed_payment=churn.get("failed_payment", 0),
            retained=await membership.retained(session, cid, start, end),
            mrr=mrr(await membership.paying_by_plan(session, cid, lengths, end), plans),
            mrr_at_start=mrr(await membership.paying_by_plan(session, cid, lengths, start), plans),
            founding=await membership.founding_members(session, cid, end),
            trials=trial_outcomes(await membership.trials(session, cid, lengths, start, end), plans, start, end),
            currency=main_currency(plans),
        )

    async def _engagement_figures(self, session: Session, period: Period) -> EngagementFigures:
        cid, end = self._community.id, period.end
        win_back = await self._engagement.nudges.win_back_rate(period.start)
        drops = await engagement.drops(session, cid, period.start, end)
        live = await engagement.live_sessions(session, cid, period.start, end)
        return EngagementFigures(
            weekly_active=await engagement.active_members(session, cid, end - timedelta(days=7), end),
            community_members=await engagement.community_members(session, cid, end),
            drops=tuple(DropStats(d.content_id, d.title, d.published_at, d.opens, d.reactions) for d in drops),
            live=tuple(LiveStats(s.session_id, s.starts_at, s.rsvps, s.attended) for s in live),
            nudges_sent=win_back.sent,
            nudges_won_back=win_back.came_back,
        )

    async def _faq(self, session: Session, period: Period) -> FaqFigures:
        cid = self._community.id
        by_status = await engagement.faq_outcomes(session, cid, period.start, period.end)
        questions = await engagement.unanswered_questions(session, cid, period.start, period.end)
        return FaqFigures(by_status, top_topics(questions))

    async def _history(self, session: Session, now: datetime) -> tuple[MonthPoint, ...]:
        """Members and MRR at the end of each of the last months, and now."""
        cid, plans = self._community.id, self.plans
        bounds = month_starts(now, self._community.tz, HISTORY_MONTHS)
        currency, lengths = main_currency(plans), trial_lengths(plans)
        points = []
        for month_start, month_end in pairwise(bounds):
            at = min(month_end, now)
            label = month_start.astimezone(self._community.tz).strftime("%Y-%m")
            count = await membership.members_at(session, cid, at)
            revenue = mrr(await membership.paying_by_plan(session, cid, lengths, at), plans)
            points.append(MonthPoint(label, at, count, revenue.get(currency, Decimal(0))))
        return tuple(points)

    # -- /stats cohorts and forecast ---------------------------------------------------------

    async def cohorts(self, months: int = 12) -> CohortMatrix:
        async with self._database.session() as session:
            return await cohort_matrix(session, self._community.id, self._clock.now(), self._community.tz, months)

    async def forecast_inputs(self, days: int = DEFAULT_DAYS) -> ForecastInputs:
        """Today's members and revenue per member; new members and churn at the last `days` days' pace, per 30 days."""
        now = self._clock.now()
        period = Period.last(days, now)
        async with self._database.session() as session:
            figures = await self._membership(session, period)
        scale = Decimal(30) / Decimal(days)
        retention = Decimal(figures.retained) / figures.members_at_start if figures.members_at_start else Decimal(1)
        return ForecastInputs(
            members=Decimal(figures.members),
            new_per_month=Decimal(figures.new) * scale,
            churn=min(Decimal(1), (1 - retention) * scale),
            price=figures.revenue_per_member,
        )

    async def forecast(self, months: int = 6) -> Forecast:
        """The next `months` months from now, in the main currency."""
        now = self._clock.now()
        inputs = await self.forecast_inputs()
        rows = tuple(forecast(inputs, months))
        return Forecast(now, inputs, rows, main_currency(self.plans), steady_state(inputs))

    # -- at-risk members ---------------------------------------------------------------------

    async def at_risk(self) -> list[Risk]:
        now = self._clock.now()
        recent_start, window_start, missed_since = self.risk_policy.windows(now)
        async with self._database.session() as session:
            found = await signals.risk_signals(
                session,
                self._community.id,
                now,
                recent_start=recent_start,
                window_start=window_start,
                missed_since=missed_since,
                grace=self._engagement.grace,
            )
            # Counting from their current membership only lowers a score: look up the few flagged.
            risky = {r.member_id for r in at_risk(found, now, self.risk_policy)}
            flagged = [s for s in found if s.member_id in risky]
            starts = await tenure_starts(session, [s.member_id for s in flagged])
        return at_risk([as_member_since(s, starts.get(s.member_id)) for s in flagged], now, self.risk_policy)

    async def member_name(self, member_id: int) -> str:
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            if member is None or member.community_id != self._community.id:
                raise UserError("analytics.errors.no_member")
            return member.display_name

    async def send_note(self, member_id: int, text: str) -> tuple[str, bool]:
        """Queue the creator's personal note to the member's DMs. Returns (their name, whether it could be queued)."""
        note = text.strip()
        if not note:
            raise UserError("analytics.errors.empty_note")
        if len(note) > MAX_NOTE:
            raise UserError("analytics.errors.long_note", count=len(note), limit=MAX_NOTE)
        now = self._clock.now()
        digest = hashlib.sha1(note.encode()).hexdigest()[:16]
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            if member is None or member.community_id != self._community.id or member.left_at is not None:
                raise UserError("analytics.errors.no_member")
            target: Target | None = dm_target(member, self._presence)
            if target is None:
                return member.display_name, False
            # The note invites a reply: once sent, a DM within a day goes to the creator (replies.INVITING).
            key = f"analytics:note:member:{member.id}:{now.date().isoformat()}:{digest}"
            notice = PersonalNote(note, self._community.creator_name, self._community.name)
            await self._outbox.enqueue(session, key, target, notice, reader=self._reader(member), member_id=member.id)
        log.info("personal note queued for member %s", member_id)
        return member.display_name, True

    # -- the report --------------------------------------------------------------------------

    async def report(self) -> Report:
        """What `membot report` writes: the last 30 days' figures, a year of cohorts and of forecast, at-risk members."""
        return Report(
            snapshot=await self.snapshot(REPORT_DAYS),
            cohorts=await self.cohorts(REPORT_MONTHS),
            forecast=await self.forecast(REPORT_MONTHS),
            at_risk=tuple(await self.at_risk()),
        )


__all__ = ["MAX_COHORT_MONTHS", "MAX_FORECAST_MONTHS", "AnalyticsService", "RiskPolicy"]
