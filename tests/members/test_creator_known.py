"""The creator's accounts in community.toml are known from the start: what the bot tells the creator
reaches them before they have written to it, once per account, in the workspaces named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from bot.settings import Settings
from storage.database import Database
from storage.models import Member, PlatformIdentity
from tests.conftest import make_app
from tests.kits.community import edited_copy
from tests.kits.members import become_member

INTAKE = {"why": "More clients", "goal": "Ten clients by June", "level": "2", "format": "video", "drops": "channel"}


async def creator_accounts(app: App) -> list[tuple[str, str, str, str]]:
    async with app.database.session() as session:
        rows = await session.execute(
            select(Member.display_name, Member.role, PlatformIdentity.workspace_id, PlatformIdentity.user_id)
            .join(PlatformIdentity, PlatformIdentity.member_id == Member.id)
            .where(Member.role == "creator")
        )
        return [tuple(row) for row in rows]


async def test_a_new_members_answers_reach_a_creator_who_never_wrote(app: App, memory: MemoryPlatform) -> None:
    assert await creator_accounts(app) == [("Maya Lindqvist", "creator", "W1", "creator")]
    await become_member(memory, "u1", "Dana")
    await memory.submit("u1", "onboard.intake", INTAKE)
    await app.settle()
    [notice] = [m for m in memory.dms_to("creator") if "Dana" in m.text]
    assert "Ten clients by June" in " ".join(getattr(b, "text", "") for b in notice.blocks)


async def test_a_restart_registers_nobody_twice_and_the_creator_keeps_their_account(
    app: App, sqlite_db: Database, settings: Settings, clock: FakeClock, memory: MemoryPlatform, community_path: Path
) -> None:
    await memory.command("creator", "help")
    await app.stop()
    again = await make_app(sqlite_db, settings, clock, {"memory": memory}, community_path)
    try:
        async with again.database.session() as session:
            count = await session.scalar(select(func.count()).select_from(Member).where(Member.role == "creator"))
        assert count == 1
    finally:
        await again.stop()


async def test_an_account_named_with_its_workspace_is_registered_there_only(
    sqlite_db: Database, settings: Settings, clock: FakeClock, community_path: Path, tmp_path: Path
) -> None:
    two = MemoryPlatform(workspaces=("W1", "W2"))
    folder = edited_copy(community_path, tmp_path, lambda t: t.replace('"memory:creator"', '"memory:W2:boss"'))
    app = await make_app(sqlite_db, settings, clock, {"memory": two}, folder)
    try:
        assert await creator_accounts(app) == [("Maya Lindqvist", "creator", "W2", "boss")]
    finally:
        await app.stop()


async def test_a_platform_without_a_creator_account_is_named_in_the_log_with_the_fix(
    sqlite_db: Database,
    settings: Settings,
    clock: FakeClock,
    community_path: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    folder = edited_copy(community_path, tmp_path, lambda t: t.replace('"memory:creator"', '"slack:U0CREATOR"'))
    app = await make_app(sqlite_db, settings, clock, {"memory": MemoryPlatform()}, folder)
    try:
        assert await creator_accounts(app) == []
        warnings = [r.getMessage() for r in caplog.records if r.name == "bot.services.membership"]
        assert warnings == [
            'community.toml names no creator account on memory: add "memory:<your user id>" to [creator] identities,'
            " or what the bot tells the creator there waits until they first write to it"
        ]
    finally:
        await app.stop()


async def test_no_warning_when_every_platform_has_a_creator_account(app: App, caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if "creator account" in r.getMessage()]
