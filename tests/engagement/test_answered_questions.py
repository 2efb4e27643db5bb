"""/me and the monthly recap count the same answered questions: those asked since the membership began.

Found as an outsider: someone who asked on the waitlist and then joined read "2 questions answered"
in /me and "1 question answered" in the recap of the same month.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Fields, OutboundMessage
from bot.platforms.memory import MemoryPlatform


def with_header(memory: MemoryPlatform, user: str, prefix: str) -> list[OutboundMessage]:
    return [m for m in memory.dms_to(user) if getattr(m.blocks[0], "text", "").startswith(prefix)]


async def test_me_and_the_recap_count_questions_answered_since_joining(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.command("creator", "help")
    await memory.command("creator", "doors", "close")
    await memory.join("u1", "Alex")
    assert "waitlist" in (await memory.command("u1", "join")).texts[0]
    before = await memory.command("u1", "ask", "How do I pause my membership?")  # 20 Nov, on the waitlist
    assert "pause" in before.texts[0]
    clock.advance(timedelta(days=2))
    await memory.command("creator", "doors", "open")
    assert "You're in!" in (await memory.command("u1", "join")).texts[0]  # a member from 22 Nov
    clock.advance(timedelta(hours=1))
    after = await memory.command("u1", "ask", "How does the free trial work?")
    assert "trial" in after.texts[0]

    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # 09:00 in Oslo: the November recap goes
    for _ in range(3):
        await app.tick()
    [recap] = with_header(memory, "u1", "Your November in Strategy Club")
    fields = dict(next(b for b in recap.blocks if isinstance(b, Fields)).items)
    assert fields["Questions answered"] == "1"

    [me] = [m for m, _ in (await memory.command("u1", "me")).replies]
    page = "\n".join(str(getattr(b, "text", "")) for b in me.blocks)
    assert "• 1 question answered" in page, page
