"""The one composition root: builds storage, services, platforms and the scheduler, and wires them.

Nothing else constructs these. Tests call `build_app` with a fake clock and the memory
platform; `membot run` calls it with real settings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.adapters import build_platforms, stripe_gateway
from bot.clock import Clock, FakeClock, OffsetClock, SystemClock
from bot.handlers import register_all
from bot.health import HealthCheck
from bot.i18n import Catalog
from bot.integrations import answer_judge, answer_writer, faq_encoder
from bot.jobs import all_jobs
from bot.metrics import Metrics, MetricsAccess
from bot.outbox import DeliveryPolicy, DeliveryWorker, Outbox
from bot.ports import Platform
from bot.router import Router
from bot.scheduler import LEADER_RETRY_SECONDS, JobScheduler
from bot.send_budget import build_limiter
from bot.services.analytics import AnalyticsService
from bot.services.announcements import AnnouncementService
from bot.services.billing.service import BillingConfig, BillingService
from bot.services.briefing import BriefingService
from bot.services.community import CommunityContext
from bot.services.content import ContentService
from bot.services.engagement import EngagementService
from bot.services.experiments import ExperimentService
from bot.services.faq.answers import AnswerService
from bot.services.feedback import FeedbackService
from bot.services.form_drafts import FormDrafts
from bot.services.inbound import InboundQueue
from bot.services.linking import LinkingService
from bot.services.live import LiveService
from bot.services.live.calendar_sync import CalendarSync
from bot.services.member import MemberPages
from bot.services.membership import MembershipService
from bot.services.onboarding import OnboardingService
from bot.services.polls import PollService
from bot.services.preferences import PreferencesService
from bot.services.presence import Presence
from bot.services.privacy import PrivacyService
from bot.services.referrals import ReferralService
from bot.services.registry import Services
from bot.settings import Settings
from bot.views.common import local_time
from bot.views.notices import NoticeViews
from bot.web import WebServer
from storage.database import Database
from storage.leader import LeaderLock

log = logging.getLogger(__name__)

LOCAL_PLATFORMS = ("console", "memory")  # no web server just for /metrics
STRIPE_EVENTS_POLL_SECONDS = 5.0  # the webhook wakes the event worker; this is the fallback
INBOUND_REPLAY_SECONDS = 15.0  # how often unfinished inbound events (of a process that died) are looked for


@dataclass
class App:
    settings: Settings
    clock: Clock
    database: Database
    outbox: Outbox
    services: Services
    router: Router
    platforms: dict[str, Platform]
    worker: DeliveryWorker
    scheduler: JobScheduler
    web: WebServer
    leader_retry_seconds: float = LEADER_RETRY_SECONDS  # followers try for the scheduler lock this often
    inbound_replay_seconds: float = INBOUND_REPLAY_SECONDS
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _delivery: asyncio.Task[None] | None = None  # the worker's task, among `_tasks`
    _stop_delivery: asyncio.Event = field(default_factory=asyncio.Event)  # set: it ends after its round
    caught_up: asyncio.Event = field(default_factory=asyncio.Event)  # every job has run once since start

    async def start(self, *, background: bool = True, catch_up_first: bool = False) -> None:
        """Connect the platforms, then catch up on due work (every job once) and schedule it.

        In the background (a deployment) the web server and the delivery worker start at once
        and the catch-up runs behind them, so a restart answers health checks and delivers
        what is queued while a large community's jobs catch up; `caught_up` is set when they
        have. `catch_up_first` (the console) finishes the catch-up before returning.
        `background=False` (tests) starts no scheduler or worker: the test drives
        `tick()` and `settle()` itself, so nothing runs behind its back.
        """
        for platform in self.platforms.values():
            await platform.start(self.router.dispatch)
            for workspace in platform.workspaces:
                self.services.presence.add(platform.name, workspace)
        await self.services.membership.know_creators(self.services.presence.spaces)
        await self.router.replay_unfinished()  # what a crashed predecessor acknowledged but never finished
        if not background or catch_up_first:
            await self._catch_up()
        if not background:
            return
        self._tasks.append(asyncio.create_task(self.services.answers.knowledge.warm_up()))
        if self.web.has_routes:
            await self.web.start()
        self._tasks.append(asyncio.create_task(self._replay_forever()))
        self._stop_delivery = asyncio.Event()
        self._delivery = asyncio.create_task(
            self.worker.run(self.outbox, self.settings.outbox_poll_seconds, until=self._stop_delivery)
        )
        self._tasks.append(self._delivery)
        if self.services.billing.paid:
            self._tasks.append(
                asyncio.create_task(self.services.billing.run_events_forever(STRIPE_EVENTS_POLL_SECONDS))
            )
        self._tasks.append(asyncio.create_task(self._schedule()))

    async def _catch_up(self) -> None:
        if not self.caught_up.is_set():
            await self.scheduler.run_all()
            self.caught_up.set()

    async def _schedule(self) -> None:
        """Catch up, then run the jobs on their schedule (if this process leads) for good."""
        await self._catch_up()
        try:
            await self.scheduler.start()
        except Exception:  # the database went away meanwhile: the next election beat tries again
            log.exception("could not try for the scheduler lock; trying again in %.0f s", self.leader_retry_seconds)
        await self.scheduler.keep_leader(self.clock, self.leader_retry_seconds)

    async def settle(self) -> int:
        """Deliver everything due now."""
        return await self.worker.drain()

    async def tick(self) -> int:
        """Finish unfinished inbound events, run every job once, then deliver what they queued."""
        await self.router.replay_unfinished()
        await self.scheduler.run_all()
        return await self.settle()

    async def _replay_forever(self) -> None:
        while True:
            await self.clock.sleep(self.inbound_replay_seconds)
            try:
                await self.router.replay_unfinished()
            except Exception:
                log.exception("replaying unfinished inbound events failed")

    async def advance_time(self, delta: timedelta, on_step: Callable[[str], None] | None = None) -> str:
        """Move a fake or offset clock forward as real time would pass: every job runs at each moment
        it would have run on the way, and what it queued is delivered then (JobScheduler.walk).
        `on_step` hears each stop's local time. Returns the new local time."""
        if not isinstance(self.clock, (FakeClock, OffsetClock)):
            raise RuntimeError("only a fake or offset clock can be moved")
        tz = self.services.community.tz
        stop = None if on_step is None else (lambda moment: on_step(local_time(moment, tz)))
        idle = _QuietOutbox()
        await self.scheduler.walk(self.clock, delta, settle=lambda: self._settle_if_due(idle), on_step=stop)
        await self.router.replay_unfinished()
        await self.settle()
        return local_time(self.clock.now(), tz)

    async def _settle_if_due(self, idle: _QuietOutbox) -> int:
        """`settle` during a walk, skipped while nothing was queued since the last one and no row has come
        due: a month of stops would otherwise ask the database thousands of times for nothing."""
        quiet = idle.next_due is None or self.clock.now() < idle.next_due
        if self.outbox.enqueued == idle.seen and quiet:
            return 0
        delivered = await self.settle()
        idle.seen, idle.next_due = self.outbox.enqueued, await self.worker.next_due()
        return delivered

    async def stop(self) -> None:
        """Stop everything, each step bounded: a stuck step is logged and shutdown goes on.
        Delivery first finishes the round it is in; the other background tasks are cancelled."""
        if self._delivery is not None:
            self._stop_delivery.set()
            self.outbox.wake()
            await _bounded("delivery", asyncio.wait({self._delivery}))
            self._delivery = None
        for task in self._tasks:
            task.cancel()
        await _bounded("background tasks", asyncio.gather(*self._tasks, return_exceptions=True))
        self._tasks.clear()
        await _bounded("web server", self.web.stop())
        await _bounded("billing", self.services.billing.close())
        await _bounded("answers", self.services.answers.aclose())
        await _bounded("scheduler", self.scheduler.stop())
        for name, platform in self.platforms.items():
            await _bounded(f"platform {name}", platform.stop())
        await _bounded("database", self.database.dispose())


