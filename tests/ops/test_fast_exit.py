"""Quitting never waits for the FAQ index: a build whose caller is cancelled stops at its next batch."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.services.faq.knowledge import Knowledge
from bot.settings import REPO_ROOT
from storage.database import Database
from tests.conftest import SAMPLE

BATCH_SECONDS = 0.2


class SlowEncoder:
    """Takes BATCH_SECONDS per batch, as a real encoder on a busy machine; counts its calls."""

    model_id = "slow-test-encoder"

    def __init__(self) -> None:
        self.calls = 0
        self.started = threading.Event()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.started.set()
        time.sleep(BATCH_SECONDS)
        rows = np.ones((len(texts), 4), dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def quit_during_warm_up(url: str, community_id: int, encoder: SlowEncoder, clock: FakeClock) -> float:
    """What `membot run` does on /quit while the index builds: cancel the warm-up, and leave
    asyncio.run, which waits for every worker thread. Returns the seconds from cancel to exit."""

    async def scenario() -> float:
        database = Database(url)
        try:
            warm_up = asyncio.create_task(Knowledge(database, clock, community_id, encoder).warm_up())
            await asyncio.to_thread(encoder.started.wait, 30)
            cancelled_at = time.monotonic()
            warm_up.cancel()
            with pytest.raises(asyncio.CancelledError):
                await warm_up
            return cancelled_at
        finally:
            await database.dispose()

    cancelled_at = asyncio.run(scenario())
    return time.monotonic() - cancelled_at


async def test_a_cancelled_warm_up_stops_between_batches(app: App, clock: FakeClock) -> None:
    encoder = SlowEncoder()
    with_thread: list[float] = []
    worker = threading.Thread(
        target=lambda: with_thread.append(
            quit_during_warm_up(app.database.url, app.services.community.id, encoder, clock)
        )
    )
    worker.start()
    await asyncio.to_thread(worker.join, 60)
    [seconds] = with_thread
    assert seconds < BATCH_SECONDS, seconds  # nobody waits for the batch in progress
    for thread in threading.enumerate():
        if thread.name == "faq-index-build":
            await asyncio.to_thread(thread.join, 10)
            assert not thread.is_alive()
    # The sample needs 10+ batches (2+ s here); the build stopped after the batch it was in.
    assert encoder.calls <= 2, encoder.calls


def test_a_finished_build_still_answers(tmp_path: Path) -> None:
    """The stoppable wrapper only stops a build that was called off: an index that finished keeps
    encoding questions (its stop flag is never set)."""
    from bot.services.faq import Document, FaqAnswerer
    from bot.services.faq.knowledge import StoppableEncoder

    encoder = StoppableEncoder(SlowEncoder(), threading.Event())
    answerer = FaqAnswerer([Document("faq:a", "faq", "How do I cancel?", "Use /billing.", "Use /billing.")], encoder)
    assert answerer.answer("how do I cancel my plan").doc is not None


# -- the real command --------------------------------------------------------------------


def run_console(db: Path, script: str, **extra_env: str) -> tuple[float, str, str]:
    """Run `membot run` on the console with `script` piped in; the seconds from the console
    echoing /quit to the process ending, and what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMBOT_", "SLACK_", "DISCORD_"))}
    env.update(extra_env)
    command = [sys.executable, "-m", "bot", "run", "--db", f"sqlite+aiosqlite:///{db}", "--community", str(SAMPLE)]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(script)
    process.stdin.close()
    lines, quit_at = [], None
    for line in process.stdout:
        lines.append(line)
        if "> /quit" in line:
            quit_at = time.monotonic()
    process.wait(timeout=180)
    ended = time.monotonic()
    stderr = process.stderr.read() if process.stderr else ""
    assert process.returncode == 0, stderr
    assert quit_at is not None, "".join(lines)
    return ended - quit_at, "".join(lines), stderr


def test_quit_after_time_exits_in_under_3_seconds(tmp_path: Path) -> None:
    seconds, out, _ = run_console(tmp_path / "membot.db", "/time +1d\n/quit\n")
    assert "time moves forward 1d" in out
    assert seconds < 3.0, f"{seconds:.1f} s from /quit to exit"
    # A second run on the same database: Alex is already a member, so nothing new is said, and
    # no log line about repeated deliveries stands in for it.
    seconds, out, err = run_console(tmp_path / "membot.db", "/quit\n")
    assert seconds < 3.0, f"{seconds:.1f} s from /quit to exit"
    assert "dropped a repeated" not in out + err
    assert "dropped a repeated" not in (tmp_path / "membot.log").read_text()


def test_a_called_off_encoder_refuses_the_next_batch() -> None:
    from bot.services.faq.knowledge import BuildCanceled, StoppableEncoder

    inner, stop = SlowEncoder(), threading.Event()
    encoder = StoppableEncoder(inner, stop)
    assert encoder.encode_passages(["a", "b"]).shape == (2, 4) and inner.calls == 1
    stop.set()
    with pytest.raises(BuildCanceled):
        encoder.encode_queries(["c"])
    assert inner.calls == 1


def test_a_first_run_keeps_start_up_logs_out_of_the_chat(tmp_path: Path) -> None:
    """On a fresh machine, importing the app logs (matplotlib builds its font cache): that line goes
    to membot.log, not to the terminal above the welcome."""
    _, out, err = run_console(tmp_path / "membot.db", "/quit\n", MPLCONFIGDIR=str(tmp_path / "matplotlib"))
    assert "fontManager" not in out + err
    assert "generated new fontManager" in (tmp_path / "membot.log").read_text()
