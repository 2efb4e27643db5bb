"""Migrations are the only way the schema is made, and they match the models exactly."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Connection, String, column, inspect, select, text, update
from sqlalchemy import table as table_clause

from bot.community.loader import load_community
from bot.services.importer import import_community
from storage.database import Database
from storage.migrate import alembic_config, current_revision, upgrade
from storage.models import Activity, Base, FaqEntry, FaqQuestion, Member
from tests.conftest import PG_URL, SAMPLE, _pg_reason

NOW = datetime(2026, 12, 1, tzinfo=UTC)
VERSIONS = Path(__file__).resolve().parents[2] / "storage" / "migrations" / "versions"


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    def diff(connection: Connection) -> list:
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with db.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_upgrade_is_repeatable_and_reports_head(db: Database) -> None:
    await upgrade(db)  # already at head: a no-op
    newest = max(p.name[:4] for p in VERSIONS.glob("[0-9]*.py"))
    assert await current_revision(db) == newest


async def test_schema_has_the_tables_the_design_names(db: Database) -> None:
    def tables(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async with db.engine.connect() as connection:
        found = await connection.run_sync(tables)
    for table in (
        "communities",
        "members",
        "platform_identities",
        "tiers",
        "memberships",
        "content_items",
        "outbox",
        "activity",
        "faq_entries",
        "live_sessions",
        "rsvps",
        "member_preferences",
    ):
        assert table in found


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of the test's own, with no schema yet (the shared ones are always at head)."""
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
        yield database
        await database.dispose()
        return
    if reason := _pg_reason():
        pytest.skip(reason)
    schema, admin = f"membot_mig_{uuid.uuid4().hex[:10]}", Database(PG_URL)
    async with admin.engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(PG_URL, schema=schema)
    try:
        yield database
    finally:
        await database.dispose()
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def sample_db(empty_db: Database) -> Database:
    """A database of the test's own at head, with the sample community imported at NOW."""
    await upgrade(empty_db)
    await import_community(empty_db, load_community(SAMPLE), NOW)
    return empty_db


def downgrade_to(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_0012_moves_wordings_learned_before_it_out_of_the_creators_alternatives(sample_db: Database) -> None:
    database, now = sample_db, NOW
    async with database.session() as session:
        entry = await session.scalar(select(FaqEntry).where(FaqEntry.key == "pause-membership"))
        assert entry is not None and entry.alt_questions
        community_id, creators = entry.community_id, list(entry.alt_questions)
        session.add_all(
            [
                FaqQuestion(
                    community_id=community_id,
                    question="can I  freeze it\nfor summer?",
                    status="resolved",
                    place={"learned_into": "pause-membership"},
                    asked_at=now,
                ),
                FaqQuestion(
                    community_id=community_id, question="not learned", status="unanswered", place={}, asked_at=now
                ),
            ]
        )

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade_to, "0011")
        # Before 0012 the inbox appended the wording to alt_questions.
        old = table_clause("faq_entries", column("key", String), column("alt_questions", JSON))
        await connection.execute(
            update(old)
            .where(old.c.key == "pause-membership")
            .values(alt_questions=[*creators, "can I freeze it for summer?"])
        )
    await upgrade(database)

    async with database.session() as session:
        moved = await session.scalar(select(FaqEntry).where(FaqEntry.key == "pause-membership"))
        others = (await session.scalars(select(FaqEntry).where(FaqEntry.key != "pause-membership"))).all()
    assert moved is not None
    assert (moved.alt_questions, moved.learned_questions) == (creators, ["can I freeze it for summer?"])
    assert others and all(e.learned_questions == [] for e in others)


async def test_0013_sets_each_members_first_post_from_the_activity_log(sample_db: Database) -> None:
    database, now = sample_db, NOW
    async with database.session() as session:
        community_id = await session.scalar(select(FaqEntry.community_id).limit(1))
        poster, lurker = (Member(community_id=community_id, display_name=n, joined_at=now) for n in ("Ann", "Bo"))
        session.add_all([poster, lurker])
        await session.flush()
        session.add_all(
            Activity(member_id=member.id, kind=kind, occurred_at=now + timedelta(days=days))
            for member, kind, days in (
                (poster, "message", 3),
                (poster, "message", 1),
                (poster, "reaction", 0),
                (lurker, "reaction", 2),
            )
        )
        ids = (poster.id, lurker.id)

    async with database.engine.begin() as connection:
        await connection.run_sync(downgrade_to, "0012")
    await upgrade(database)

    async with database.session() as session:
        found = {m.id: m.first_posted_at for m in (await session.scalars(select(Member))).all()}
    assert (found[ids[0]], found[ids[1]]) == (now + timedelta(days=1), None)
