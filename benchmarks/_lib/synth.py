"""Synthetic members and a year of their history, bulk-inserted fast.

Rows go straight to the driver: `executemany` on SQLite (values formatted exactly as
SQLAlchemy stores them: naive-UTC `YYYY-MM-DD HH:MM:SS.ffffff`, JSON as text) and COPY on
PostgreSQL (asyncpg's `copy_records_to_table`). Ids are assigned here so rows can refer to
each other; sequences are moved past them afterwards.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from _lib.common import schema_of
from bot.services.engagement.policy import NudgePolicy
from bot.services.onboarding_checks import DripChecks
from storage.database import Database

COLUMNS: dict[str, tuple[str, ...]] = {
    "members": (
        "id",
        "community_id",
        "display_name",
        "role",
        "level",
        "segments",
        "locale",
        "timezone",
        "joined_at",
        "left_at",
        "last_active_at",
        "nudge_check_at",
        "first_posted_at",
    ),
    "platform_identities": ("id", "member_id", "platform", "workspace_id", "user_id", "dm_channel_id", "created_at"),
    "member_preferences": (
        "member_id",
        "delivery",
        "digest",
        "time_of_day",
        "nudges",
        "celebrate",
        "answers",
        "intake_done_at",
    ),
    "memberships": (
        "id",
        "member_id",
        "tier_id",
        "status",
        "plan",
        "founding",
        "started_at",
        "current_period_end",
        "ended_at",
        "stripe_customer_id",
        "stripe_subscription_id",
        "past_due_since",
        "cancel_reason",
        "drip_check_at",
    ),
    "activity": ("id", "member_id", "kind", "occurred_at", "ref"),
    "onboarding_progress": ("id", "member_id", "step_id", "outcome", "at"),
    "nudges": ("id", "member_id", "stage", "sent_at", "came_back_at"),
    "live_sessions": (
        "id",
        "community_id",
        "title",
        "starts_at",
        "duration_min",
        "link",
        "description",
        "recording_url",
        "status",
        "content_item_id",
        "external_ids",
        "created_at",
    ),
    "rsvps": ("id", "session_id", "member_id", "created_at", "attended"),
    "milestones": ("id", "member_id", "key", "reached_at"),
    "outbox": (
        "id",
        "dedupe_key",
        "platform",
        "workspace_id",
        "target",
        "member_id",
        "payload",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "sent_at",
    ),
}
JSON_COLUMNS = frozenset({"segments", "answers", "external_ids", "target", "payload"})
WELCOMED_WITHIN = timedelta(days=4)  # the public welcome looks back 3 days: older joiners' rows change no scan
ACTIVITY_KINDS = ("message", "reaction", "command", "click", "library_open")
# The sample community's drip: (step id, offset from the join).
DRIP = (
    ("quick-win", timedelta(hours=2)),
    ("start-here", timedelta(hours=1)),
    ("introduce-yourself", timedelta(days=1)),
    ("first-live", timedelta(days=3)),
    ("your-first-week", timedelta(days=5)),
    ("library-tour", timedelta(days=7)),
    ("two-week-check-in", timedelta(days=14)),
)
NUDGE_DAYS = tuple(stage.day for stage in NudgePolicy().stages)


@dataclass
class Rows:
    """Rows per table, plus the next id for each."""

    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: defaultdict(list))
    next_id: dict[str, int] = field(default_factory=lambda: defaultdict(lambda: 1))

    def add(self, table: str, values: dict[str, Any]) -> int:
        if "id" in COLUMNS[table] and "id" not in values:
            values["id"] = self.next_id[table]
            self.next_id[table] += 1
        self.tables[table].append(tuple(values.get(c) for c in COLUMNS[table]))
        return int(values.get("id", 0) or 0)

    def count(self) -> int:
        return sum(len(v) for v in self.tables.values())


class History:
    """Builds members with a plausible year behind them, as a bot that ran all year would have left it:
    the drip steps already had, the nudges already sent, past live sessions with RSVPs."""

    def __init__(
        self,
        community_id: int,
        now: datetime,
        *,
        platform: str = "memory",
        workspace: str = "W1",
        seed: int = 7,
        first_member_id: int = 1000,
        lean: bool = False,
        recent_progress: bool = False,
        tier_id: int | None = None,
    ) -> None:
        """`lean`: one activity row per member and drip progress only where a scan would look
        (recent joiners): the same due work, far fewer rows (for footprint and start-up).
        `tier_id`: every member holds an open membership of this tier from their join (the drip,
        nudges, milestones and recaps are for current members only), and recent joiners were greeted
        in public (their welcome post is in the outbox); neither without it."""
        self.tier_id = tier_id
        self.lean = lean
        self.recent_progress = recent_progress or lean  # drip progress only for joiners a drip window can see
        self.community_id, self.now, self.platform, self.workspace = community_id, now, platform, workspace
        self.rng = random.Random(seed)
        self.rows = Rows()
        self.rows.next_id["members"] = first_member_id
        self.member_ids: list[int] = []

    def member(
        self,
        *,
        joined_at: datetime,
        last_active_at: datetime | None,
        delivery: str = "channel",
        history: bool = True,
        caught_up: bool = True,
        activity: int | None = None,
        level: int | str | None = "random",
    ) -> int:
        rng, rows = self.rng, self.rows
        since = last_active_at or joined_at
        # What the bot's last runs handled: the drip everything due by now, the hourly nudge scan everything
        # due within the hour ahead; a member not `caught_up` is left due what fell due in the last hour.
        drip_done = self.now if caught_up else self.now - timedelta(hours=1)
        nudges_done = self.now + timedelta(hours=1) if caught_up else self.now - timedelta(hours=1)
        # The check those runs left: the first stage not had yet, none after the last.
        pending = [since + timedelta(days=d) for d in NUDGE_DAYS if since + timedelta(days=d) > nudges_done]
        check = pending[0] if pending and self.tier_id is not None else None
        # Activity between the join and the last activity (a year of it for the oldest members).
        done: list[tuple[datetime, str]] = []
        count = activity if activity is not None else (1 if self.lean else rng.randint(0, 12))
        if history and last_active_at is not None and count:
            span = max(1.0, (last_active_at - joined_at).total_seconds())
            for i in range(count):
                at = last_active_at if i == 0 else joined_at + timedelta(seconds=rng.random() * span)
                done.append((at, rng.choice(ACTIVITY_KINDS)))
        first_message = min((at for at, kind in done if kind == "message"), default=None)
        mid = rows.add(
            "members",
            {
                "community_id": self.community_id,
                "display_name": f"Member {rows.next_id['members']}",
                "role": "member",
                "level": rng.randint(1, 5) if level == "random" else level,
                "segments": [],
                "locale": None,
                "timezone": None,
                "joined_at": joined_at,
                "left_at": None,
                "last_active_at": last_active_at,
                "nudge_check_at": check,
                "first_posted_at": first_message,
            },
        )
        rows.add(
            "platform_identities",
            {
                "member_id": mid,
                "platform": self.platform,
                "workspace_id": self.workspace,
                "user_id": f"U{mid:08d}",
                "dm_channel_id": None,
                "created_at": joined_at,
            },
        )
        rows.add(
            "member_preferences",
            {
                "member_id": mid,
                "delivery": delivery,
                "digest": "every",
                "time_of_day": None,
                "nudges": True,
                "celebrate": "dm",
                "answers": {},
                "intake_done_at": None,
            },
        )
        if self.tier_id is not None:
            rows.add(
                "memberships",
                {
                    "member_id": mid,
                    "tier_id": self.tier_id,
                    "status": "active",
                    "founding": False,
                    "started_at": joined_at,
                    # The check the drip left: the first step not had yet (all recent joiners were greeted).
                    "drip_check_at": min(
                        (t for _, offset in DRIP if (t := joined_at + offset) > drip_done), default=None
                    ),
                },
            )
        if self.tier_id is not None and joined_at > self.now - WELCOMED_WITHIN:  # greeted in #welcome on joining
            rows.add(
                "outbox",
                {
                    "dedupe_key": f"welcome-public:member:{mid}:{self.platform}:{self.workspace}",
                    "platform": self.platform,
                    "workspace_id": self.workspace,
                    "target": {"channel": "welcome"},
                    "member_id": mid,
                    "payload": {"text": "Welcome!"},
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": joined_at,
                    "created_at": joined_at,
                    "sent_at": joined_at,
                },
            )
        self.member_ids.append(mid)
        if not history:
            return mid
        for at, kind in done:
            rows.add("activity", {"member_id": mid, "kind": kind, "occurred_at": at, "ref": None})
        # Milestones already celebrated: tenure reached, and the first post.
        for key, days in (("1-month", 30), ("3-months", 91), ("1-year", 365)):
            if joined_at + timedelta(days=days) <= self.now - timedelta(hours=2):
                rows.add("milestones", {"member_id": mid, "key": key, "reached_at": joined_at + timedelta(days=days)})
        if first_message is not None:
            rows.add("milestones", {"member_id": mid, "key": "first-post", "reached_at": first_message})
        # Every drip step whose time has passed was had (or skipped) when it came due.
        recent = joined_at > self.now - timedelta(days=30)
        for step_id, offset in DRIP if recent or not self.recent_progress else ():
            if joined_at + offset <= drip_done:
                rows.add(
                    "onboarding_progress",
                    {"member_id": mid, "step_id": step_id, "outcome": "sent", "at": joined_at + offset},
                )
        # Every nudge stage this quiet stretch has passed went out when it came due.
        for day in NUDGE_DAYS:
            if since + timedelta(days=day) <= nudges_done:
                rows.add(
                    "nudges",
                    {
                        "member_id": mid,
                        "stage": f"day-{day}",
                        "sent_at": since + timedelta(days=day),
                        "came_back_at": None,
                    },
                )
        return mid

    def background(self, n: int) -> None:
        """`n` members who joined over the past year; most active lately, some quiet for weeks."""
        rng, now = self.rng, self.now
        for _ in range(n):
            joined = now - timedelta(seconds=rng.random() * 365 * 86400)
            age = (now - joined).total_seconds()
            quiet = age * (rng.random() ** 3)  # skewed: most members were active recently
            self.member(joined_at=joined, last_active_at=now - timedelta(seconds=quiet))

    def past_sessions(self, weeks: int = 52, share: float = 0.03) -> None:
        """A weekly live session for the past year, each RSVP'd by `share` of the members."""
        rng, rows = self.rng, self.rows
        attended: dict[int, list[datetime]] = defaultdict(list)
        for week in range(weeks, 0, -1):
            starts = self.now - timedelta(weeks=week)
            sid = self.session(starts, status="done")
            for mid in rng.sample(self.member_ids, max(1, int(len(self.member_ids) * share))):
                came = rng.random() < 0.6
                rows.add(
                    "rsvps",
                    {"session_id": sid, "member_id": mid, "created_at": starts - timedelta(days=2), "attended": came},
                )
                if came:
                    attended[mid].append(starts)
        for mid, times in attended.items():  # the fifth live session was celebrated when it happened
            if len(times) >= 5:
                rows.add("milestones", {"member_id": mid, "key": "5-live", "reached_at": times[4] + timedelta(hours=1)})

    def session(self, starts_at: datetime, *, status: str = "scheduled") -> int:
        return self.rows.add(
            "live_sessions",
            {
                "community_id": self.community_id,
                "title": f"Live {starts_at:%Y-%m-%d}",
                "starts_at": starts_at,
                "duration_min": 60,
                "link": None,
                "description": "",
                "recording_url": None,
                "status": status,
                "content_item_id": None,
                "external_ids": {},
                "created_at": starts_at - timedelta(days=7),
            },
        )

    def rsvp(self, session_id: int, member_id: int, created_at: datetime) -> None:
        self.rows.add(
            "rsvps", {"session_id": session_id, "member_id": member_id, "created_at": created_at, "attended": False}
        )


