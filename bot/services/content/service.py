"""Content: the drop queue, publishing due drops exactly once, DM delivery and the weekly digest."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.messages import OutboundMessage
from bot.notices import Reader
from bot.notices.content import ContentPiece, DropPublished, DropQueue, RunwayLow, WeeklyDigest
from bot.outbox import Outgoing
from bot.services.audience import channel_targets, dm_target
from bot.services.base import DomainService
from bot.services.content.editing import EDITABLE, DropChanges, apply_changes, close_gap
from bot.services.content.library import PICKS, best_of, for_level
from bot.services.content.placement import make_room, slot_ends
from bot.services.content.queue import NewDrop, schedule_queue, unique_slug
from bot.services.content.runway import SlotRunway, compute_runway
from bot.services.errors import UserError
from bot.services.experiments.picker import VariantPicker
from bot.services.live.rules import LONGEST
from bot.services.parsing import check_ahead, whole
from bot.services.timing import member_zone, next_send_time
from storage.database import Session
from storage.models import ContentItem, Member
from storage.repositories import content as repo
from storage.repositories import live as live_repo
from storage.repositories import members as member_repo
from storage.repositories import outbox as outbox_repo

log = logging.getLogger(__name__)

DIGEST_TIME = time(8, 0)  # Monday morning, member-local, unless they chose another time of day
CHAT_SOURCE = "chat"  # the source_hash of drops added from chat (a file's is its digest)
LIVE_WEEK = timedelta(days=7)  # a session this close is the week's live: a queued live drop isn't posted too
RUNWAY_ALERT_DAYS = (14, 7, 2)  # days before a slot's first empty firing that the creator hears of it


class ContentService(DomainService):
    """Publishing drops (channel posts, and DMs for members who chose them), the library, the queue."""

    # -- publishing ------------------------------------------------------------------------

    async def publish_due(self) -> list[ContentPiece]:
        """Publish every item whose time has come: a post in the drops channel everywhere, and a DM
        to members who asked for each drop by DM (and whose level it is for).

        Safe to run any number of times: an item is published once (its `published_at` is
        set in the same transaction as the outbox rows, whose keys are unique anyway).
        """
        now = self._clock.now()
        published: list[ContentPiece] = []
        async with self._database.session() as session:
            items = await repo.due_for_publishing(session, self._community.id, now)
            dm_members: Sequence[Member] = []
            if items:
                dm_members = await member_repo.with_drop_delivery(
                    session, self._community.id, "every", now=now, grace=self._grace
                )
            for item in items:
                await repo.mark_published(session, item, now)
                piece = content_piece(item)
                published.append(piece)
                if piece.kind == "live" and await self._live_announced(session, now):
                    continue  # to the library, without a second announcement of the week's live
                await self._post(session, piece)
                await self._dm(session, piece, dm_members, now)
            await schedule_queue(session, self._community, now)
        for piece in published:
            log.info("published content item %s (%s)", piece.id, piece.kind)
        return published

    async def _live_announced(self, session: Session, now: datetime) -> bool:
        """Whether the week's live is announced already: a weekly live series' occurrence is the live
        slot's post (bot/services/live/series.py), and so is a session scheduled for the coming week."""
        if await live_repo.has_active_series(session, self._community.id):
            return True
        # From a session's longest length ago: one starting at the slot's own minute has begun by the
        # time the slot fires (found as an outsider: both were announced, with two links).
        return bool(await live_repo.scheduled_between(session, self._community.id, now - LONGEST, now + LIVE_WEEK))

    async def publish_if_due(self) -> list[ContentPiece]:
        """The scan between slot firings: publish what has come due (a drop given a time of its own with
        `/drop schedule`, or by `publish_at` in its file). Nothing due, the usual case, costs one
        indexed look-up."""
        async with self._database.session() as session:
            if not await repo.any_due(session, self._community.id, self._clock.now()):
                return []
        return await self.publish_due()

    async def _post(self, session: Session, piece: ContentPiece) -> None:
        """The drop in the drops channel of every workspace."""
        notice, reader = DropPublished(piece), self._public_reader()
        for target in channel_targets(self._presence, self._community.config.channels.drops):
            key = f"drop:{piece.id}:{target.platform}:{target.workspace_id}"
            await self._outbox.enqueue(session, key, target, notice, reader=reader)

    async def _dm(self, session: Session, piece: ContentPiece, members: Sequence[Member], now: datetime) -> None:
        """The drop by DM to each member who asked for every drop and whose level it is for (with their
        variant of the teaser when an experiment varies it; the channel post keeps the file's)."""
        reached = [(m, t) for m in members if (t := dm_target(m, self._presence)) and for_level(piece, m.level)]
        teasers = await VariantPicker(self._community).choose_many(
            session, f"teaser:{piece.slug}", [m.id for m, _ in reached if m.role == "member"], now
        )  # the creator's team reads the file's teaser and stays out of the figures
        # one rendering per language, zone and teaser, not per member
        rendered: dict[tuple[Reader, str], OutboundMessage] = {}
        dms: list[Outgoing] = []
        # At the time of day each chose ("mornings"), but a live session's news goes out at once.
        preferred = await member_repo.times_of_day(session, [m.id for m, _ in reached]) if piece.kind != "live" else {}
        for member, target in reached:
            variant = teasers.get(member.id)
            teaser = variant.text if variant is not None else piece.teaser
            reader = self._reader(member)
            if (reader, teaser) not in rendered:
                rendered[reader, teaser] = self._outbox.render(DropPublished(replace(piece, teaser=teaser)), reader)
            key = f"drop:{piece.id}:member:{member.id}"
            send_at = self._quiet_aware(now, member.timezone, preferred.get(member.id))
            dms.append((key, target, rendered[reader, teaser], member.id, send_at))
        await self._outbox.enqueue_many(session, dms)  # one statement for the whole fan-out

    async def send_weekly_digests(self) -> int:
        """Monday-morning digest (member-local) of last week's drops, for members who chose it."""
        now = self._clock.now()
        queued = 0
        async with self._database.session() as session:
            weekly = await member_repo.with_drop_delivery(
                session, self._community.id, "weekly", now=now, grace=self._grace
            )
            prefs = await member_repo.preferences_for(session, [m.id for m in weekly])
            due = []
            for member in weekly:
                zone = member_zone(member.timezone, self._community.tz)
                local = now.astimezone(zone)
                monday = (local - timedelta(days=local.weekday())).date()
                at = prefs[member.id].time_of_day or DIGEST_TIME
                send_at = datetime.combine(monday, at, tzinfo=zone)
                if now >= send_at:
                    year, week, _ = monday.isocalendar()
                    due.append((member, send_at, f"digest:{year}-W{week:02d}:member:{member.id}"))
            already = await outbox_repo.existing_keys(session, [key for _, _, key in due])
            for member, send_at, key in due:
                target = dm_target(member, self._presence)
                if key in already or target is None:
                    continue
                since = send_at - timedelta(days=7)
                last_week = await repo.published_between(session, self._community.id, since, send_at)
                pieces = tuple(p for p in map(content_piece, last_week) if for_level(p, member.level))
                if not pieces:
                    continue
                queued += await self._outbox.enqueue(
                    session,
                    key,
                    target,
                    WeeklyDigest(member.display_name, pieces),
                    reader=self._reader(member),
                    member_id=member.id,
                    not_before=self._quiet_aware(now, member.timezone),
                )
        return queued

    def _quiet_aware(self, when: datetime, member_tz: str | None, preferred: time | None = None) -> datetime:
        zone = member_zone(member_tz, self._community.tz)
        return next_send_time(when, zone=zone, quiet=self._community.config.quiet_hours, preferred=preferred)

    # -- reading ---------------------------------------------------------------------------

    async def upcoming(self, limit: int = 3) -> Sequence[ContentPiece]:
        """The drops members will see posted next (`repo.to_be_posted`)."""
        async with self._database.session() as session:
            items = await repo.to_be_posted(session, self._community.id, self._clock.now(), limit)
            return [content_piece(item) for item in items]

    async def library(self) -> Sequence[ContentPiece]:
        """Everything published, newest first."""
        async with self._database.session() as session:
            return [content_piece(item) for item in await repo.published(session, self._community.id)]

    async def best_picks(self, level: int | None, limit: int = PICKS) -> Sequence[ContentPiece]:
        """The library's best for a member's level: the items most members opened, newest first among
        equals (so a young library shows its latest drops)."""
        async with self._database.session() as session:
            items = [content_piece(item) for item in await repo.published(session, self._community.id)]
            opens = await repo.open_counts(session, self._community.id)
        return best_of(items, opens, level, limit)

    async def open_item(self, item_id: int, member_id: int) -> ContentPiece:
        """A published item by id (what a library button carries), for a current member or the team:
        what a drop holds is what members pay for (anyone may browse the titles and teasers)."""
        async with self._database.session() as session:
            item = await repo.by_id(session, self._community.id, item_id)
            if item is None or item.published_at is None:
                raise UserError("library.not_found")
            if not await member_repo.takes_part(session, member_id, self._clock.now(), self._grace):
                raise UserError("library.members_only")
        return content_piece(item)

    # -- the creator's queue ---------------------------------------------------------------

    async def runway(self) -> tuple[SlotRunway, ...]:
        """Per drop slot (in community.toml's order): the drops queued for it, the weeks they last,
        and the first firing with nothing to send. A weekly live series fills the `live` slots itself
        (its occurrence is their post), so they have no runway to run out of while one is active."""
        async with self._database.session() as session:
            pending = [content_piece(item) for item in await repo.pending(session, self._community.id)]
            last = await self._slot_ends(session, pending)
            series = await live_repo.has_active_series(session, self._community.id)
        config = self._community.config
        slots = [slot for slot in config.drops.slots if not (series and slot.kind == "live")]
        now, tz = self._clock.now(), self._community.tz
        return compute_runway(slots, pending, last, now, tz, config.runway.warn_weeks)

    async def warn_short_runway(self) -> int:
        """DM the creator 14, 7 and 2 days before a slot's first empty firing, once each, when the
        slot has fewer weeks queued than `runway.warn_weeks`. Returns how many DMs were queued.

        The key names the slot, the empty date and the threshold: a rerun, a restart or a later
        scan sends nothing twice; filling the slot moves the date, and a new date warns afresh.
        Only the tightest threshold already reached is sent (a slot emptied 5 days ahead gets
        the 7-day warning, not the 14-day one as well). A slot that already went out empty is
        not warned about again every week: `/next`, `/drop queue` and the briefing show it.
        """
        now, tz = self._clock.now(), self._community.tz
        if self._quiet_aware(now, None) > now:
            # Quiet hours: a warning worked out now would wait until morning and could arrive after
            # the creator filled the slot (found as an outsider); the first scan after them decides.
            return 0
        today = now.astimezone(tz).date()
        short = [slot for slot in await self.runway() if slot.short and not slot.dry and slot.first_empty is not None]
        queued = 0
        if not short:
            return 0
        async with self._database.session() as session:
            for slot in short:
                assert slot.first_empty is not None and slot.first_empty_at is not None
                days_left = (slot.first_empty - today).days
                reached = [days for days in RUNWAY_ALERT_DAYS if days_left <= days]
                if not reached:
                    continue
                notice = RunwayLow(slot.kind, slot.first_empty_at, days_left, slot.weeks_queued, slot.items_queued)
                key = f"runway:{slot.slot_id}:{slot.first_empty.isoformat()}:{min(reached)}d"
                queued += await self._tell_creators(  # dates in community time
                    session, key, notice, not_before=lambda creator: self._quiet_aware(now, creator.timezone)
                )
        return queued

    async def queue(self) -> DropQueue:
        """The creator's queue: each slot's drops with their dates and its runway, then the drops no
        slot sends (a time of their own, or a kind without a slot)."""
        async with self._database.session() as session:
            pending = [content_piece(item) for item in await repo.pending(session, self._community.id)]
            last = await self._slot_ends(session, pending)
        config, now = self._community.config, self._clock.now()
        slots = compute_runway(config.drops.slots, pending, last, now, self._community.tz, config.runway.warn_weeks)
        in_slots = {queued.item.id for slot in slots for queued in slot.queued}
        rest = [p for p in pending if p.id not in in_slots]
        return DropQueue(
            slots=slots,
            own_time=tuple(p for p in rest if p.publish_at is not None),
            waiting=tuple(p for p in rest if p.publish_at is None),
        )

    async def _slot_ends(self, session: Session, pending: Sequence[ContentPiece]) -> dict[str, datetime]:
        published = await repo.last_published_by_kind(session, self._community.id)
        scheduled = [(p.kind, p.publish_at) for p in pending if p.publish_at is not None]
        return slot_ends(self._community, scheduled, published)

    async def edit(self, ref: str, changes: DropChanges) -> tuple[ContentPiece, bool]:
        """Change a drop's words, link, levels or topics (published ones too: the library shows the new
        words). Returns the drop and whether it came from a file in `content/`."""
        if changes.empty:
            raise UserError("drops.errors.edit_nothing", fields=", ".join(EDITABLE))
        async with self._database.session() as session:
            item = await self._find(session, ref)
            apply_changes(item, changes)
            return content_piece(item), item.source_hash != CHAT_SOURCE

    async def unschedule(self, ref: str) -> tuple[ContentPiece, bool]:
        """Take a scheduled drop off its date and put it back at the end of its kind's queue; the drops
        a slot sends after it move up one firing each. Returns it with its new date (None: it waits,
        no slot sends its kind) and whether that date changed (not when it was already the last)."""
        now = self._clock.now()
        async with self._database.session() as session:
            item = await self._find_unpublished(session, ref)
            before = item.publish_at
            if before is None:
                raise UserError("drops.errors.not_scheduled", title=item.title)
            await close_gap(session, self._community, item, now)
            item.publish_at = None
            await session.flush()
            await schedule_queue(session, self._community, now)
            return content_piece(item), item.publish_at != before

    async def remove(self, ref: str) -> tuple[ContentPiece, bool]:
        """Delete a drop that was never published (published ones stay in the library); the drops a
        slot sends after it move up one firing each. Returns it and whether it came from a file."""
        async with self._database.session() as session:
            item = await self._find(session, ref)
            if item.published_at is not None:
                raise UserError("drops.errors.remove_published", title=item.title, slug=item.slug)
            await close_gap(session, self._community, item, self._clock.now())
            piece, from_file = content_piece(item), item.source_hash != CHAT_SOURCE
            await repo.delete(session, item)
            return piece, from_file

    async def add(self, drop: NewDrop) -> ContentPiece:
        """Queue a new item; it takes the next free slot of its kind."""
        now = self._clock.now()
        async with self._database.session() as session:
            taken = await repo.slugs(session, self._community.id)
            item = await repo.add(
                session,
                community_id=self._community.id,
                slug=unique_slug(drop.title, taken),
                title=drop.title,
                kind=drop.kind,
                levels=list(drop.levels),
                topics=list(drop.topics),
                teaser=drop.teaser,
                body=drop.body,
                url=drop.url,
                queue_order=10_000,  # after everything imported from files
                source_hash=CHAT_SOURCE,
            )
            await schedule_queue(session, self._community, now)
            return content_piece(item)

    async def reschedule(self, ref: str, when: datetime) -> ContentPiece:
        """Give a drop a time of its own. The firing it held goes to the drops a slot sends after it
        (they move up one each, as with `unschedule`); a slot's firing it is put on is made room at
        (the drop there and the ones right behind it move back one each)."""
        now = self._clock.now()
        # As typed: in the community's zone, where the handler read it.
        when_text = when.astimezone(self._community.tz).isoformat(" ", "minutes")[:16]
        check_ahead(when, now, "drops.errors.past", "drops.errors.too_far", when=when_text)
        async with self._database.session() as session:
            item = await self._find_unpublished(session, ref)
            await close_gap(session, self._community, item, now)
            await repo.set_publish_times(session, [(item, when)])
            await make_room(session, self._community, item)
            return content_piece(item)

    async def publish_now(self, ref: str) -> ContentPiece:
        """Publish a queued drop at once; the drops a slot sends after it move up one firing each."""
        now = self._clock.now()
        async with self._database.session() as session:
            item = await self._find_unpublished(session, ref)
            await close_gap(session, self._community, item, now)
            await repo.set_publish_times(session, [(item, now)])
            piece = content_piece(item)
        await self.publish_due()
        return piece

    async def find(self, ref: str) -> ContentPiece:
        """A drop by slug or id, published or not (what `/drop edit` fills its form with)."""
        async with self._database.session() as session:
            return content_piece(await self._find(session, ref))

    async def _find(self, session: Session, ref: str) -> ContentItem:
        """A drop by slug (or id), published or not."""
        ref = ref.strip()
        if not ref:
            raise UserError("drops.errors.usage")
        item = await repo.by_slug(session, self._community.id, ref)
        item_id = whole(ref, 1)  # an id too large for the column is simply not there
        if item is None and item_id is not None:
            item = await repo.by_id(session, self._community.id, item_id)
        if item is None:
            raise UserError("drops.errors.unknown", ref=ref[:80])
        return item

    async def _find_unpublished(self, session: Session, ref: str) -> ContentItem:
        item = await self._find(session, ref)
        if item.published_at is not None:
            raise UserError("drops.errors.published", title=item.title)
        return item


def content_piece(item: ContentItem) -> ContentPiece:
    """A stored item as plain data, for notices, views and handlers."""
    return ContentPiece(
        id=item.id,
        slug=item.slug,
        title=item.title,
        kind=item.kind,
        levels=tuple(item.levels or ()),
        topics=tuple(item.topics or ()),
        teaser=item.teaser or "",
        body=item.body or "",
        url=item.url,
        publish_at=item.publish_at,
        published_at=item.published_at,
    )
