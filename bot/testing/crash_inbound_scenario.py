"""The crash harness's inbound scenario, parent side: post `/feedback` commands to the target's
`POST /inbound` (retrying until acknowledged, as Slack retries an unacknowledged delivery), then
check every acknowledged event was handled: a reply (once), a feedback row, row `done`.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.testing.crash_spec import Spec
from storage.database import Database
from storage.models import Feedback, InboundEvent


def event_id(n: int) -> str:
    return f"ev-{n}"


async def post_commands(spec: Spec, members: list[int], acknowledged: list[str]) -> None:
    """One command per member, each posted until a 200 (the ack) comes back; appends to `acknowledged`."""
    url = f"http://127.0.0.1:{spec.port}/inbound"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        for n in range(len(members)):
            body = {"user": f"u{n}", "event_id": event_id(n), "text": f"idea number {n}"}
            for _ in range(2000):
                try:
                    async with session.post(url, json=body) as response:
                        await response.read()
                        if response.status == 200:
                            acknowledged.append(event_id(n))
                            break
                except (aiohttp.ClientError, TimeoutError, ConnectionError):
                    pass
                await asyncio.sleep(0.02)
            else:
                raise TimeoutError(f"{event_id(n)} never acknowledged")


async def count(spec: Spec, database: Database, acknowledged: list[str]) -> dict[str, Any]:
    """Replies per event (live `reply:<id>`, or replayed `inbound:<row>:reply:0` through the outbox),
    feedback rows per event, unfinished rows: what was lost and what was handled twice."""
    async with database.session() as session:
        rows = (await session.execute(select(InboundEvent.id, InboundEvent.event_key, InboundEvent.status))).all()
        texts = Counter(await session.scalars(select(Feedback.text)))
    by_row = {row_id: key.partition(":")[2] for row_id, key, _ in rows}
    replies: dict[
        str, set[str]
    ] = {}  # event -> distinct reply keys (a resend of one outbox row is the outbox's duplicate)
    replayed = 0
    for line in spec.log_path.read_text().splitlines():
        key = json.loads(line).get("key") or ""
        if key.startswith("reply:"):
            replies.setdefault(key.partition(":")[2], set()).add(key)
        elif key.startswith("inbound:"):
            replies.setdefault(by_row.get(int(key.split(":")[1]), "?"), set()).add(key)
            replayed += 1
    wanted = set(acknowledged)
    lost = {e for e in wanted if not replies.get(e) or texts[f"idea number {e[3:]}"] == 0}
    replied_twice = {e for e in wanted if len(replies.get(e, ())) > 1}
    twice = replied_twice | {e for e in wanted if texts[f"idea number {e[3:]}"] > 1}
    return {
        "acknowledged": len(wanted),
        "lost": len(lost) + sum(1 for _, _, status in rows if status != "done"),
        "handled_twice": len(twice),
        "replied_twice": len(replied_twice),
        "replayed": replayed,
    }
