"""The crash target's zygote, seen from the harness: one `python -m bot.testing.crash_target serve`
process that imports the app once and forks a child per `setup` or `run` request, reporting each
child's pid, readiness and exit code on its stdout. A restart after a SIGKILL costs a fork.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bot.settings import REPO_ROOT
from bot.testing.crash_spec import Spec

READY_TIMEOUT = 60.0
FINISH_TIMEOUT = 120.0


class Zygote:
    """`crash_target serve`: imports once, then forks a child per request (restarts cost milliseconds)."""

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self._proc: asyncio.subprocess.Process | None = None
        self._pids: asyncio.Queue[int] = asyncio.Queue()
        self._ready: dict[int, asyncio.Event] = {}
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._errors: list[str] = []
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        stderr = open(self._workdir / "zygote.stderr", "ab")  # noqa: SIM115 - closed with the process
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.testing.crash_target",
            "serve",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
            cwd=REPO_ROOT,
            env=env,
        )
        stderr.close()
        self._reader = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._proc is None:
            return
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            await asyncio.wait_for(self._proc.wait(), 10)
        except TimeoutError:
            self._proc.kill()
            await self._proc.wait()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while line := (await self._proc.stdout.readline()).decode().strip():
            kind, _, rest = line.partition(" ")
            if kind == "pid":
                await self._pids.put(int(rest))
            elif kind == "ready":
                self._ready.setdefault(int(rest), asyncio.Event()).set()
            elif kind == "exit":
                pid, code = rest.split()
                self._exit(int(pid)).set_result(int(code))
            elif kind == "error":
                self._errors.append(rest)

    def _exit(self, pid: int) -> asyncio.Future[int]:
        return self._exits.setdefault(pid, asyncio.get_running_loop().create_future())

    async def spawn(self, mode: str, spec: Spec) -> int:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write((json.dumps({"mode": mode, "spec": asdict(spec)}) + "\n").encode())
        await self._proc.stdin.drain()
        pid = await asyncio.wait_for(self._pids.get(), READY_TIMEOUT)
        self._ready.setdefault(pid, asyncio.Event())
        self._exit(pid)
        return pid

    async def wait_ready(self, pid: int) -> bool:
        """True once the child is up; False if it exited first."""
        ready = asyncio.ensure_future(self._ready[pid].wait())
        waiting: set[asyncio.Future[Any]] = {ready, self._exits[pid]}
        done, _ = await asyncio.wait(waiting, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if not done:
            raise TimeoutError(f"child {pid} did not start: {self.errors()}")
        return self._ready[pid].is_set()

    async def wait_exit(self, pid: int, timeout: float = FINISH_TIMEOUT) -> int:
        try:
            return await asyncio.wait_for(asyncio.shield(self._exits[pid]), timeout)
        except TimeoutError:
            raise TimeoutError(f"child {pid} did not finish: {self.errors()}") from None

    def exited(self, pid: int) -> bool:
        return self._exits[pid].done()

    def errors(self) -> str:
        tail = (self._workdir / "zygote.stderr").read_text(errors="replace")[-3000:]
        return "; ".join(self._errors) + (f"\n{tail}" if tail else "")
