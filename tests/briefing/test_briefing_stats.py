"""`/briefing` says what `/stats 7` says: the same figures on the same data, and the names behind them."""

from __future__ import annotations

from bot.app import App
from bot.messages import Buttons, Fields, OutboundMessage
from bot.notices.analytics import Period
from bot.platforms.memory import MemoryPlatform
from storage.models import FaqQuestion, Member, Nudge
from tests.kits.analytics import NOW, add_member, add_membership, ago, membership_dataset


def fields(message: OutboundMessage) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in message.blocks:
        if isinstance(block, Fields):
            found.update(dict(block.items))
    return found


def body(message: OutboundMessage) -> str:
    return "\n".join(getattr(b, "text", "") for b in message.blocks)


def button_ids(message: OutboundMessage) -> list[str]:
    return [b.action_id for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]


async def week_of_data(app: App) -> None:
    """The analytics dataset, plus a cancellation, FAQ questions and check-ins within the last 7 days."""
    db, ctx = app.database, app.services.community
    await membership_dataset(db, ctx)
    vic = await add_member(db, ctx.id, "Vic Leaving")
    await add_membership(db, vic, "canceled", "monthly", 60, ended=2)  # canceled 2 days ago
    async with db.session() as session:
        session.add_all(
            FaqQuestion(community_id=ctx.id, question=q, status=s, asked_at=ago(d))
            for q, s, d in (
                ("How do refunds work?", "answered", 1),
                ("Zoom link?", "unanswered", 2),
                ("Can I pause?", "forwarded", 3),
                ("Old question", "unanswered", 20),  # not this week
            )
        )
        m1 = (await session.scalars(Member.__table__.select().where(Member.display_name == "m1"))).first()
        assert m1 is not None
        session.add_all(
            [
                Nudge(member_id=m1, stage="day-10", sent_at=ago(5), came_back_at=ago(4)),
                Nudge(member_id=m1, stage="day-21", sent_at=ago(6), came_back_at=None),
            ]
        )


async def test_every_figure_agrees_with_stats_7(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await week_of_data(app)
    stats = fields((await memory.command("creator", "stats", "7")).replies[0][0])
    reply = await memory.command("creator", "briefing")
    message, ephemeral = reply.replies[0]
    assert ephemeral  # names and money: for the creator's eyes only
    text = body(message)

    # membership: m11 is the one new member this week; Vic canceled, m5's payment failed
    assert stats["Members"] == "8 (-1 since the start)"
    assert "• Members: 8 (-1)" in text
    assert stats["New members"] == "1"
    assert "• New members: 1: m11" in text
    assert stats["Churned"] == "2 (1 canceled, 1 failed payment)"
    assert "• Canceled: 1: Vic Leaving" in text
    assert "• Failed payments: 1: m5" in text
    # the FAQ: 3 asked this week, 1 answered by the bot
    assert stats["FAQ deflection"] == "33% (1 of 3 answered by me)"
    assert "• FAQ misses: 2 of 3 questions this week I couldn't answer myself" in text
    # check-ins: the day-21 one's window has not passed, so only one outcome is known
    assert stats["Nudge win-back"] == "100% (1 of 1 came back)"
    assert "• Nudge win-back: 1 of 1 came back" in text
    # the inbox: every open question counts; the one passed on to the creator comes first
    assert "• Inbox: 3 unanswered, next up: “Can I pause?” (?, 17 Nov 2026)" in text
    assert "faq.inbox" in button_ids(message) and "briefing.stats" in button_ids(message)

    # and the data behind both, field by field
    built = await app.services.briefing.build()
    same = await app.services.analytics.figures(Period.last(7, NOW))
    assert (built.membership, built.engagement, built.faq) == (same.membership, same.engagement, same.faq)
    assert len(built.joined) == built.membership.new
    assert len(built.canceled) == built.membership.churned_voluntary
    assert len(built.failed_payment) == built.membership.churned_failed_payment


async def test_briefing_is_for_the_creator(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Dana Smith")
    assert "for the creator" in (await memory.command("u1", "briefing")).texts[0]
    refused = await memory.click("u1", "briefing.stats")
    assert refused.texts == ["Only the creator gets the briefing."]
    help_text = body((await memory.command("creator", "help")).replies[0][0])
    assert "`/briefing`" in help_text
    assert "`/briefing`" not in body((await memory.command("u1", "help")).replies[0][0])


async def test_the_stats_button_shows_the_same_week(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await week_of_data(app)
    clicked = await memory.click("creator", "briefing.stats")
    assert fields(clicked.replies[0][0])["New members"] == "1"
    assert clicked.replies[0][0].blocks[0].text.endswith("the last 7 days")  # type: ignore[attr-defined]