SHUTDOWN_STEP_SECONDS = 10.0


@dataclass
class _QuietOutbox:
    """What a walk knows of the outbox since it last delivered: rows queued by then, the next row due."""

    seen: int = -1  # no delivery round yet: the first stop always delivers
    next_due: datetime | None = None


async def _bounded(step: str, work: Awaitable[Any]) -> None:
    try:
        async with asyncio.timeout(SHUTDOWN_STEP_SECONDS):
            await work
    except TimeoutError:
        log.error("shutdown: %s did not finish within %.0f s; going on", step, SHUTDOWN_STEP_SECONDS)


async def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    platforms: Mapping[str, Platform] | None = None,
    database: Database | None = None,
    catalog: Catalog | None = None,
) -> App:
    """Wire everything. `platforms` and `catalog` override what the settings would build or read."""
    clock = clock or SystemClock()
    database = database or Database(settings.database_url)
    community = await CommunityContext.load(database, settings.community_slug)
    catalog = (catalog or Catalog.load(settings.prompts_path)).with_overrides(community.config.intake.templates())
    presence = Presence()
    outbox = Outbox(clock, NoticeViews(catalog))
    membership = MembershipService(database, outbox, clock, community)
    grace = timedelta(days=settings.grace_days)  # a late payment keeps someone a member this long
    engagement = EngagementService(database, outbox, clock, community, presence, grace=grace)
    billing = BillingService(
        database,
        outbox,
        clock,
        community,
        presence,
        membership,
        BillingConfig(settings.public_url, settings.grace_days, settings.revoke_mode),
        stripe_gateway(settings),
    )
    content = ContentService(database, outbox, clock, community, presence, grace=grace)
    live = LiveService(database, outbox, clock, community, presence)
    answers = AnswerService(
        database,
        outbox,
        clock,
        community,
        presence,
        writer=answer_writer(settings, community),
        judge=answer_judge(settings, community),
        encoder=faq_encoder(settings),
    )
    analytics = AnalyticsService(database, outbox, clock, community, presence, engagement)
    experiments = ExperimentService(database, outbox, clock, community, presence, grace=grace)
    briefing = BriefingService(
        database,
        outbox,
        clock,
        community,
        presence,
        analytics=analytics,
        content=content,
        live=live,
        inbox=answers.inbox,
        experiments=experiments,
    )
    services = Services(
        clock=clock,
        catalog=catalog,
        community=community,
        presence=presence,
        metrics=Metrics(),
        membership=membership,
        billing=billing,
        content=content,
        engagement=engagement,
        live=live,
        onboarding=OnboardingService(database, outbox, clock, community, presence, grace=grace),
        preferences=PreferencesService(database, clock, catalog.locales),
        member_pages=MemberPages(database, community),
        linking=LinkingService(database, clock),
        calendar=CalendarSync(database, clock, community),
        privacy=PrivacyService(database, outbox, clock, community, presence, billing, settings.privacy_stripe),
        announcements=AnnouncementService(database, outbox, clock, community, presence, grace=grace),
        polls=PollService(database, outbox, clock, community, presence),
        feedback=FeedbackService(database, outbox, clock, community, presence),
        referrals=ReferralService(database, outbox, clock, community, presence),
        answers=answers,
        analytics=analytics,
        briefing=briefing,
        experiments=experiments,
        forms=FormDrafts(clock),
    )
    router = Router()
    register_all(router)
    router.bind(services, InboundQueue(database, outbox, clock))
    router.inbound_lease = timedelta(seconds=settings.outbox_lease_seconds)  # a handler's lease, like a delivery's

    web = WebServer(settings.port, health=HealthCheck(database, clock).report)
    chosen = dict(platforms) if platforms is not None else build_platforms(settings, services, router, web)
    billing.bind_platforms(chosen)
    services.calendar.bind_platforms(chosen)
    if billing.inbox is not None and settings.stripe_webhook_secret is not None:
        from bot.handlers.billing import add_routes

        add_routes(web, billing.inbox, clock)
    limiter = build_limiter(settings.send_budget, database, clock)
    worker = DeliveryWorker(
        database,
        chosen,
        clock,
        limiter,
        policy=DeliveryPolicy(
            batch=settings.outbox_batch,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            max_attempts=settings.outbox_max_attempts,
        ),
    )
    services.metrics.watch_delivery(lambda: worker.stats, limiter)
    services.metrics.serve(
        web,
        database,
        start_server=any(name not in LOCAL_PLATFORMS for name in chosen),
        access=MetricsAccess.from_settings(settings),
    )
    scheduler = JobScheduler(all_jobs(services), community.tz, LeaderLock(database))
    app = App(settings, clock, database, outbox, services, router, chosen, worker, scheduler, web)
    console = chosen.get("console")
    if console is not None and hasattr(console, "bind"):
        console.bind(advance_time=app.advance_time, settle=app.settle)
    return app
