"""Creator analytics: membership and revenue figures, engagement, cohorts, a forecast and at-risk members."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Catalog
from bot.messages import Target
from bot.outbox import Outbox
from bot.services.analytics import member_queries, queries
from bot.services.analytics.cohorts import CohortMatrix, cohort_matrix, month_starts
from bot.services.analytics.figures import (
    EngagementFigures,
    FaqFigures,
    MembershipFigures,
    MonthPoint,
    Period,
    Snapshot,
    main_currency,
    mrr,
    top_topics,
    trial_outcomes,
)
from bot.services.analytics.forecast import ForecastInputs, ForecastMonth, forecast
from bot.services.analytics.risk import Risk, RiskPolicy, at_risk
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.community import CommunityContext
from bot.services.engagement import EngagementService
from bot.services.errors import UserError
from bot.services.presence import Presence
from bot.views import analytics as views
from storage.database import Database
from storage.models import Member

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
MAX_DAYS = 365
HISTORY_MONTHS = 6
MAX_NOTE = 2000


class AnalyticsService(DomainService):
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        catalog: Catalog,
        engagement: EngagementService,
        *,
        risk_policy: RiskPolicy | None = None,
    ) -> None:
        super().__init__(database, outbox, clock, community, presence, catalog)
        self._engagement = engagement
        self.risk_policy = risk_policy or RiskPolicy()

    @property
    def plans(self):  # type: ignore[no-untyped-def]
        return self._community.config.plans

    # -- /stats ------------------------------------------------------------------------------

    async def snapshot(self, days: int = DEFAULT_DAYS) -> Snapshot:
        """Every figure for the last `days` days, and the month-by-month history for the chart."""
        if not 1 <= days <= MAX_DAYS:
            raise UserError("analytics.errors.days", max=MAX_DAYS)
        now = self._clock.now()
        period = Period.last(days, now)
        async with self._database.session() as session:
            membership = await self._membership(session, period)
            engagement = await self._engagement_figures(session, period)
            faq = await self._faq(session, period)
            history = await self._history(session, now)
        return Snapshot(period, membership, engagement, faq, history)

    async def _membership(self, session: AsyncSession, period: Period) -> MembershipFigures:
        cid, plans, start, end = self._community.id, self.plans, period.start, period.end
        churn = await queries.churned(session, cid, start, end)
        return MembershipFigures(
            members=await queries.members_at(session, cid, end),
            members_at_start=await queries.members_at(session, cid, start),
            new=await queries.new_members(session, cid, start, end),
            churned_voluntary=churn.get("voluntary", 0),
            churned_failed_payment=churn.get("failed_payment", 0),
            retained=await queries.retained(session, cid, start, end),
            mrr=mrr(await queries.paying_by_plan(session, cid, plans, end), plans),
            mrr_at_start=mrr(await queries.paying_by_plan(session, cid, plans, start), plans),
            founding=await queries.founding_members(session, cid, end),
            trials=trial_outcomes(await queries.trials(session, cid, plans, start, end), plans, start, end),
            currency=main_currency(plans),
        )

    async def _engagement_figures(self, session: AsyncSession, period: Period) -> EngagementFigures:
        cid, end = self._community.id, period.end
        win_back = await self._engagement.nudges.win_back_rate(period.start)
        return EngagementFigures(
            weekly_active=await queries.active_members(session, cid, end - timedelta(days=7), end),
            community_members=await queries.community_members(session, cid),
            drops=tuple(await queries.drops(session, cid, period.start, end)),
            live=tuple(await queries.live_sessions(session, cid, period.start, end)),
            nudges_sent=win_back.sent,
            nudges_won_back=win_back.came_back,
        )

    async def _faq(self, session: AsyncSession, period: Period) -> FaqFigures:
        cid = self._community.id
        by_status = await queries.faq_outcomes(session, cid, period.start, period.end)
        questions = await queries.unanswered_questions(session, cid, period.start, period.end)
        return FaqFigures(by_status, top_topics(questions))

    async def _history(self, session: AsyncSession, now: datetime) -> tuple[MonthPoint, ...]:
        """Members and MRR at the end of each of the last months, and now."""
        bounds = month_starts(now, self._community.tz, HISTORY_MONTHS)
        currency = main_currency(self.plans)
        points = []
        for month_start, month_end in zip(bounds, bounds[1:]):
            at = min(month_end, now)
            label = month_start.astimezone(self._community.tz).strftime("%Y-%m")
            members = await queries.members_at(session, self._community.id, at)
            revenue = mrr(await queries.paying_by_plan(session, self._community.id, self.plans, at), self.plans)
            points.append(MonthPoint(label, at, members, revenue.get(currency, Decimal(0))))
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

    async def forecast(self, months: int = 6) -> tuple[ForecastInputs, list[ForecastMonth]]:
        inputs = await self.forecast_inputs()
        return inputs, forecast(inputs, months)

    # -- at-risk members ---------------------------------------------------------------------

    async def at_risk(self) -> list[Risk]:
        now = self._clock.now()
        async with self._database.session() as session:
            signals = await member_queries.risk_signals(
                session, self._community.id, now, self.risk_policy, self._engagement.grace
            )
        return at_risk(signals, now, self.risk_policy)

    async def member_name(self, member_id: int) -> str:
        async with self._database.session() as session:
            member = await session.get(Member, member_id)
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
            member = await session.get(Member, member_id)
            if member is None or member.community_id != self._community.id or member.left_at is not None:
                raise UserError("analytics.errors.no_member")
            target: Target | None = dm_target(member, self._presence)
            if target is None:
                return member.display_name, False
            t = self._catalog.for_locale(member.locale, self._community.locale)
            # The note invites a reply: once sent, a DM within a day goes to the creator (replies.INVITING).
            key = f"analytics:note:member:{member.id}:{now.date().isoformat()}:{digest}"
            await self._outbox.enqueue(session, key, target, views.personal_note(note, self._community.creator_name, self._community.name, t), member_id=member.id)
        log.info("personal note queued for member %s", member_id)
        return member.display_name, True



__all__ = ["AnalyticsService", "CohortMatrix", "ForecastInputs", "ForecastMonth", "Risk", "Snapshot"]
