"""The creator's weekly briefing: what happened in the last 7 days and what needs them this week, in one DM.

Sent once a week at `[briefing] day` and `time` (community time; Monday 08:00 by default), to
every creator account; `/briefing` shows the same on demand. The figures are `/stats 7`'s
(AnalyticsService.figures over the same period), so the two always agree. Each week's DM has a
dedupe key naming the week, so reruns, restarts and several processes send it once; a bot that
was down at the time catches up within CATCH_UP (outside quiet hours), not later, and not at all for
a week's time before the creator's account existed (a bot first started on a Tuesday).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.community.schema import Briefing as BriefingSettings
from bot.messages import Target
from bot.notices import Reader
from bot.notices.analytics import Period
from bot.notices.briefing import Briefing, ComingDrop, Person, WeeklyBriefing
from bot.notices.content import SlotRunway
from bot.outbox import Outbox
from bot.services.analytics import AnalyticsService
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.billing.access import HOLDS_ACCESS
from bot.services.community import CommunityContext
from bot.services.content import ContentService
from bot.services.engagement.common import tenure_starts
from bot.services.experiments import ExperimentService
from bot.services.faq.inbox import FaqInbox
from bot.services.live import LiveService
from bot.services.presence import Presence
from bot.services.timing import next_send_time
from storage.database import Database, Session
from storage.models import Member
from storage.repositories import members, memberships
from storage.repositories import outbox as outbox_repo
from storage.repositories.analytics import membership as analytics_repo
from storage.repositories.analytics.membership import NamedRow

log = logging.getLogger(__name__)

DAYS = 7  # the briefing looks back a week and ahead a week
CATCH_UP = timedelta(days=2)  # a briefing missed (the bot was down) still goes out this long after its time
ON_TIME = timedelta(hours=1)  # within this of its time it goes at once; later, it waits out quiet hours
INBOX_SHOWN = 3
UPCOMING_LOOKED_AT = 20
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def latest_moment(now: datetime, settings: BriefingSettings, community: CommunityContext) -> datetime:
    """The most recent briefing time at or before `now` (the configured weekday and time, community time)."""
    local = now.astimezone(community.tz)
    back = (local.weekday() - WEEKDAYS.index(settings.day)) % 7
    day = (local - timedelta(days=back)).date()
    moment = datetime.combine(day, settings.time, tzinfo=community.tz)
    if moment > local:
        moment = datetime.combine(day - timedelta(days=7), settings.time, tzinfo=community.tz)
    return moment


def week_key(moment: datetime) -> str:
    """The ISO week of a briefing's local time, e.g. 2026-W48: one briefing per creator per week."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


