"""Times a member reads are in their own zone once they set one (`/prefs timezone`), not the community's."""

from __future__ import annotations

from bot.app import App
from bot.handlers.home import render_home
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform
from tests.kits.members import become_member


def text_of(message: OutboundMessage) -> str:
    fields = [f"{label}: {value}" for b in message.blocks for label, value in getattr(b, "items", ())]
    return "\n".join([message.text, *(getattr(b, "text", "") or "" for b in message.blocks), *fields])


async def tokyo_member(memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Ann")
    assert (await memory.command("u1", "prefs", "timezone Asia/Tokyo")).texts[0].startswith("Saved.")


async def test_next_me_and_home_show_times_in_the_members_zone(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: after `/prefs timezone`, /next and /me still said "CET"."""
    await tokyo_member(memory)
    for command in ("next", "me"):
        shown = "\n".join(text_of(m) for m, _ in (await memory.command("u1", command)).replies)
        assert "JST" in shown and "CET" not in shown, command
    home = text_of(await render_home(app.services, memory.user("u1")))
    assert "JST" in home and "CET" not in home
    # Someone who set nothing reads the community's zone.
    await become_member(memory, "u2", "Bo")
    shown = "\n".join(text_of(m) for m, _ in (await memory.command("u2", "next")).replies)
    assert "CET" in shown and "JST" not in shown


async def test_the_intake_keeps_the_members_own_zone(app: App, memory: MemoryPlatform) -> None:
    """The intake's time-zone question started at the community's zone, so sending the form
    unchanged moved a member who had set their own back to it."""
    await tokyo_member(memory)
    opened = await memory.command("u1", "start")
    [form] = opened.forms
    [zone] = [f for f in form.fields if f.name == "timezone"]
    assert zone.initial == "Asia/Tokyo"
