"""What the crash target records for the parent to count: every message the platform accepted
(an fsync'ed append-only delivery log, with an optional idempotency key) and, per message, the
accept-to-commit window. The log's format is described in `bot.testing.crash_target`.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import os
import time
from pathlib import Path
from typing import Any

from bot.messages import DeliveryKey, OutboundMessage, SentMessage, Target
from bot.outbox import DeliveryWorker, RowUpdate
from bot.platforms.memory import MemoryPlatform
from bot.ports import Platform
from bot.testing.crash_spec import Spec
from storage.models import OutboxMessage
from storage.repositories import outbox as outbox_repo

PLATFORM = "memory"
WORKSPACE = "W1"
CURRENT_ROW: contextvars.ContextVar[OutboxMessage | None] = contextvars.ContextVar("crash_current_row", default=None)


class AppendLog:
    """An append-only file written with one `write` per line (atomic, survives SIGKILL), fsync'ed when asked."""

    def __init__(self, path: Path, *, sync: bool) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._sync = sync

    def write(self, line: str) -> None:
        os.write(self._fd, (line + "\n").encode())
        if self._sync:
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


class RecordingPlatform(MemoryPlatform):
    """The memory platform, plus a durable record of every accepted message and its outbox token.

    It can model what each platform does with the token the outbox passes (`DeliveryKey`):
    `idempotent`, Discord's `nonce` + `enforce_nonce` (a repeat is answered with the first message);
    `history`, Slack's metadata (a send flagged `retry` is first looked up among the messages already
    accepted, as the Slack adapter reads the conversation's history). Neither: a platform that ignores it.
    """

    def __init__(self, spec: Spec) -> None:
        super().__init__(name=PLATFORM, workspaces=(WORKSPACE,))
        self._log = AppendLog(spec.log_path, sync=True)
        self._idempotent = spec.idempotent
        self._history = spec.history
        self._latency = spec.latency_ms / 1000
        self.accepted_at: dict[int, float] = {}
        self._seen: dict[str, str] = {}
        if (spec.idempotent or spec.history) and spec.log_path.exists():  # the platform outlives our process
            for line in spec.log_path.read_text().splitlines():
                entry = json.loads(line)
                if entry.get("kind") == "send" and entry.get("token"):
                    self._seen[entry["token"]] = entry["id"]

    async def send(
        self, target: Target, message: OutboundMessage, *, delivery: DeliveryKey | None = None
    ) -> SentMessage:
        if self._latency:  # the request's way to the platform
            await asyncio.sleep(self._latency / 2)
        row = CURRENT_ROW.get()
        key = row.dedupe_key if row is not None else None
        if row is not None:  # from here on the platform has the message: a kill now means a resend
            self.accepted_at[row.id] = time.perf_counter()
        token = delivery.token if delivery is not None else None
        looked_up = self._history and delivery is not None and delivery.retry
        if token in self._seen and (self._idempotent or looked_up):
            self._log.write(
                json.dumps({"kind": "suppressed", "key": key, "row": row.id if row else None, "t": time.time()})
            )
            sent = SentMessage(message_id=self._seen[token])
        else:
            delivered = await super().send(target, message)
            message_id = f"{os.getpid()}-{delivered.message_id}"
            self._log.write(
                json.dumps(
                    {
                        "kind": "send",
                        "key": key,
                        "token": token,
                        "row": row.id if row else None,
                        "id": message_id,
                        "to": target.address(),
                        "t": time.time(),
                    }
                )
            )
            if token:
                self._seen[token] = message_id
            sent = SentMessage(message_id=message_id, channel_id=delivered.channel_id)
        if self._latency:  # the response's way back
            await asyncio.sleep(self._latency / 2)
        return sent

    async def grant_access(self, workspace_id: str, user_id: str, tier: str) -> None:
        await super().grant_access(workspace_id, user_id, tier)
        self._log.write(json.dumps({"kind": "grant", "user": user_id, "tier": tier, "t": time.time()}))


class RecordingWorker(DeliveryWorker):
    """The real delivery worker; it only tells the platform which row it sends and times the window."""

    def __init__(self, *args: Any, window_path: Path, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._window = AppendLog(window_path, sync=False)

    async def _deliver(self, key: tuple[str, str], platform: Platform, row: OutboxMessage, *, upcoming: int) -> None:
        token = CURRENT_ROW.set(row)
        try:
            await super()._deliver(key, platform, row, upcoming=upcoming)
        finally:
            CURRENT_ROW.reset(token)

    async def _finish(self, update: RowUpdate, row: OutboxMessage, **values: Any) -> None:
        await super()._finish(update, row, **values)
        if update is outbox_repo.mark_sent:
            platform = self._platforms[row.platform]
            accepted = getattr(platform, "accepted_at", {}).pop(row.id, None)
            if accepted is not None:
                self._window.write(f"{(time.perf_counter() - accepted) * 1000:.3f}")