class BriefingService(DomainService):
    def __init__(
        self,
        database: Database,
        outbox: Outbox,
        clock: Clock,
        community: CommunityContext,
        presence: Presence,
        *,
        analytics: AnalyticsService,
        content: ContentService,
        live: LiveService,
        inbox: FaqInbox,
        experiments: ExperimentService,
    ) -> None:
        super().__init__(database, outbox, clock, community, presence)
        self._analytics = analytics
        self._content = content
        self._live = live
        self._inbox = inbox
        self._experiments = experiments

    @property
    def settings(self) -> BriefingSettings:
        return self._community.config.briefing

    async def build(self) -> Briefing:
        """The briefing as of now: the last 7 days' figures and names, and the coming 7 days."""
        now = self._clock.now()
        period = Period.last(DAYS, now)
        snapshot = await self._analytics.figures(period)
        joined, left = await self._analytics.movements(period)
        stopped = await self._analytics.stopped(period)
        goals = await self._goals([row.member_id for row in joined])
        back = await self._back([row.member_id for row in left])
        returned = tuple(p for p in await self._returned(period) if p.member_id not in {r.member_id for r in joined})
        inbox, inbox_total = await self._inbox.pending(INBOX_SHOWN)
        runway = await self._content.runway()
        return Briefing(
            community=self._community.name,
            period=period,
            membership=snapshot.membership,
            engagement=snapshot.engagement,
            faq=snapshot.faq,
            joined=tuple(Person(r.member_id, r.name, goals.get(r.member_id, "")) for r in joined),
            canceled=_people(left, "voluntary", back),
            failed_payment=_people(left, "failed_payment", back),
            at_risk=tuple(await self._analytics.at_risk()),
            inbox=tuple(inbox),
            inbox_total=inbox_total,
            drops=await self._coming_drops(runway, now),
            live=tuple(
                u
                for u in await self._live.upcoming(limit=UPCOMING_LOOKED_AT)
                if u.session.starts_at <= now + timedelta(days=DAYS)
            ),
            runway=runway,
            experiments=tuple(
                r for r in await self._experiments.results() if r.ended_at is None or r.ended_at > period.start
            ),
            returned=returned,
            trial_ended=_people(stopped, "expired", set()),
            paused=_people(stopped, "paused", set()),
        )

    async def _returned(self, period: Period) -> tuple[Person, ...]:
        """Who came back this week: their current membership began then, after a break (`tenure_starts`:
        a plan switch a day or less after the last one ended is the same membership)."""
        async with self._database.session() as session:
            ids = await analytics_repo.restarted_ids(session, self._community.id, period.start, period.end)
            began = await tenure_starts(session, ids)
            found = []
            for member_id in ids:
                member = await session.get(Member, member_id)
                start = began.get(member_id)
                if member is not None and start is not None and period.start < start <= period.end:
                    found.append(Person(member_id, member.display_name))
            return tuple(found)

    async def _back(self, member_ids: list[int]) -> set[int]:
        """Of those who left this week, who holds a membership again: one that gives access (an unpaid
        or paused subscription is not ended, but is not a return)."""
        async with self._database.session() as session:
            back = set()
            for mid in member_ids:
                current = await members.current_membership(session, mid)
                if current is not None and current[0].status in HOLDS_ACCESS:
                    back.add(mid)
            return back

    async def _goals(self, member_ids: list[int]) -> dict[int, str]:
        """Each new member's intake goal, where they gave one."""
        async with self._database.session() as session:
            prefs = await members.preferences_for(session, member_ids)
        return {mid: str((p.answers or {}).get("goal") or "") for mid, p in prefs.items()}

    async def _coming_drops(self, runway: tuple[SlotRunway, ...], now: datetime) -> tuple[ComingDrop, ...]:
        """Drops due in the coming week: those the slots will send (queued ones included) and any scheduled by hand."""
        until = now + timedelta(days=DAYS)
        found: dict[int, ComingDrop] = {}
        for slot in runway:
            for queued in slot.queued:
                if now < queued.at <= until:
                    found.setdefault(queued.item.id, ComingDrop(queued.item, queued.at))
        for item in await self._content.upcoming(limit=UPCOMING_LOOKED_AT):
            if item.publish_at is not None and now < item.publish_at <= until:
                found.setdefault(item.id, ComingDrop(item, item.publish_at))
        return tuple(sorted(found.values(), key=lambda d: (d.at, d.item.id)))

    # -- the weekly DM -----------------------------------------------------------------------

    async def send_due(self) -> int:
        """Queue this week's briefing to each creator account once its time has come. Returns how many were queued."""
        settings = self.settings
        if not settings.enabled:
            return 0
        now = self._clock.now()
        moment = latest_moment(now, settings, self._community)
        if now - moment > CATCH_UP:
            return 0
        week = week_key(moment)
        async with self._database.session() as session:
            creators = await self._creator_targets(session)
            keys = {creator.id: f"briefing:{week}:creator:{creator.id}" for creator, _ in creators}
            done = await outbox_repo.existing_keys(session, list(keys.values()))
        # A week that ended before the creator's account existed (the bot started on a Tuesday) is not
        # caught up: that briefing was never missed, the bot was not there yet.
        waiting = [
            (creator, target)
            for creator, target in creators
            if keys[creator.id] not in done and creator.joined_at <= moment
        ]
        if not waiting:
            return 0
        notice = WeeklyBriefing(await self.build())
        late = now - moment > ON_TIME
        at = next_send_time(now, zone=self._community.tz, quiet=self._community.config.quiet_hours) if late else now
        queued = 0
        async with self._database.session() as session:
            for creator, target in waiting:
                queued += bool(
                    await self._outbox.enqueue(
                        session,
                        keys[creator.id],
                        target,
                        notice,
                        reader=Reader((creator.locale, self._community.locale), self._community.tz.key),
                        member_id=creator.id,
                        not_before=at if at > now else None,
                    )
                )
        log.info("weekly briefing %s queued for %d creator account(s)", week, queued)
        return queued

    async def _creator_targets(self, session: Session) -> list[tuple[Member, Target]]:
        """Each creator account's DMs on a platform this process serves (one per account)."""
        found: list[tuple[Member, Target]] = []
        for creator in await memberships.creators(session, self._community.id):
            target = dm_target(creator, self._presence)
            if target is not None and all(target != t for _, t in found):
                found.append((creator, target))
        return found


def _people(rows: list[NamedRow], reason: str, back: set[int]) -> tuple[Person, ...]:
    return tuple(Person(r.member_id, r.name, back=r.member_id in back) for r in rows if r.reason == reason)
