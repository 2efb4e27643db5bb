"""Import a community folder into the database, idempotently: importing twice changes nothing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.community.loader import FAQ_FILE, CommunitySpec, ContentSource
from bot.community.schema import CommunityFile
from bot.services.community import CommunityContext
from bot.services.content import follow_new_slots, schedule_queue
from bot.services.live.series_sync import sync_series
from storage.database import Database, Session
from storage.repositories import communities, content
from storage.repositories import faq as faq_repo


def _previous(settings: dict[str, Any]) -> CommunityFile | None:
    """The settings imported last time, or None if they no longer validate (an older version's)."""
    try:
        return CommunityFile.model_validate(settings)
    except ValidationError:
        return None


@dataclass
class ImportReport:
    community_id: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    scheduled: int = 0
    notes: list[str] = field(default_factory=list)  # worth telling the creator, changed nothing

    def count(self, bucket: dict[str, int], what: str) -> None:
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.scheduled)


async def import_community(database: Database, spec: CommunitySpec, now: datetime) -> ImportReport:
    """Create or update the community, its tiers, content and FAQ from files, in one transaction."""
    report = ImportReport()
    config = spec.config
    settings = config.model_dump(mode="json")
    async with database.session() as session:
        row = await communities.by_slug(session, config.community.slug)
        fields = {
            "name": config.community.name,
            "creator_name": config.creator.name,
            "locale": config.community.locale,
            "timezone": config.community.timezone,
            "settings": settings,
        }
        before = _previous(row.settings) if row is not None else None  # the slots that placed the queue
        if row is None:
            row = await communities.create(session, config.community.slug, now, **fields)
            report.count(report.created, "community")
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(row, key, value)
            row.imported_at = now
            report.count(report.updated, "community")
        report.community_id = row.id

        existing_tiers = {t.key: t for t in await communities.tiers(session, row.id)}
        for tier in config.tiers:
            current = existing_tiers.get(tier.key)
            if current is None:
                await communities.add_tier(session, row.id, tier.key, tier.name, tier.default)
                report.count(report.created, "tier")
            elif (current.name, current.is_default) != (tier.name, tier.default):
                current.name, current.is_default = tier.name, tier.default
                report.count(report.updated, "tier")

        tz = ZoneInfo(config.community.timezone)
        for source in spec.content:
            await _upsert_content(session, row.id, source, tz, report)

        for slug in spec.unwritten:
            await _note_unwritten(session, row.id, slug, report)
        await _sync_faq(session, row.id, spec, report)
        for bucket in await sync_series(session, row.id, config, now):  # [[live.series]]
            report.count(getattr(report, bucket), "live_series")
        context = CommunityContext(id=row.id, config=config)
        # A new time zone or slot cron: the queued drops the old slots placed move to the new slots' firings.
        moved = await follow_new_slots(session, context, before, now) if before is not None else 0
        report.scheduled = moved + await schedule_queue(session, context, now)
    return report


async def _upsert_content(
    session: Session, community_id: int, source: ContentSource, tz: ZoneInfo, report: ImportReport
) -> None:
    meta = source.meta
    publish_at = meta.publish_at
    if publish_at is not None and publish_at.tzinfo is None:
        publish_at = publish_at.replace(tzinfo=tz)
    values = {
        "title": meta.title,
        "kind": meta.kind,
        "levels": list(meta.levels),
        "topics": list(meta.topics),
        "teaser": meta.teaser,
        "body": source.body,
        "url": meta.url,
        "queue_order": meta.order,
    }
    digest = hashlib.sha256(
        json.dumps({**values, "publish_at": publish_at.isoformat() if publish_at else None}, sort_keys=True).encode()
    ).hexdigest()
    item = await content.by_slug(session, community_id, source.slug)
    if item is None:
        await content.add(
            session,
            community_id=community_id,
            slug=source.slug,
            publish_at=publish_at.astimezone(UTC) if publish_at else None,
            source_hash=digest,
            **values,
        )
        report.count(report.created, "content")
    elif item.source_hash != digest:
        for key, value in values.items():
            setattr(item, key, value)
        if publish_at is not None and item.published_at is None:
            item.publish_at = publish_at.astimezone(UTC)
        item.source_hash = digest
        report.count(report.updated, "content")


async def _note_unwritten(session: Session, community_id: int, slug: str, report: ImportReport) -> None:
    """A content file still holding the placeholder `membot init` wrote was left out; an earlier
    import (before files like it were left out) may have queued it."""
    note = f"content/{slug}.md still holds the placeholder text `membot init` wrote: left out until you write it"
    item = await content.by_slug(session, community_id, slug)
    if item is not None and item.published_at is None:
        note += f" (an earlier import queued it: `/drop remove {slug}` takes it out)"
    report.notes.append(note)


async def _sync_faq(session: Session, community_id: int, spec: CommunitySpec, report: ImportReport) -> None:
    """File entries mirror faq.toml; entries the creator added in chat are left alone.

    Without a faq.toml nothing is removed: a file moved away or lost in a copy would otherwise take
    every entry and what it learned from members with it. An empty faq.toml removes them."""
    existing = {e.key: e for e in await faq_repo.all_entries(session, community_id)}
    if not spec.has_faq_file:
        kept = sum(1 for row in existing.values() if row.source == "file")
        if kept:
            report.notes.append(f"no {FAQ_FILE}: kept the {kept} FAQ entries it had (an empty {FAQ_FILE} removes them)")
        return
    in_file = set()
    for entry in spec.faq:
        in_file.add(entry.id)
        values = {
            "question": entry.question,
            "answer": entry.answer,
            "alt_questions": list(entry.alt_questions),
            "tags": list(entry.tags),
        }
        current = existing.get(entry.id)
        if current is None:
            await faq_repo.add_entry(session, community_id=community_id, key=entry.id, source="file", **values)
            report.count(report.created, "faq")
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            report.count(report.updated, "faq")
    for key, row in existing.items():
        if row.source == "file" and key not in in_file:
            await faq_repo.remove_entry(session, row)
            report.count(report.removed, "faq")
