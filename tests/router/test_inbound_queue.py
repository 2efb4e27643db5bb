"""Inbound events are recorded before they are acknowledged, and a crash after the ack is finished
by the next process: the event is handled from its row, once, and its reply reaches the member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.events import (
    ActionClicked,
    ChannelRef,
    CommandInvoked,
    Event,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
    MessagePosted,
    ReactionAdded,
    event_from_dict,
    event_to_dict,
)
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from storage.models import Feedback, InboundEvent, OutboxMessage


class Killed(BaseException):
    """Stands for SIGKILL right after the platform got its ack: nothing after it runs."""


async def _row(app: App, event_id: str) -> InboundEvent | None:
    async with app.database.session() as session:
        return await session.scalar(select(InboundEvent).where(InboundEvent.event_key == f"CommandInvoked:{event_id}"))


def _feedback(memory: MemoryPlatform, event_id: str, text: str) -> CommandInvoked:
    return CommandInvoked(
        user=memory.user("u-ada", "Ada"), name="feedback", args=text, event_id=event_id, responder=MemoryResponder()
    )


async def _killed_after_ack(app: App, event: Event) -> None:
    async def ack() -> None:
        raise Killed

    with pytest.raises(Killed):
        await app.router.dispatch(event, ack=ack)


async def test_the_event_is_recorded_before_the_ack_and_finished_after_handling(
    app: App, memory: MemoryPlatform
) -> None:
    seen_at_ack: list[InboundEvent | None] = []

    async def ack() -> None:
        seen_at_ack.append(await _row(app, "ev-1"))

    event = _feedback(memory, "ev-1", "More live sessions please")
    ctx = await app.router.dispatch(event, ack=ack)

    [row_at_ack] = seen_at_ack
    assert row_at_ack is not None and row_at_ack.status == "pending"
    assert row_at_ack.payload == event_to_dict(event)  # the event as it came, without its responder
    assert ctx is not None and ctx.replies
    row = await _row(app, "ev-1")
    assert row is not None and row.status == "done" and row.payload is None  # nothing personal kept once handled
    assert await app.router.dispatch(event, ack=ack) is None  # a retried delivery: acknowledged, not handled again
    assert len(seen_at_ack) == 2


async def test_an_event_acknowledged_then_lost_to_a_crash_is_handled_by_the_next_run(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await _killed_after_ack(app, _feedback(memory, "ev-2", "The drip is great"))
    async with app.database.session() as session:
        assert await session.scalar(select(func.count(Feedback.id))) == 0  # the handler never ran

    await app.tick()  # within the dead process's lease: not taken over yet
    assert memory.dms_to("u-ada") == []

    clock.advance(app.router.inbound_lease + timedelta(seconds=1))
    await app.tick()  # replays the row, then delivers its reply through the outbox

    async with app.database.session() as session:
        assert await session.scalar(select(func.count(Feedback.id))) == 1
        keys = list(
            await session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("inbound:%")))
        )
    row = await _row(app, "ev-2")
    assert row is not None and row.status == "done" and row.attempts == 2
    assert keys == [f"inbound:{row.id}:reply:0"]
    [reply] = memory.dms_to("u-ada")  # the interactive reply, as a DM: its interaction died with the old process
    assert reply.text

    clock.advance(timedelta(minutes=5))
    await app.tick()
    assert len(memory.dms_to("u-ada")) == 1  # done: never replayed again


async def test_a_retry_after_the_lease_is_handled_live_and_before_it_is_dropped(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await _killed_after_ack(app, _feedback(memory, "ev-3", "Love it"))
    assert await app.router.dispatch(_feedback(memory, "ev-3", "Love it")) is None  # the first may still be running

    clock.advance(app.router.inbound_lease + timedelta(seconds=1))
    retry = _feedback(memory, "ev-3", "Love it")
    ctx = await app.router.dispatch(retry)
    assert ctx is not None and isinstance(retry.responder, MemoryResponder) and retry.responder.replies
    await app.tick()
    assert memory.dms_to("u-ada") == []  # answered in place, not replayed as well
    async with app.database.session() as session:
        assert await session.scalar(select(func.count(Feedback.id))) == 1


async def test_an_event_that_keeps_killing_its_process_is_given_up(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await _killed_after_ack(app, _feedback(memory, "ev-4", "x"))
    async with app.database.session() as session:
        row = await session.scalar(select(InboundEvent).where(InboundEvent.event_key == "CommandInvoked:ev-4"))
        assert row is not None
        row.attempts = 5  # four replays already died with their process
    clock.advance(app.router.inbound_lease + timedelta(seconds=1))
    assert await app.router.replay_unfinished() == 0
    row = await _row(app, "ev-4")
    assert row is not None and row.status == "dead" and row.payload is None


def test_every_event_type_survives_serialisation() -> None:
    memory = MemoryPlatform()
    user = memory.user("u1", "Ada", locale="nb-NO")
    where = ChannelRef("memory", "W1", "C1", thread_id="t1", is_dm=False)
    events: list[Event] = [
        MemberJoined(user=user, event_id="1", pending=True),
        MemberLeft(user=user, event_id="2"),
        MessagePosted(user=user, channel=where, text="hi <@bot>", message_id="m1", mentions_bot=True, event_id="3"),
        ReactionAdded(user=user, channel=where, emoji="tada", message_id="m1", event_id="4"),
        CommandInvoked(user=user, name="ask", args="how?", event_id="5", responder=MemoryResponder()),
        ActionClicked(user=user, action_id="qa.rsvp:42", value="yes", event_id="6"),
        FormSubmitted(user=user, form_id="feedback", values={"text": "ok"}, event_id="7"),
    ]
    for event in events:
        data = event_to_dict(event)
        assert "responder" not in data
        assert event_from_dict(data) == event
    with pytest.raises(ValueError):
        event_from_dict({"type": "Nope", "user": {}})
