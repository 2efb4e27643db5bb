"""The waitlist as the person on it sees it: their place in /me, /leave takes them off it, an invitation
says how long it holds their seat, and a newcomer does not take a seat ahead of people still waiting."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import FakeClock
from bot.messages import Fields
from bot.platforms.memory import MemoryPlatform
from tests.kits.billing import newcomer


async def me_fields(memory: MemoryPlatform, user: str) -> dict[str, str]:
    [page] = (await memory.command(user, "me")).replies[0][:1]
    return dict(next(b for b in page.blocks if isinstance(b, Fields)).items)


async def a_full_seat_with_two_waiting(app: App, memory: MemoryPlatform) -> None:
    """Cap 1: Ann has the seat, Bo and Cy wait in that order."""
    await memory.command("creator", "doors", "cap 1")
    for user, name in (("u1", "Ann"), ("u2", "Bo"), ("u3", "Cy")):
        await newcomer(app, memory, user, name)
        await memory.command(user, "join")


async def test_the_invitation_says_until_when_the_seat_is_held(app: App, memory: MemoryPlatform) -> None:
    await a_full_seat_with_two_waiting(app, memory)
    await memory.command("creator", "member", "remove <@u1>")
    await app.settle()
    [invite] = memory.dms_to("u2")
    assert invite.text.startswith("Good news: a place has opened up in Strategy Club, and it's yours!")
    assert "I'm holding your seat until Mon 23 Nov" in invite.text
    assert "goes to the next person in line" in invite.text
    assert memory.dms_to("u3") == []
    fields = await me_fields(memory, "u2")
    assert fields["Waitlist"].startswith("You're invited: type /join (your seat is held until Mon 23 Nov")
    assert (await me_fields(memory, "u3"))["Waitlist"] == "Number 2 in line"
    # Found as an outsider: someone who never joined read "0 drops published since you joined".
    [page] = (await memory.command("u3", "me")).replies[0][:1]
    assert "since you joined" not in " ".join(str(getattr(b, "text", "")) for b in page.blocks)


async def test_a_newcomer_waits_behind_people_not_invited_yet(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: when an invitation lapsed, the seat went to whoever typed /join first,
    ahead of the people who had waited for it."""
    await a_full_seat_with_two_waiting(app, memory)
    await memory.command("creator", "member", "remove <@u1>")
    await app.settle()  # Bo is invited and does not answer
    clock.advance(timedelta(days=3, minutes=1))  # his invitation lapses, before any job runs
    await newcomer(app, memory, "u4", "Di")
    # behind Bo, whose invitation lapsed (he keeps his place for the next launch), and Cy
    assert "you're number 3" in (await memory.command("u4", "join")).texts[0]
    assert memory.access.get(("W1", "u4"), set()) == set()
    await app.settle()
    [invite] = memory.dms_to("u3")  # Cy, next in line, is invited at once
    assert invite.text.startswith("Good news:")
    assert (await me_fields(memory, "u4"))["Waitlist"] == "Number 3 in line"
    assert (await memory.click("u3", "billing.join")).texts == [
        "You're in! Welcome to Strategy Club. Your membership is active."
    ]


async def test_leave_takes_someone_off_the_waitlist(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: /leave told someone waiting "you don't have a membership", and kept them on."""
    await a_full_seat_with_two_waiting(app, memory)
    assert (await memory.command("u2", "leave")).texts == [
        "I've taken you off the waitlist. If you change your mind, `/join` puts you back in line (at the end)."
    ]
    assert "Waitlist" not in await me_fields(memory, "u2")
    assert (await me_fields(memory, "u3"))["Waitlist"] == "Number 1 in line"
    assert (await memory.command("u2", "leave")).texts[0].startswith("You don't have a membership right now")
    status = (await memory.command("creator", "doors")).replies[0][0]
    assert dict(status.blocks[1].items)["Waitlist"] == "1 waiting (0 invited)"  # type: ignore[attr-defined]
    assert "you're number 2" in (await memory.command("u2", "join")).texts[0]


async def test_leaving_the_waitlist_with_an_invitation_passes_the_seat_on(app: App, memory: MemoryPlatform) -> None:
    await a_full_seat_with_two_waiting(app, memory)
    await memory.command("creator", "member", "remove <@u1>")
    await app.settle()
    assert memory.dms_to("u3") == []
    await memory.command("u2", "leave")
    await app.settle()
    [invite] = memory.dms_to("u3")
    assert "I'm holding your seat until" in invite.text


async def test_taking_the_cap_off_invites_everyone_waiting(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: after `/doors cap off` the people waiting stayed on the list, uninvited,
    while a newcomer's /join went straight in."""
    await a_full_seat_with_two_waiting(app, memory)
    assert (await memory.command("creator", "doors", "cap off")).texts == [
        "No seat cap any more. Invited from the waitlist right away: 2."
    ]
    await app.settle()
    assert [len(memory.dms_to(user)) for user in ("u2", "u3")] == [1, 1]
    assert (await me_fields(memory, "u3"))["Waitlist"] == "You're invited: type /join"


async def test_someone_whose_held_seat_lapsed_is_told_once_and_keeps_their_place(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    """Found as an outsider: the invitation said "I'm holding your seat until Mon 23 Nov", and after that
    the seat went to the next in line without a word to the person it was held for."""
    await a_full_seat_with_two_waiting(app, memory)
    await memory.command("creator", "member", "remove <@u1>")
    await app.settle()  # Bo is invited and does not answer
    clock.advance(timedelta(days=2, hours=23))
    await app.tick()
    assert len(memory.dms_to("u2")) == 1  # only the invitation while the seat is still his
    for _ in range(3):
        clock.advance(timedelta(minutes=30))
        await app.tick()
    _invitation, lapsed = memory.dms_to("u2")
    assert lapsed.text.startswith("The seat I was holding for you has gone to the next person in line.")
    assert "You're still on the waitlist (number 1)" in lapsed.text
    assert [c.action_id for c in lapsed.choices()] == ["billing.join"]
    assert memory.dms_to("u3")[0].text.startswith("Good news:")  # Cy has the seat now
    assert (await me_fields(memory, "u2"))["Waitlist"] == "Number 1 in line"
