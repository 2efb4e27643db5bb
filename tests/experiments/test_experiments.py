"""A/B experiments end to end, on SQLite and PostgreSQL: members get the variant their hash picks, once and
for good; outcomes are counted after their window; the creator hears of a winner once and ends the
experiment with one click, after which everyone gets the winning copy."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.community.errors import CommunityFilesError
from bot.community.loader import load_community
from bot.messages import Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.services.experiments import VariantPicker
from bot.services.experiments.assignment import pick
from bot.settings import Settings
from bot.views import charts
from bot.views.experiments import chart_labels
from storage.database import Database
from storage.models import Experiment, ExperimentAssignment
from storage.repositories.merge import merge_members
from tests.conftest import make_app
from tests.kits.analytics import check_png
from tests.kits.members import become_member, member_id

WARM = "Hi {name}, it's {creator}. I'm so glad you're here."
DIRECT = "Hi {name}, {creator} here. Answer the questions below and I'll point you at the right first step."


def experiment_toml(*, min_sample: int = 10, warm_weight: float = 1, outcome: str = "came-back-7d") -> str:
    return f'''
[[experiments]]
key = "welcome-test"
name = "Welcome test"
message = "welcome"
outcome = "{outcome}"
min_sample = {min_sample}

[[experiments.variants]]
key = "warm"
weight = {warm_weight}
text = "{WARM}"

[[experiments.variants]]
key = "direct"
text = "{DIRECT}"
'''


def with_experiments(source: Path, target: Path, experiments: str) -> Path:
    """A copy of the community at `source` whose [[experiments]] are `experiments` (the sample's removed)."""
    shutil.copytree(source, target)
    toml = target / "community.toml"
    text = toml.read_text()
    assert "[[experiments]]" in text, "the sample community ships an experiment"
    cut = text.rindex("\n#", 0, text.index("[[experiments]]"))  # from the comment above the sample's experiment
    toml.write_text(text[: text.rindex("\n\n", 0, cut + 1)] + "\n" + experiments)
    return target


@pytest.fixture
async def lab(
    db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path, tmp_path: Path
) -> AsyncIterator[App]:
    path = with_experiments(community_path, tmp_path / "club", experiment_toml())
    application = await make_app(db, settings, clock, {"memory": memory}, path)
    yield application
    await application.stop()


def welcome_body(memory: MemoryPlatform, user_id: str) -> str:
    [welcome] = [m for m in memory.dms_to(user_id) if m.text.startswith("Welcome to Strategy Club")]
    return welcome.blocks[1].text  # type: ignore[attr-defined]  # the Section under the Header


async def assignments(app: App) -> dict[int, str]:
    async with app.database.session() as session:
        rows = await session.execute(select(ExperimentAssignment.member_id, ExperimentAssignment.variant))
        return {row[0]: row[1] for row in rows}


async def skip(app: App, delta: timedelta) -> None:
    """Jump the clock and run every job once: the experiment needs the days to pass, not each job's hours."""
    assert isinstance(app.clock, FakeClock)
    app.clock.advance(delta)
    await app.tick()


def buttons(message: OutboundMessage) -> list[str]:
    return [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]


async def test_each_newcomer_gets_the_variant_their_hash_picks_and_it_is_recorded(
    lab: App, memory: MemoryPlatform
) -> None:
    experiment = lab.services.community.config.experiments[0]
    for n in range(12):
        await become_member(memory, f"u{n}", f"Person{n} Test")
    await lab.settle()
    recorded = await assignments(lab)
    assert len(recorded) == 12
    for n in range(12):
        mid = await member_id(lab, f"u{n}")
        chosen = pick(experiment.key, experiment.variants, mid)
        assert recorded[mid] == chosen.key
        words = WARM if chosen.key == "warm" else DIRECT
        assert welcome_body(memory, f"u{n}") == words.format(name=f"Person{n}", creator="Maya Lindqvist")
    assert set(recorded.values()) == {"warm", "direct"}  # twelve members land in both


async def test_a_recorded_variant_never_changes_even_when_the_weights_do(
    db: Database,
    settings: Settings,
    clock: FakeClock,
    memory: MemoryPlatform,
    community_path: Path,
    tmp_path: Path,
) -> None:
    first = await make_app(
        db, settings, clock, {"memory": memory}, with_experiments(community_path, tmp_path / "a", experiment_toml())
    )
    for n in range(8):
        await become_member(memory, f"u{n}")
    before = await assignments(first)
    await first.stop()
    # The creator now sends nearly everyone "warm": new members follow the weights, recorded ones stay.
    heavy = with_experiments(community_path, tmp_path / "b", experiment_toml(warm_weight=1000))
    second = await make_app(db, settings, clock, {"memory": memory}, heavy)
    try:
        picker_members = list(before)
        async with second.database.session() as session:
            picker = VariantPicker(second.services.community)
            again = {m: (await picker.choose(session, "welcome", m, clock.now())) for m in picker_members}
        assert {m: v.key for m, v in again.items() if v is not None} == before
        assert "direct" in before.values()  # so the weights really would have moved someone
        assert await assignments(second) == before
    finally:
        await second.stop()


async def test_two_linked_accounts_keep_one_assignment(lab: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "slack-self")
    await become_member(memory, "discord-self")
    keep, drop = await member_id(lab, "slack-self"), await member_id(lab, "discord-self")
    before = await assignments(lab)
    async with lab.database.session() as session:
        await merge_members(session, keep, drop)
    after = await assignments(lab)
    assert after == {keep: before[keep]}


async def test_outcomes_count_after_the_window_and_the_creator_ends_the_winner_with_one_click(
    lab: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    experiment = lab.services.community.config.experiments[0]
    await memory.command("creator", "help")
    people = [f"u{n}" for n in range(40)]
    for user in people:
        await become_member(memory, user)
    ids = {user: await member_id(lab, user) for user in people}
    variant = {user: pick(experiment.key, experiment.variants, ids[user]).key for user in people}
    await skip(lab, timedelta(days=2))
    for user in people:  # everyone who got "direct" comes back two days later; nobody who got "warm"
        if variant[user] == "direct":
            await memory.post(user, "Back with a question about pricing")
    [before] = await lab.services.experiments.results()
    assert before.verdict == "too-early"  # nobody's 7 days have passed yet
    assert all(v.members == 0 for v in before.variants)
    assert sum(v.waiting for v in before.variants) == 40

    await skip(lab, timedelta(days=6, hours=12))  # past the 7 days; the jobs run (Maya's 09:00 one too)
    [result] = await lab.services.experiments.results()
    figures = {v.key: v for v in result.variants}
    directs = sum(v == "direct" for v in variant.values())
    assert (figures["direct"].members, figures["direct"].outcomes) == (directs, directs)
    assert (figures["warm"].members, figures["warm"].outcomes) == (40 - directs, 0)
    assert result.verdict == "winner" and result.leader == "direct"
    told = [m for m in memory.dms_to("creator") if m.text.startswith("In Welcome test")]
    assert len(told) == 1 and "exp.end:welcome-test:direct" in buttons(told[0])

    refused = await memory.click(people[0], "exp.end:welcome-test:direct")  # a member cannot end it
    assert "creator" in refused.texts[0].lower()
    assert (await lab.services.experiments.results())[0].verdict == "winner"

    done = await memory.click("creator", "exp.end:welcome-test:direct")
    assert "everyone now gets “direct”" in done.texts[0]
    await become_member(memory, "newcomer", "Nia Newcomer")
    await lab.settle()
    assert welcome_body(memory, "newcomer") == DIRECT.format(name="Nia", creator="Maya Lindqvist")
    assert await member_id(lab, "newcomer") not in await assignments(lab)  # ended: nobody new is assigned
    await skip(lab, timedelta(days=2))
    assert len([m for m in memory.dms_to("creator") if m.text.startswith("In Welcome test")]) == 1


async def test_stats_experiments_shows_each_variant_and_bad_input_changes_nothing(
    lab: App, memory: MemoryPlatform
) -> None:
    for n in range(6):
        await become_member(memory, f"u{n}")
    shown = await memory.command("creator", "stats", "experiments")
    [reply] = shown.replies
    text = "\n".join(getattr(b, "text", "") for b in reply[0].blocks)
    assert "*Welcome test*: the welcome, judged by coming back within 7 days" in text
    assert "*warm*: nobody measured yet" in text and "still in the window" in text
    assert "Too early to call: each variant needs 10 members measured." in text

    for args, expected in (
        ("experiments end nope warm", "There is no experiment called “nope”"),
        ("experiments end welcome-test loud", "has no variant called “loud”"),
        ("experiments finish", "`/stats experiments end KEY VARIANT`"),
    ):
        answer = await memory.command("creator", "stats", args)
        assert expected in answer.texts[0]
    forged = await memory.click("creator", "exp.end:welcome-test")
    assert "button" in forged.texts[0].lower()
    assert (await lab.services.experiments.results())[0].verdict == "too-early"  # nothing ended
    member = await memory.command("u1", "stats", "experiments")
    assert "Strategy Club" not in member.texts[0] and "warm" not in member.texts[0]


async def test_an_experiment_naming_a_message_that_does_not_exist_is_refused_at_import(
    community_path: Path, tmp_path: Path
) -> None:
    bad = experiment_toml().replace('message = "welcome"', 'message = "onboarding:no-such-step"')
    with pytest.raises(CommunityFilesError, match="no onboarding step 'no-such-step'"):
        load_community(with_experiments(community_path, tmp_path / "c", bad))


async def test_the_sample_community_runs_a_welcome_experiment(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")  # the creator's own welcome is the usual one, outside the figures
    await become_member(memory, "u1")
    async with app.database.session() as session:
        count = await session.scalar(select(func.count()).select_from(ExperimentAssignment))
    assert count == 1
    assert [e.key for e in app.services.community.config.experiments] == ["welcome-tone"]


async def test_the_chart_draws_each_variant_once_members_are_measured(lab: App, memory: MemoryPlatform) -> None:
    labels = chart_labels(lab.services.catalog.for_locale("en"))
    assert await charts.experiments_png(await lab.services.experiments.results(), labels) is None  # nobody yet
    for n in range(4):
        await become_member(memory, f"u{n}")
    await skip(lab, timedelta(days=8))
    png = await charts.experiments_png(await lab.services.experiments.results(), labels)
    assert png is not None
    check_png(png)


async def test_two_processes_assigning_the_same_member_at_once_record_one_variant(
    lab: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Two workers reach the same member together (a retried event, two processes): one row, one answer."""
    await memory.join("racer")  # the welcome assigns them once...
    mid = await member_id(lab, "racer")
    async with lab.database.session() as session:  # ...so start from nothing, as a first receipt would
        await session.execute(ExperimentAssignment.__table__.delete())
    picker = VariantPicker(lab.services.community)

    async def choose() -> str:
        async with lab.database.session() as session:
            chosen = await picker.choose(session, "welcome", mid, clock.now())
            assert chosen is not None
            return chosen.key

    keys = await asyncio.gather(*(choose() for _ in range(4)))
    assert len(set(keys)) == 1
    assert await assignments(lab) == {mid: keys[0]}
    async with lab.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Experiment)) == 1
