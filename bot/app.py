"""The one composition root: builds storage, services, platforms and the scheduler, and wires them.

Nothing else constructs these. Tests call `build_app` with a fake clock and the memory
platform; `membot run` calls it with real settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock, FakeClock, OffsetClock, SystemClock
from bot.handlers import register_all
from bot.i18n import Catalog
from bot.jobs import all_jobs
from bot.metrics import Metrics
from bot.outbox import DeliveryPolicy, DeliveryWorker, Outbox
from bot.platforms.base import Platform
from bot.ratelimit import RateLimiter
from bot.router import Router
from bot.scheduler import JobScheduler
from bot.services.community import CommunityContext
from bot.services.content import ContentService
from bot.services.membership import MembershipService
from bot.services.onboarding import OnboardingService
from bot.services.presence import Presence
from bot.services.registry import Services
from bot.settings import Settings, SettingsError
from bot.views.common import local_time
from storage.database import Database
from storage.leader import LeaderLock

log = logging.getLogger(__name__)


@dataclass
class App:
    settings: Settings
    clock: Clock
    database: Database
    services: Services
    router: Router
    platforms: dict[str, Platform]
    worker: DeliveryWorker
    scheduler: JobScheduler
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, *, background: bool = True) -> None:
        """Connect the platforms, catch up on due work, then schedule and deliver in the background.

        `background=False` (tests) starts no scheduler or worker: the test drives
        `tick()` and `settle()` itself, so nothing runs behind its back.
        """
        for platform in self.platforms.values():
            await platform.start(self.router.dispatch)
            for workspace in platform.workspaces:
                self.services.presence.add(platform.name, workspace)
        await self.scheduler.run_all()
        if background:
            await self.scheduler.start()
            self._tasks.append(
                asyncio.create_task(self.worker.run(self.services.outbox, self.settings.outbox_poll_seconds))
            )

    async def settle(self) -> int:
        """Deliver everything due now."""
        return await self.worker.drain()

    async def tick(self) -> int:
        """Run every job once, then deliver what they queued."""
        await self.scheduler.run_all()
        return await self.settle()

    async def advance_time(self, delta: timedelta) -> str:
        """Move a fake or offset clock forward, run what became due; returns the new local time."""
        if not isinstance(self.clock, (FakeClock, OffsetClock)):
            raise RuntimeError("only a fake or offset clock can be moved")
        self.clock.advance(delta)
        await self.tick()
        return local_time(self.clock.now(), self.services.community.tz)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.scheduler.stop()
        for platform in self.platforms.values():
            await platform.stop()
        await self.database.dispose()


async def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    platforms: Mapping[str, Platform] | None = None,
    database: Database | None = None,
) -> App:
    """Wire everything. `platforms` overrides the ones the settings would build (tests pass memory)."""
    clock = clock or SystemClock()
    database = database or Database(settings.database_url)
    catalog = Catalog.load(settings.prompts_path)
    community = await CommunityContext.load(database)
    presence = Presence()
    outbox = Outbox(clock)
    services = Services(
        database=database,
        clock=clock,
        catalog=catalog,
        community=community,
        presence=presence,
        outbox=outbox,
        metrics=Metrics(),
        membership=MembershipService(database, outbox, clock, community, catalog),
        content=ContentService(database, outbox, clock, community, presence, catalog),
        onboarding=OnboardingService(database, outbox, clock, community, presence, catalog),
    )
    router = Router()
    register_all(router)
    router.bind(services)

    chosen = dict(platforms) if platforms is not None else build_platforms(settings, community)
    worker = DeliveryWorker(
        database,
        chosen,
        clock,
        RateLimiter(clock),
        policy=DeliveryPolicy(
            batch=settings.outbox_batch,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            max_attempts=settings.outbox_max_attempts,
        ),
    )
    scheduler = JobScheduler(all_jobs(services), community.tz, LeaderLock(database))
    app = App(settings, clock, database, services, router, chosen, worker, scheduler)
    console = chosen.get("console")
    if console is not None and hasattr(console, "bind"):
        console.bind(advance_time=app.advance_time, settle=app.settle)
    return app


def build_platforms(settings: Settings, community: CommunityContext) -> dict[str, Platform]:
    """The adapters the settings ask for. SDK-backed adapters are imported only when chosen."""
    built: dict[str, Platform] = {}
    for name in settings.chosen_platforms():
        if name == "console":
            from bot.platforms.console import ConsolePlatform

            built[name] = ConsolePlatform(creator_name=community.creator_name)
        elif name == "memory":
            from bot.platforms.memory import MemoryPlatform

            built[name] = MemoryPlatform()
        else:
            raise SettingsError(f"MEMBOT_PLATFORMS: the {name} adapter is not available in this build yet")
    return built
