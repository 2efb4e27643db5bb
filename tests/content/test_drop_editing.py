"""Drops from chat: /drop edit, /drop unschedule, /drop remove and the queue per slot, creator only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import ContentItem

MINI = [
    "w1-find-your-one-customer",
    "w2-price-on-value-not-hours",
    "w3-the-weekly-marketing-rhythm",
    "w4-the-weekly-ceo-hour",
]


async def item(app: App, slug: str) -> ContentItem | None:
    async with app.database.session() as session:
        return await session.scalar(select(ContentItem).where(ContentItem.slug == slug))


async def mini_dates(app: App) -> dict[str, str]:
    """The mini-training drops' publish dates, by slug."""
    async with app.database.session() as session:
        rows = (await session.scalars(select(ContentItem).where(ContentItem.kind == "mini-training"))).all()
    return {r.slug: r.publish_at.strftime("%d %b") if r.publish_at else "-" for r in rows}


async def test_edit_with_arguments_changes_only_the_fields_given(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command(
        "creator", "drop", "edit w1-find-your-one-customer title=Find your ONE customer | levels=1,2 | url="
    )
    assert reply.texts[0].startswith("Saved *Find your ONE customer*.")
    assert "came from a file in content/" in reply.texts[0]  # the file would bring its version back
    edited = await item(app, "w1-find-your-one-customer")
    assert edited is not None
    assert (edited.title, edited.levels, edited.url) == ("Find your ONE customer", [1, 2], None)
    assert edited.topics == ["positioning", "marketing"] and edited.teaser.startswith("The fastest way")


async def test_edit_takes_the_names_the_form_shows(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: the form says "Link", but `link=` was refused ("can't be changed here")."""
    reply = await memory.command(
        "creator", "drop", "edit w1-find-your-one-customer Link=https://example.com/v2 | level=2 | topic=pricing"
    )
    assert reply.texts[0].startswith("Saved ")
    edited = await item(app, "w1-find-your-one-customer")
    assert edited is not None
    assert (edited.url, edited.levels, edited.topics) == ("https://example.com/v2", [2], ["pricing"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("w1-find-your-one-customer kind=resource", "“kind” can't be changed here. You can change: title, teaser"),
        ("w1-find-your-one-customer levels=1,7", "Levels are numbers from 1 to 5"),
        ("w1-find-your-one-customer url=ftp://x", "The link must start with https://"),
        ("w1-find-your-one-customer title=", "Please give the drop a title"),
        ("w1-find-your-one-customer just words", "Write the changes as field=value"),
        ("nope title=X", "There is no drop called “nope”."),
    ],
)
async def test_bad_edits_are_refused_and_change_nothing(
    app: App, memory: MemoryPlatform, args: str, message: str
) -> None:
    reply = await memory.command("creator", "drop", f"edit {args}")
    assert message in reply.texts[0]
    unchanged = await item(app, "w1-find-your-one-customer")
    assert unchanged is not None
    assert (unchanged.title, unchanged.levels) == ("Find your one customer", [1, 2, 3])


async def test_edit_form_is_filled_in_and_saves(app: App, memory: MemoryPlatform) -> None:
    opened = await memory.command("creator", "drop", "edit w2-price-on-value-not-hours")
    [form] = opened.forms
    initial = {f.name: f.initial for f in form.fields}
    assert form.form_id == "drops.edit"
    assert initial["slug"] == "w2-price-on-value-not-hours" and initial["title"] == "Price on value, not hours"
    done = await memory.submit(
        "creator", "drops.edit", {**initial, "teaser": "Stop selling hours.", "topics": "Pricing"}
    )
    assert done.texts[0].startswith("Saved *Price on value, not hours*.")
    edited = await item(app, "w2-price-on-value-not-hours")
    assert edited is not None and (edited.teaser, edited.topics) == ("Stop selling hours.", ["pricing"])


async def test_a_chat_drop_edits_without_a_file_note_and_a_published_one_says_posts_stay(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await memory.submit("creator", "drops.add", {"title": "Bonus notes", "kind": "resource"})
    chat = await memory.command("creator", "drop", "edit bonus-notes teaser=Short and sweet")
    assert chat.texts == ["Saved *Bonus notes*."]
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    await app.tick()
    published = await memory.command("creator", "drop", "edit w1-the-niche-paradox title=The niche paradox")
    assert "It was already posted: the library shows the new version" in published.texts[0]
    library = await memory.command("u1", "library")
    assert "The niche paradox" in library.replies[0][0].blocks[1].text  # type: ignore[attr-defined]


async def test_unschedule_puts_a_drop_at_the_back_and_the_others_move_up(app: App, memory: MemoryPlatform) -> None:
    before = await mini_dates(app)
    assert [before[s] for s in MINI] == ["23 Nov", "30 Nov", "07 Dec", "14 Dec"]
    reply = await memory.command("creator", "drop", "unschedule w1-find-your-one-customer")
    assert reply.texts == [
        "*Find your one customer* is back in the queue: it now goes out Mon 14 Dec, 09:00 CET, "
        "after the other Mini-training drops. The ones after it moved up a slot."
    ]
    after = await mini_dates(app)
    assert [after[s] for s in MINI] == ["14 Dec", "23 Nov", "30 Nov", "07 Dec"]
    last = await memory.command("creator", "drop", "unschedule w1-find-your-one-customer")
    assert last.texts[0].startswith("*Find your one customer* is already the last Mini-training drop queued")
    assert await mini_dates(app) == after


async def test_unschedule_keeps_a_drop_given_its_own_time_where_it_is(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "drop", "schedule w3-the-weekly-marketing-rhythm 2026-12-02 18:00")
    await memory.command("creator", "drop", "unschedule w1-find-your-one-customer")
    dates = await mini_dates(app)
    assert dates["w3-the-weekly-marketing-rhythm"] == "02 Dec"  # the creator's own time stands
    assert dates["w2-price-on-value-not-hours"] == "23 Nov"  # the slot drop behind moved up
    assert dates["w4-the-weekly-ceo-hour"] == "30 Nov"
    assert dates["w1-find-your-one-customer"] == "07 Dec"  # the first free firing after everything queued


async def test_unschedule_of_a_published_or_unknown_drop_is_refused(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    await app.tick()
    published = await memory.command("creator", "drop", "unschedule w1-the-niche-paradox")
    assert "already published" in published.texts[0]
    usage = await memory.command("creator", "drop", "unschedule")
    assert usage.texts[0].startswith("Use /drop queue, /drop add, /drop edit SLUG")


async def test_remove_deletes_a_queued_drop_and_closes_the_gap(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("creator", "drop", "remove w2-price-on-value-not-hours")
    assert reply.texts[0].startswith("Removed *Price on value, not hours*. The Mini-training drops after it moved up")
    assert "next `membot import` brings the drop back" in reply.texts[0]
    assert await item(app, "w2-price-on-value-not-hours") is None
    dates = await mini_dates(app)
    assert [dates[s] for s in MINI if s in dates] == ["23 Nov", "30 Nov", "07 Dec"]
    runway = {r.kind: r for r in await app.services.content.runway()}
    assert runway["mini-training"].weeks_queued == 3.0


async def test_a_published_drop_cannot_be_removed_and_stays_in_the_library(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 21, 9, 0, tzinfo=UTC))
    await app.tick()
    reply = await memory.command("creator", "drop", "remove w1-the-niche-paradox")
    assert reply.texts == [
        "*The niche paradox: why narrowing down grows your business* is already published, so it stays in the "
        "library. To change its words, use /drop edit w1-the-niche-paradox."
    ]
    assert await item(app, "w1-the-niche-paradox") is not None
    assert (await memory.command("u1", "library")).texts == ["The library: 1 item"]


@pytest.mark.parametrize(
    "args",
    [
        "edit w1-find-your-one-customer title=X",
        "unschedule w1-find-your-one-customer",
        "remove w1-find-your-one-customer",
        "queue",
    ],
)
async def test_members_cannot_change_the_queue(app: App, memory: MemoryPlatform, args: str) -> None:
    reply = await memory.command("u1", "drop", args)
    assert reply.texts == ["Sorry, /drop is for the creator and moderators only."]
    kept = await item(app, "w1-find-your-one-customer")
    assert kept is not None and kept.title == "Find your one customer"


async def test_members_cannot_submit_a_forged_edit_form(app: App, memory: MemoryPlatform) -> None:
    await memory.submit("u1", "drops.edit", {"slug": "w1-find-your-one-customer", "title": "Hacked"})
    kept = await item(app, "w1-find-your-one-customer")
    assert kept is not None and kept.title == "Find your one customer"


async def test_the_queue_lists_each_slot_with_dates_and_the_first_empty_one(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "drop", "schedule w4-the-weekly-ceo-hour 2026-12-02 18:00")
    reply = await memory.command("creator", "drop", "queue")
    sections = [b.text for b in reply.replies[0][0].blocks if type(b).__name__ == "Section"]  # type: ignore[attr-defined]
    mini = sections[0].splitlines()
    assert mini[0] == "*Mini-training* · Mon 09:00 · 3 weeks queued"
    assert mini[1] == "• Mon 23 Nov, 09:00 CET: *Find your one customer* `w1-find-your-one-customer`"
    assert mini[-1] == "• Mon 14 Dec, 09:00 CET: _nothing queued yet_"
    assert sections[4].splitlines() == [
        "*At a time of their own*",
        "• Wed 2 Dec, 18:00 CET: *The weekly CEO hour* (Mini-training) `w4-the-weekly-ceo-hour`",
    ]
    clicked = await memory.click("creator", "drops.queue")
    assert clicked.texts == ["The drop queue"]


async def test_a_link_too_long_for_the_database_is_refused(app: App, memory: MemoryPlatform) -> None:
    """Found while adding /drop edit: /drop add stored any length, which PostgreSQL's 500-character column refuses."""
    url = "https://x.example/" + "a" * 500
    reply = await memory.submit("creator", "drops.add", {"title": "Long link", "kind": "resource", "url": url})
    assert reply.texts == ["That link is too long: keep it under 500 characters."]
    assert await item(app, "long-link") is None


async def test_a_new_drop_keeps_to_the_teaser_limit_an_edit_has(app: App, memory: MemoryPlatform) -> None:
    """/drop edit refused a teaser over 500 characters, /drop add stored it: now both refuse, and
    the forms themselves stop at the limits."""
    values = {"title": "Long teaser", "kind": "resource", "teaser": "t" * 501}
    reply = await memory.submit("creator", "drops.add", values)
    assert reply.texts == ["Keep the teaser under 500 characters: one sentence is best."]
    assert await item(app, "long-teaser") is None
    [form] = (await memory.command("creator", "drop", "add")).forms
    limits = {f.name: f.max_length for f in form.fields}
    assert (limits["title"], limits["teaser"], limits["url"]) == (150, 500, 500)
