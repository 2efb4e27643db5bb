"""Every kind of message an experiment can vary, in a running app (SQLite and PostgreSQL): an onboarding
step, a check-in with a holdout that sends nothing (and is not counted as a win-back try), and the teaser
of a drop that members get by DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.services.experiments.assignment import pick
from bot.settings import Settings
from storage.database import Database
from storage.models import MemberPreferences, Nudge
from storage.repositories.engagement import nudges as nudge_repo
from tests.conftest import make_app
from tests.experiments.test_experiments import skip, with_experiments
from tests.kits.members import become_member, member_id

SEVERAL = """
[[experiments]]
key = "hello-step"
message = "onboarding:introduce-yourself"
outcome = "posted-7d"

[[experiments.variants]]
key = "original"
title = "Say hello to the club"
text = "{name}, the fastest way to feel at home here is a short hello in #welcome."

[[experiments.variants]]
key = "question"
title = "One question for you, {name}"
text = "What do you sell, and to whom? Tell us in #welcome: {creator} reads every answer."

[[experiments]]
key = "day-10"
message = "checkin:10"
outcome = "came-back-7d"

[[experiments.variants]]
key = "short"
text = "{name}, it's been a while! Here is what {community} shared since:"

[[experiments.variants]]
key = "nothing"
holdout = true

[[experiments]]
key = "first-drop"
message = "teaser:w1-find-your-one-customer"
outcome = "opened-drop"

[[experiments.variants]]
key = "plain"
text = "Ten minutes to name the one customer you serve best."

[[experiments.variants]]
key = "curious"
text = "Most of us sell to everyone, so we reach no one. Here is the way out."
"""
PEOPLE = [f"u{n}" for n in range(10)]


@pytest.fixture
async def lab(
    db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path, tmp_path: Path
) -> AsyncIterator[App]:
    application = await make_app(
        db, settings, clock, {"memory": memory}, with_experiments(community_path, tmp_path / "club", SEVERAL)
    )
    yield application
    await application.stop()


def variant_of(app: App, key: str, mid: int) -> str:
    experiment = next(e for e in app.services.community.config.experiments if e.key == key)
    return pick(experiment.key, experiment.variants, mid).key


def texts(memory: MemoryPlatform, user: str) -> list[str]:
    return ["\n".join(getattr(b, "text", "") for b in m.blocks) for m in memory.dms_to(user)]


async def test_each_message_reads_as_the_members_variant(lab: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    for user in PEOPLE:
        await become_member(memory, user, f"{user.title()} Test")
    ids = {user: await member_id(lab, user) for user in PEOPLE}
    async with lab.database.session() as session:  # everyone asked for each drop by DM
        await session.execute(update(MemberPreferences).values(delivery="dm", digest="every"))
    for _ in range(11):  # day by day, every job once a day: steps, the day-10 check-in and the drop go out
        await skip(lab, timedelta(days=1))

    held_back = []
    for user in PEOPLE:
        mine, name = texts(memory, user), user.title()
        step = variant_of(lab, "hello-step", ids[user])
        hello = "One question for you, " + name if step == "question" else "Say hello to the club"
        assert sum(t.startswith(hello) for t in mine) == 1, (user, step)

        teaser = variant_of(lab, "first-drop", ids[user])
        words = "Here is the way out." if teaser == "curious" else "Ten minutes to name the one customer"
        others = "Ten minutes to name the one customer" if teaser == "curious" else "Here is the way out."
        assert any("Find your one customer" in t and words in t for t in mine), (user, teaser)
        assert not any(others in t for t in mine)

        opening = f"{name}, it's been a while! Here is what Strategy Club shared since:"
        if variant_of(lab, "day-10", ids[user]) == "nothing":
            held_back.append(ids[user])
            assert not any("since we last saw you" in t or opening in t for t in mine)
        else:
            assert sum(opening in t for t in mine) == 1
    assert 0 < len(held_back) < len(PEOPLE)  # ten members land in both

    async with lab.database.session() as session:
        rows = (await session.scalars(select(Nudge).where(Nudge.stage == "day-10"))).all()
        assert {r.member_id for r in rows} == set(ids.values())  # the stage passed for everyone, once
        assert {r.member_id for r in rows if r.held_back} == set(held_back)
        now = lab.clock.now()
        [(stage, decided, _, pending)] = await nudge_repo.outcomes(
            session, lab.services.community.id, now - timedelta(days=30), now, now
        )
    assert stage == "day-10" and decided + pending == len(PEOPLE) - len(held_back)  # held back: no win-back try

    results = {r.key: r for r in await lab.services.experiments.results()}
    assert sum(v.members + v.waiting for v in results["first-drop"].variants) == len(PEOPLE)
    assert sum(v.members + v.waiting for v in results["day-10"].variants) == len(PEOPLE)
