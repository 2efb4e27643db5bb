"""/next for members (best picks when nothing is scheduled) and for the creator (the runway), and
/library page by page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import ContentItem, Member

COOKING = "cooking"


def block_texts(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [getattr(b, "text", "") for b in reply.replies[0][0].blocks]


def buttons(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [btn.action_id for b in reply.replies[0][0].blocks for btn in getattr(b, "buttons", ())]


async def publish_everything(app: App, clock: FakeClock) -> None:
    clock.set(datetime(2026, 12, 28, 12, 0, tzinfo=UTC))  # after every queued slot
    await app.tick()


async def test_a_member_with_nothing_scheduled_gets_the_most_opened_items_for_their_level(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await publish_everything(app, clock)
    for user, name in (("u1", "Ann"), ("u2", "Ben"), ("u3", "Cat")):
        await memory.join(user, name)
        await memory.command(user, "join")  # opening a drop is for members
    async with app.database.session() as session:
        await session.execute(update(Member).where(Member.display_name == "Ann").values(level=1))
        items = {i.slug: i.id for i in (await session.scalars(select(ContentItem))).all()}
    # The pricing clinic (all levels) is opened by two members, the one-customer video (1-3) by one.
    for user in ("u2", "u3"):
        await memory.click(user, f"library.open:{items['w2-live-pricing-clinic']}")
    await memory.click("u2", f"library.open:{items['w1-find-your-one-customer']}")
    await memory.click(
        "creator", f"library.open:{items['w4-build-systems-before-you-hire']}"
    )  # the creator's opens don't count

    reply = await memory.command("u1", "next")
    texts = block_texts(reply)
    assert texts[0] == "Nothing new is scheduled right now. Meanwhile, the best of the library for you"
    lines = texts[1].splitlines()
    assert lines[0].startswith("• *Live: the pricing clinic*") and lines[1].startswith("• *Find your one customer*")
    assert len(lines) == 3 and "Build systems before you hire" not in texts[1]  # a level-4/5 deep-dive: not for Ann
    assert f"library.open:{items['w2-live-pricing-clinic']}" in buttons(reply)
    assert not any(COOKING in t for t in texts)


async def test_an_empty_library_and_an_empty_schedule_promise_nothing(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    async with app.database.session() as session:
        await session.execute(ContentItem.__table__.delete())  # type: ignore[attr-defined]
    reply = await memory.command("u1", "next")
    assert reply.texts == ["Nothing new is scheduled right now."]


async def test_a_search_of_a_library_nothing_was_published_to_says_it_is_empty(
    app: App, memory: MemoryPlatform
) -> None:
    # Every new community, until its first drop: searching used to crash the respelling (no words to offer).
    for words in ("pricing", "page abc", "prissætning"):
        reply = await memory.command("u1", "library", words)
        assert reply.texts == ["The library is empty for now: the first drop is on its way."], words


async def test_the_creators_next_shows_each_slots_runway(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    reply = await memory.command("creator", "next")
    texts = block_texts(reply)
    assert texts[0] == "Coming up"
    runway = texts[texts.index("Your drop slots") + 1].splitlines()
    assert runway[0] == "• *Mini-training* (Mon 09:00): 4 weeks queued, first empty 21 Dec 2026"
    assert len(runway) == 4
    assert "drops.new" in buttons(reply) and "drops.queue" in buttons(reply)

    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    await app.tick()
    short = block_texts(await memory.command("creator", "next"))
    assert "• ⚠️ *Mini-training* (Mon 09:00): only 1 week queued, first empty 21 Dec 2026." in short[-2]

    await publish_everything(app, clock)
    empty = block_texts(await memory.command("creator", "next"))
    assert (
        empty[0] == "Nothing is scheduled: every drop slot is empty. Add a drop with /drop add, or a file in content/."
    )
    assert "nothing queued, next firing" in empty[2] and not any(COOKING in t for t in empty)


async def test_the_library_pages_beyond_the_newest_ten(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await publish_everything(app, clock)  # 16 items
    first = await memory.command("u1", "library")
    texts = block_texts(first)
    assert texts[0] == "The library: 16 items"
    assert len(texts[1].splitlines()) == 10
    assert "Page 1 of 2. Type /library page N to jump to a page." in texts
    assert "library.page:2" in buttons(first)

    second = await memory.click("u1", "library.page:2")
    lines = block_texts(second)[1].splitlines()
    assert len(lines) == 6 and not set(lines) & set(texts[1].splitlines())  # the other six, none twice
    assert "library.page:1" in buttons(second) and "library.page:3" not in buttons(second)
    typed = await memory.command("u1", "library", "page 2")
    assert block_texts(typed)[1] == block_texts(second)[1]

    too_far = await memory.command("u1", "library", "page 3")
    assert too_far.texts == ["There is no page 3: the last one is page 2. Try /library page 2."]
    huge = "9" * 20  # found as an outsider: "Pages are numbered 1, 2, 3…"
    assert (await memory.command("u1", "library", f"page {huge}")).texts == [
        f"There is no page {huge}: the last one is page 2. Try /library page 2."
    ]
    # Quotes and punctuation around a word, and invisible characters, are not part of what is searched.
    quoted = block_texts(await memory.command("u1", "library", '“Positioning”, "worksheet"'))
    plain = block_texts(await memory.command("u1", "library", "positioning worksheet"))
    assert quoted[1:] == plain[1:] and "match" in plain[0]
    assert block_texts(await memory.command("u1", "library", "\u200b"))[0] == "The library: 16 items"
    opens = [a for a in buttons(first) if a.startswith("library.open:")]
    assert len(opens) == 10  # every listed item opens (it was the first five)


async def test_a_search_keeps_its_words_across_pages(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    await publish_everything(app, clock)
    found = await memory.command("u1", "library", "level:4 page 1")
    assert block_texts(found)[0] == "12 library items match “level:4”"
    assert "library.page:2~level%3A4" in buttons(found)
    second = await memory.click("u1", "library.page:2~level%3A4")
    assert block_texts(second)[0] == "12 library items match “level:4”"
    assert len(block_texts(second)[1].splitlines()) == 2


async def test_a_library_that_fits_one_page_has_no_page_buttons(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    for _ in range(8):
        await app.advance_time(timedelta(days=1))
    reply = await memory.command("u1", "library")
    assert not any(a.startswith("library.page") for a in buttons(reply))
    for typed in ("page 0", "page -1", "page −1"):
        assert (await memory.command("u1", "library", typed)).texts == [
            "Pages are numbered 1, 2, 3…: try /library page 1."
        ], typed
