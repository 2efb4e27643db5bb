"""Each membership's next drip check (`Membership.drip_check_at`, issue 19): a drip run reads only
memberships whose check has come, sets the next one, and a change of steps looks at everyone in
the drip again."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.community.loader import load_community
from bot.platforms.memory import MemoryPlatform
from bot.services.community import CommunityContext
from bot.services.importer import import_community
from storage.models import Membership, OnboardingProgress
from storage.repositories import onboarding as repo
from tests.kits.members import become_member, member_id


async def membership_of(app: App, mid: int) -> tuple[datetime, datetime | None]:
    async with app.database.session() as session:
        row = (
            await session.execute(
                select(Membership.started_at, Membership.drip_check_at).where(Membership.member_id == mid)
            )
        ).one()
    return row[0], row[1]


async def steps_of(app: App, mid: int) -> set[str]:
    async with app.database.session() as session:
        found = await session.scalars(select(OnboardingProgress.step_id).where(OnboardingProgress.member_id == mid))
        return set(found.all())


async def checks_due(app: App, now: datetime) -> list[repo.DripCheck]:
    async with app.database.session() as session:
        page, _ = await repo.due_checks(session, app.services.community.id, now, None, 100)
    return page


async def test_a_run_sets_the_next_check_at_the_next_step_and_an_idle_run_reads_nobody(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await become_member(memory, "u1", "Dana")
    mid = await member_id(app, "u1")
    started, check = await membership_of(app, mid)
    assert check == started  # the welcome and the day-0 step are due from the start

    clock.advance(timedelta(hours=2, minutes=5))  # the day-0 step and the quick win
    await app.services.onboarding.send_due_steps()
    assert {"start-here", "quick-win"} <= await steps_of(app, mid)
    _, check = await membership_of(app, mid)
    assert check == started + timedelta(days=1)  # introduce-yourself, the next step
    assert await checks_due(app, clock.now()) == []

    clock.set(started + timedelta(days=1, minutes=1))
    await app.services.onboarding.send_due_steps()
    assert "introduce-yourself" in await steps_of(app, mid)
    _, check = await membership_of(app, mid)
    assert check == started + timedelta(days=3)


async def test_a_step_added_later_reaches_members_still_in_the_drip_on_its_day(
    app: App, memory: MemoryPlatform, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    await become_member(memory, "u1", "Dana")
    mid = await member_id(app, "u1")
    started, _ = await membership_of(app, mid)
    clock.set(started + timedelta(days=1, minutes=1))
    await app.services.onboarding.send_due_steps()
    assert (await membership_of(app, mid))[1] == started + timedelta(days=3)

    edited = tmp_path / "edited"
    shutil.copytree(community_path, edited)
    toml = edited / "community.toml"
    toml.write_text(
        toml.read_text() + '\n[[onboarding.steps]]\nid = "new-day-2"\nday = 2\ntitle = "New"\nbody = "Hi"\n'
    )
    await import_community(app.database, load_community(edited), clock.now())
    app.services.onboarding._community = await CommunityContext.load(app.database)  # what a restart does

    clock.set(started + timedelta(days=2, minutes=1))
    await app.services.onboarding.send_due_steps()
    assert "new-day-2" in await steps_of(app, mid)  # on day 2, not when the old check (day 3) came
