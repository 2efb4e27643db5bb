"""`/live ask N question` for a session that is over, cancelled or never was: a clear reply, nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import LiveQuestion
from tests.kits.members import become_member

SUNDAY = "2026-11-22 17:00 | Sunday hot seats"  # #1: 16:00-17:00 UTC
PRICING = "2026-12-03 17:00 | Pricing clinic"  # #2
AFTER_SUNDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def questions(app: App) -> int:
    async with app.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(LiveQuestion)) or 0)


async def two_sessions(app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1")
    for args in (SUNDAY, PRICING):
        await memory.command("creator", "live", f"schedule {args}")
    await app.settle()


async def ask(memory: MemoryPlatform, args: str, user: str = "u1") -> str:
    [said] = (await memory.command(user, "live", f"ask {args}")).texts
    return said


async def test_a_session_number_that_never_was_stores_nothing(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/live ask 99 hi` thanked the member and filed "99 hi" under the next session."""
    await two_sessions(app, memory)
    said = await ask(memory, "99 hi")
    assert said.startswith("There's no upcoming live session #99, so I haven't sent your question."), said
    assert "`/live ask #1 99 …` sends it to *Sunday hot seats*" in said
    assert (await ask(memory, "#99 hi")).startswith("There's no live session #99.")
    assert await questions(app) == 0


async def test_a_session_that_is_over_or_cancelled_stores_nothing(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await two_sessions(app, memory)
    clock.set(AFTER_SUNDAY)
    said = await ask(memory, "1 late question")  # not filed under #2, the next one
    assert said.startswith("There's no upcoming live session #1,") and "`/live ask #2 1 …`" in said, said
    assert (await ask(memory, "#1 late question")) == "Session #1 *Sunday hot seats* is already over."
    await memory.command("creator", "live", "cancel 2")
    assert (await ask(memory, "#2 a question")) == "Session #2 *Pricing clinic* was cancelled."
    assert await questions(app) == 0
    assert (await ask(memory, "2 questions")).startswith("There's no live session coming up right now")
    assert await questions(app) == 0


async def test_in_norwegian_and_for_someone_who_never_joined(app: App, memory: MemoryPlatform) -> None:
    await two_sessions(app, memory)
    await memory.command("u1", "prefs", "language nb")
    said = await ask(memory, "99 hei")
    assert said.startswith("Det finnes ingen kommende live-økt nr. 99, så jeg har ikke sendt spørsmålet ditt."), said
    await memory.join("u2", "Bea")
    assert (await ask(memory, "99 hi", "u2")).startswith("Live sessions are for members")
    assert await questions(app) == 0


async def test_a_negative_or_zero_session_number_stores_nothing(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/live ask -1 hallo` filed "-1 hallo" under the next session, `#0 hallo` filed "hallo"."""
    await two_sessions(app, memory)
    for typed in ("-1", "-5", "\u22122"):
        said = await ask(memory, f"{typed} hallo")
        number = typed.replace("\u2212", "-")
        assert said.startswith(f"There's no upcoming live session #{number}, so I haven't sent your question."), said
    for typed, number in (("#-1", "-1"), ("#0", "0")):
        assert (
            await ask(memory, f"{typed} hallo")
        ) == f"There's no live session #{number}. `/live list` shows the upcoming ones."
    assert await questions(app) == 0
    assert (await ask(memory, "#1 -1 is my answer?")).startswith("Thanks! Yours is question 1 for *Sunday hot seats*")
