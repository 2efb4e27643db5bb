"""Content for members: drops by DM for those who chose it, the weekly digest, library search, and /drop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.memory import MemoryPlatform
from storage.models import ContentItem, Member, MemberPreferences

SAT_DROP = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # the first deep-dive (levels 3-5)
MON_DROP = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the first mini-training (levels 1-3)


async def set_prefs(
    app: App, user_name: str, *, level: int | None, delivery: str, digest: str, tz: str | None = None
) -> None:
    async with app.database.session() as session:
        member = await session.scalar(select(Member).where(Member.display_name == user_name))
        prefs = await session.get(MemberPreferences, member.id)
        member.level, member.timezone = level, tz
        prefs.delivery, prefs.digest = delivery, digest


DROP_KINDS = ("Deep-dive:", "Mini-training:", "Resource:", "Live session:", "Your week")


def dm_headers(memory: MemoryPlatform, user: str) -> list[str]:
    """Headers of the drop DMs (and digests) a member got, leaving out onboarding messages."""
    headers = [m.blocks[0].text for m in memory.dms_to(user)]  # type: ignore[attr-defined]
    return [h for h in headers if h.startswith(DROP_KINDS)]


@pytest.fixture
async def members(app: App, memory: MemoryPlatform) -> None:
    for user, name in (("u1", "Ann"), ("u2", "Ben"), ("u3", "Cat"), ("u4", "Dev")):
        await memory.join(user, name)
        await memory.command(user, "join")  # drops by DM are for members
    await set_prefs(app, "Ann", level=4, delivery="dm", digest="every")
    await set_prefs(app, "Ben", level=1, delivery="dm", digest="every")  # the deep-dive is not for level 1
    await set_prefs(app, "Cat", level=4, delivery="channel", digest="every")
    await set_prefs(app, "Dev", level=None, delivery="dm", digest="weekly")
    await app.settle()


async def test_drops_go_by_dm_only_to_members_who_chose_it_and_at_their_level(
    app: App, memory: MemoryPlatform, clock: FakeClock, members: None
) -> None:
    clock.set(SAT_DROP)
    await app.tick()
    niche = "Deep-dive: The niche paradox: why narrowing down grows your business"
    assert dm_headers(memory, "u1") == [niche]
    assert dm_headers(memory, "u2") == []  # level 1: not their drop (it's still in the channel and library)
    assert dm_headers(memory, "u3") == []  # channel reader
    assert dm_headers(memory, "u4") == []  # weekly digest, not each drop
    assert len(memory.posts_in("drops")) == 1
    await app.tick()
    assert dm_headers(memory, "u1") == [niche]  # once


async def test_dm_drops_wait_for_quiet_hours_to_end(
    app: App, memory: MemoryPlatform, clock: FakeClock, members: None
) -> None:
    async with app.database.session() as session:
        item = await session.scalar(select(ContentItem).where(ContentItem.slug == "w1-the-niche-paradox"))
        item.publish_at = datetime(2026, 11, 21, 21, 0, tzinfo=UTC)  # 22:00 in Oslo
    clock.set(datetime(2026, 11, 21, 21, 0, tzinfo=UTC))
    await app.tick()
    assert len(memory.posts_in("drops")) == 1 and dm_headers(memory, "u1") == []
    clock.set(datetime(2026, 11, 22, 7, 0, tzinfo=UTC))  # 08:00 in Oslo
    await app.tick()
    assert len(dm_headers(memory, "u1")) == 1


async def test_weekly_digest_on_monday_morning_lists_last_weeks_drops_once(
    app: App, memory: MemoryPlatform, clock: FakeClock, members: None
) -> None:
    for _ in range(10 * 24):  # Friday 20 Nov to Monday 30 Nov
        await app.advance_time(timedelta(hours=1))
    digests = [h for h in dm_headers(memory, "u4") if h.startswith("Your week")]
    # Monday 23 Nov: the Saturday deep-dive; Monday 30 Nov: Mon, Wed, Thu, Sat drops of the week before.
    assert digests == ["Your week in the club, Dev: 1 new drop", "Your week in the club, Dev: 4 new drops"]
    first = next(m for m in memory.dms_to("u4") if m.text == digests[0])
    assert "The niche paradox" in first.blocks[1].text  # type: ignore[attr-defined]


async def test_library_searches_by_words_and_filters(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    for _ in range(8):
        await app.advance_time(timedelta(days=1))  # a week of drops: 5 items
    everything = await memory.command("u1", "library")
    assert everything.texts == ["The library: 5 items"]
    assert (await memory.command("u1", "library", "kind:resource")).texts == ["1 library item matches “kind:resource”"]
    assert (await memory.command("u1", "library", "level:5 kind:deep-dive")).texts[0].startswith("2 library items")
    assert (await memory.command("u1", "library", "hot seats")).texts == ["1 library item matches “hot seats”"]
    typo = (await memory.command("u1", "library", "hot seet")).replies[0][0]
    assert typo.text == "1 library item matches “hot seats”"
    assert "Nothing matched “hot seet”, so here is “hot seats”." in [getattr(b, "text", "") for b in typo.blocks]
    none = await memory.command("u1", "library", "blockchain")
    assert none.texts == ["Nothing in the library matches “blockchain” yet. Try fewer or other words."]
    bad = await memory.command("u1", "library", "kind:podcast")
    assert bad.texts == ["Kinds are: mini-training, resource, live, deep-dive."]


async def test_opening_an_item_counts_as_activity_and_unpublished_items_stay_hidden(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    from storage.models import Activity

    clock.set(SAT_DROP)
    await app.tick()
    async with app.database.session() as session:
        published = await session.scalar(select(ContentItem).where(ContentItem.published_at.is_not(None)))
        future = await session.scalar(select(ContentItem).where(ContentItem.published_at.is_(None)))
    visitor = await memory.click("u1", f"library.open:{published.id}")  # found as an outsider: bodies were open to all
    assert visitor.texts[0].startswith("The library's drops are for members")
    await memory.command("u1", "join")
    opened = await memory.click("u1", f"library.open:{published.id}")
    assert opened.replies[0][0].blocks[0].text.endswith(published.title)  # type: ignore[attr-defined]
    hidden = await memory.click("u1", f"library.open:{future.id}")
    assert hidden.texts == ["That item is not in the library."]
    async with app.database.session() as session:
        kinds = (await session.scalars(select(Activity.kind).where(Activity.ref == f"content:{published.id}"))).all()
    assert kinds == ["library_open"]


async def test_creator_adds_a_drop_through_the_form_and_it_takes_the_next_slot(
    app: App, memory: MemoryPlatform
) -> None:
    opened = await memory.command("creator", "drop", "add")
    assert opened.forms[0].form_id == "drops.add"
    done = await memory.submit(
        "creator",
        "drops.add",
        {
            "title": "Bonus: pricing Q&A notes",
            "kind": "resource",
            "levels": "2, 3",
            "topics": "Pricing",
            "url": "https://x.example/n",
        },
    )
    assert done.texts == [
        "Queued *Bonus: pricing Q&A notes*: it goes out Wed 23 Dec, 09:00 CET."
    ]  # after the 4 queued resources
    async with app.database.session() as session:
        item = await session.scalar(select(ContentItem).where(ContentItem.slug == "bonus-pricing-q-a-notes"))
    assert (item.levels, item.topics) == ([2, 3], ["pricing"])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"title": "", "kind": "resource"}, "Please give the drop a title"),
        ({"title": "X", "kind": "podcast"}, "Pick a kind"),
        ({"title": "X", "kind": "resource", "levels": "1,9"}, "Levels are numbers from 1 to 5"),
        ({"title": "X", "kind": "resource", "url": "javascript:alert(1)"}, "The link must start with https://"),
    ],
)
async def test_bad_drop_is_refused_and_nothing_is_queued(
    app: App, memory: MemoryPlatform, values: dict, message: str
) -> None:
    reply = await memory.submit("creator", "drops.add", values)
    assert message in reply.texts[0]
    async with app.database.session() as session:
        assert len((await session.scalars(select(ContentItem))).all()) == 16


async def test_creator_reschedules_and_publishes_now(app: App, memory: MemoryPlatform, clock: FakeClock) -> None:
    listing = await memory.command("creator", "drop", "list")
    assert "`w1-find-your-one-customer`" in listing.replies[0][0].blocks[1].text  # type: ignore[attr-defined]

    moved = await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2026-11-22 18:30")
    assert moved.texts == ["*Find your one customer* now goes out Sun 22 Nov, 18:30 CET."]
    # Found as an outsider: the date first and the slug last was "I couldn't read that date and time".
    swapped = await memory.command("creator", "drop", "schedule 2026-11-22 18:45 w1-find-your-one-customer")
    assert swapped.texts == ["*Find your one customer* now goes out Sun 22 Nov, 18:45 CET."]
    past = await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2020-01-01 10:00")
    assert past.texts == ["That time has already passed: pick a time in the future."]
    # 02:30 on 28 March 2027 does not exist in Oslo (clocks jump to 03:30): moved forward, as /live does.
    gap = await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2027-03-28 02:30")
    assert gap.texts == ["*Find your one customer* now goes out Sun 28 Mar, 03:30 CEST."]
    live = await memory.command("creator", "live", "schedule 2027-03-28 02:30 | Gap")
    assert "for Sun 28 Mar, 03:30 CEST" in live.texts[0]
    far = await memory.command("creator", "drop", "schedule w1-find-your-one-customer 2028-03-01 10:00")
    assert far.texts == ["2028-03-01 10:00 is more than a year away. Pick something sooner."]  # as typed, not in UTC
    garbled = await memory.command("creator", "drop", "schedule w1-find-your-one-customer next tuesday")
    assert garbled.texts[0].startswith("I couldn't read that date and time.")

    now = await memory.command("creator", "drop", "publish-now w4-the-one-page-operations-manual")
    await app.settle()
    assert now.texts == ["Published *The one-page operations manual* now."]
    assert [m.blocks[0].text for m in memory.posts_in("drops")] == ["Resource: The one-page operations manual"]  # type: ignore[attr-defined]
    again = await memory.command("creator", "drop", "publish-now w4-the-one-page-operations-manual")
    assert "already published" in again.texts[0]
    unknown = await memory.command("creator", "drop", "publish-now nope")
    assert unknown.texts == ["There is no drop called “nope”. /drop queue shows the queue with each drop's slug."]


async def test_members_cannot_manage_drops(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("u1", "drop", "publish-now w1-find-your-one-customer")
    assert reply.texts == ["Sorry, /drop is for the creator and moderators only."]
    async with app.database.session() as session:
        assert (await session.scalars(select(ContentItem).where(ContentItem.published_at.is_not(None)))).all() == []


async def test_a_drop_is_worded_for_each_reader(
    app: App, memory: MemoryPlatform, clock: FakeClock, members: None
) -> None:
    """The channel post is in the community's language; a DM is in the member's own."""
    async with app.database.session() as session:
        ann = await session.scalar(select(Member).where(Member.display_name == "Ann"))
        ann.locale = "nb"
    clock.set(SAT_DROP)
    await app.tick()
    [post] = memory.posts_in("drops")
    assert post.text == "New Deep-dive: The niche paradox: why narrowing down grows your business"
    [dm] = [m for m in memory.dms_to("u1") if m.text.startswith("Nytt:")]
    assert dm.text == "Nytt: Dypdykk – The niche paradox: why narrowing down grows your business"
