"""/poll: posted with one button per option, one (changeable) vote per member, results, close."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.events import ChannelRef, CommandInvoked
from bot.messages import ActionId, Buttons, OutboundMessage
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from storage.models import Poll, PollVote
from tests.kits.members import become_member

QUESTION = "When should the live Q&A be? | Mornings | Evenings | Weekends"


def text_of(message: OutboundMessage) -> str:
    return "\n".join([message.text, *(getattr(b, "text", "") for b in message.blocks)])


async def post_poll(app: App, memory: MemoryPlatform, user: str = "creator", args: str = QUESTION) -> OutboundMessage:
    await memory.command(user, "poll", args)
    await app.settle()
    [post] = memory.posts_in("announcements")
    return post


async def members(memory: MemoryPlatform, *users: str) -> None:
    """Only members vote: these people join first."""
    for user in users:
        await become_member(memory, user)


async def votes(app: App) -> int:
    async with app.database.session() as session:
        return await session.scalar(select(func.count()).select_from(PollVote)) or 0


async def test_poll_is_posted_with_a_button_per_option(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("mod", "poll", QUESTION)  # moderators may run polls
    assert reply.texts == ["Poll #1 is posted in #announcements. Close it with `/poll close 1`."]
    await app.settle()
    [post] = memory.posts_in("announcements")
    assert post.text == "Poll: When should the live Q&A be?"
    options = post.blocks[1]
    assert isinstance(options, Buttons)
    assert [(b.label, b.action_id) for b in options.buttons] == [
        ("Mornings", "poll.vote:1:0"),
        ("Evenings", "poll.vote:1:1"),
        ("Weekends", "poll.vote:1:2"),
    ]
    assert ActionId.parse("poll.vote:1:2").arg == "1:2"  # the action id format carries poll and option
    assert "poll.results:1" in [c.action_id for c in post.choices()]  # type: ignore[union-attr]


async def test_poll_asked_in_a_channel_is_posted_there(app: App, memory: MemoryPlatform) -> None:
    responder = MemoryResponder()
    await memory.emit(
        CommandInvoked(
            user=memory.user("creator"),
            channel=ChannelRef("memory", "W1", "general"),
            name="poll",
            args="Pizza? | Yes | No",
            event_id="ev-poll",
            responder=responder,
        )
    )
    await app.settle()
    assert responder.texts == ["Poll #1 is posted in #general. Close it with `/poll close 1`."]
    assert [m.text for m in memory.posts_in("general")] == ["Poll: Pizza?"]
    assert memory.posts_in("announcements") == []


async def test_one_vote_per_member_and_changing_it(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1", "u2", "u3")
    await post_poll(app, memory)
    first = await memory.click("u1", "poll.vote:1:0")
    [(result, ephemeral)] = first.replies
    assert ephemeral
    shown = text_of(result)
    assert "you voted *Mornings*" in shown
    assert "*Mornings* ← your vote\n`██████████` 1 · 100%" in shown
    assert "1 vote so far · poll #1 is open" in shown

    await memory.click("u2", "poll.vote:1:1")
    await memory.click("u3", "poll.vote:1:1")
    changed = await memory.click("u1", "poll.vote:1:1")  # u1 changes their mind
    shown = text_of(changed.replies[0][0])
    assert "*Mornings*\n`░░░░░░░░░░` 0 · 0%" in shown
    assert "*Evenings* ← your vote\n`██████████` 3 · 100%" in shown
    await memory.click("u1", "poll.vote:1:1")  # the same vote again changes nothing
    assert await votes(app) == 3


async def test_results_on_demand_and_by_command(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1", "u2", "u3", "u4")
    await post_poll(app, memory)
    for user, option in (("u1", 0), ("u2", 2), ("u3", 2), ("u4", 1)):
        await memory.click(user, f"poll.vote:1:{option}")
    seen = await memory.click("u9", "poll.results:1")  # someone who has not voted
    shown = text_of(seen.replies[0][0])
    assert "*Weekends*\n`█████░░░░░` 2 · 50%" in shown and "your vote" not in shown
    assert "4 votes so far" in shown
    by_command = await memory.command("creator", "poll", "results")  # the latest poll
    assert "*Mornings*\n`███░░░░░░░` 1 · 25%" in text_of(by_command.replies[0][0])


async def test_closing_posts_final_results_where_the_poll_was_and_stops_votes(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1", "u2", "u3", "u4")
    await post_poll(app, memory)
    await memory.click("u1", "poll.vote:1:2")
    await memory.click("u2", "poll.vote:1:2")
    await memory.click("u3", "poll.vote:1:0")
    closed = await memory.command("mod", "poll", "close 1")
    assert closed.texts[0] == "Poll #1 is closed. The final results are posted with it."
    await app.settle()
    final = memory.posts_in("announcements")[-1]
    assert final.text == "Poll closed: When should the live Q&A be?"
    assert "🏆 The winner: *Weekends*" in text_of(final)

    late = await memory.click("u4", "poll.vote:1:0")
    assert late.texts == ["This poll is closed, so it no longer takes votes."]
    assert await votes(app) == 3
    again = await memory.command("mod", "poll", "close 1")
    assert again.texts == ["Poll #1 is already closed."]
    await app.settle()
    assert len(memory.posts_in("announcements")) == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("Just a question", "Write it like this"),
        ("Only one? | Yes", "Write it like this"),
        ("Too many | " + " | ".join(str(n) for n in range(11)), "at most 10 options; that one has 11"),
        ("Same? | Yes | yes", "Two options are the same"),
        ("Long? | " + "x" * 76 + " | No", "too long for a button"),
        ("results abc", "“abc” is not a poll number. Try `/poll results 3`."),
        ("close all", "“all” is not a poll number. Try `/poll close 3`."),  # it suggested `/poll results 3`
        ("Look-alike? | a\u200b | a", "Two options are the same"),  # a zero-width space is not a difference
        ("results 42", "I can't find poll #42."),
        ("close", "There is no open poll to close."),
    ],
)
async def test_bad_polls_are_friendly_errors_and_create_nothing(
    app: App, memory: MemoryPlatform, args: str, expected: str
) -> None:
    reply = await memory.command("creator", "poll", args)
    assert expected in reply.texts[0]
    async with app.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Poll)) == 0
    await app.settle()
    assert memory.posts_in("announcements") == []


async def test_stale_or_forged_vote_buttons(app: App, memory: MemoryPlatform) -> None:
    await members(memory, "u1")
    await post_poll(app, memory)
    for action in ("poll.vote:1:7", "poll.vote:1", "poll.vote:x:1"):
        reply = await memory.click("u1", action)
        assert "That button no longer does anything" in reply.texts[0]
    missing = await memory.click("u1", "poll.vote:9:0")
    assert missing.texts == ["I can't find poll #9."]
    assert await votes(app) == 0


async def test_the_poll_form(app: App, memory: MemoryPlatform) -> None:
    reply = await memory.command("creator", "poll")
    [form] = reply.forms
    submitted = await memory.submit("creator", form.form_id, {"question": "Best day?", "options": "Mon\n\nTue\nWed\n"})
    assert submitted.texts[0].startswith("Poll #1 is posted")
    await app.settle()
    [post] = memory.posts_in("announcements")
    assert [b.label for b in post.blocks[1].buttons] == ["Mon", "Tue", "Wed"]  # type: ignore[attr-defined]
    forged = await memory.submit("u1", form.form_id, {"question": "Spam?", "options": "a\nb"})
    assert forged.texts == ["Sorry, /poll is for the creator and moderators only."]


async def test_the_forms_options_on_one_line_separated_by_bars(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: the console asks a line at a time, so "Mon | Tue | Wed" was one option
    and the poll was refused for having fewer than two."""
    [form] = (await memory.command("creator", "poll")).forms
    submitted = await memory.submit("creator", form.form_id, {"question": "Best day?", "options": "Mon | Tue | Wed"})
    assert submitted.texts[0].startswith("Poll #1 is posted")
    await app.settle()
    [post] = memory.posts_in("announcements")
    assert [b.label for b in post.blocks[1].buttons] == ["Mon", "Tue", "Wed"]  # type: ignore[attr-defined]


