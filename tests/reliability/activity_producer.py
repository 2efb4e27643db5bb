"""Run by tests/reliability/test_activity_sigkill.py: 64 producers log activity through `ActivityLog` until
killed; after each `record` returns, its ref is appended to the ack file (one `write` per line, which a
SIGKILL cannot tear). `python -m tests.reliability.activity_producer DB_URL ACK_FILE ROUND MEMBERS`."""

from __future__ import annotations

import asyncio
import os
import sys

from bot.clock import SystemClock
from bot.services.activity_log import ActivityLog
from storage.database import Database

PRODUCERS = 64


async def main(url: str, ack_path: str, round_: str, members: int) -> None:
    database = Database(url)
    log = ActivityLog(database)
    clock = SystemClock()
    acks = os.open(ack_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def producer(p: int) -> None:
        i = 0
        while True:
            ref = f"ev:{round_}:{p}:{i}"
            await log.record(1 + (p * 7 + i) % members, "message", clock.now(), ref)
            os.write(acks, (ref + "\n").encode())
            i += 1

    print("ready", flush=True)
    await asyncio.gather(*(producer(p) for p in range(PRODUCERS)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
