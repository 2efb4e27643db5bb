"""Migrations are the only way the schema is made, and they match the models exactly."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from storage.database import Database
from storage.migrate import current_revision, upgrade
from storage.models import Base

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