async def test_only_current_members_vote(app: App, memory: MemoryPlatform) -> None:
    """Someone who never joined and a removed member are told how to join; their clicks count nothing."""
    await members(memory, "alex", "chen")
    await memory.join("bea", "Bea")  # arrived, never joined
    removed = await memory.command("creator", "member", "remove chen")
    assert "membership has ended" in removed.texts[0]
    await post_poll(app, memory)

    for user in ("bea", "chen"):
        refused = await memory.click(user, "poll.vote:1:0")
        assert refused.texts == [
            "Polls are for members, so your vote wasn't counted. Type `/join` to become a member (or to come back)."
        ]
    assert await votes(app) == 0

    counted = await memory.click("alex", "poll.vote:1:2")
    assert "1 vote so far · poll #1 is open" in text_of(counted.replies[0][0])
    team = await memory.click("mod", "poll.vote:1:2")  # the creator's team votes too
    assert "2 votes so far" in text_of(team.replies[0][0])
    results = await memory.command("creator", "poll", "results 1")
    assert "2 votes so far" in text_of(results.replies[0][0])


def test_every_poll_notice_has_a_view() -> None:
    from bot.notices.polls import PollClosed, PollPosted
    from bot.views.notices import all_views

    assert {PollPosted, PollClosed} <= set(all_views())


async def test_a_tie_is_called_a_tie(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: one vote each was posted as "🏆 The winner: *Mornings / Weekends*"."""
    await members(memory, "u1", "u2")
    await post_poll(app, memory)
    await memory.click("u1", "poll.vote:1:0")
    await memory.click("u2", "poll.vote:1:2")
    await memory.command("mod", "poll", "close 1")
    await app.settle()
    final = text_of(memory.posts_in("announcements")[-1])
    assert "🤝 A tie between *Mornings* and *Weekends*" in final and "winner" not in final