def _sqlite_value(column: str, value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if column in JSON_COLUMNS:
        return json.dumps(value)
    if isinstance(value, bool):
        return int(value)
    return value


async def write(database: Database, rows: Rows) -> None:
    """Insert everything in `rows` (parents first) and move the id sequences past it."""
    order = [t for t in COLUMNS if rows.tables.get(t)]
    async with database.engine.begin() as conn:  # the checks above were set by these steps
        await conn.execute(
            text("UPDATE communities SET nudge_policy = :nudges, drip_steps = :drip"),
            {"nudges": NudgePolicy().signature, "drip": DripChecks.signature(DRIP, True)},
        )
    if database.is_sqlite:
        async with database.engine.begin() as conn:
            for table in order:
                cols = COLUMNS[table]
                values = [
                    tuple(_sqlite_value(c, v) for c, v in zip(cols, row, strict=True)) for row in rows.tables[table]
                ]
                sql = f'INSERT INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})'
                await conn.exec_driver_sql(sql, values)
        return
    schema = schema_of(database)
    async with database.engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        for table in order:
            cols = COLUMNS[table]
            json_at = [i for i, c in enumerate(cols) if c in JSON_COLUMNS]
            records = rows.tables[table]
            if json_at:
                records = [tuple(json.dumps(v) if i in json_at else v for i, v in enumerate(r)) for r in records]
            await raw.copy_records_to_table(table, records=records, columns=list(cols), schema_name=schema)
        for table in order:
            if "id" in COLUMNS[table]:
                await conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")
                )
        for table in order:
            await conn.execute(text(f'ANALYZE "{table}"'))
