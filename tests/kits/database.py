"""What a test can ask of the database: how many rows each table holds."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import App
from storage.models import Activity, Base, InboundEvent

IGNORED_TABLES = {Activity.__tablename__, InboundEvent.__tablename__}  # every interaction is logged


async def table_counts(app: App) -> dict[str, int]:
    async with app.database.session() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
            if table.name not in IGNORED_TABLES
        }
