"""At-risk scoring catches the members a creator would worry about: long-quiet ones and ones who never took part."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.services.analytics.risk import score
from storage.models import Activity, FaqQuestion, Rsvp
from storage.repositories.analytics.signals import MemberSignals
from tests.kits.analytics import NOW, add_member, add_membership, ago


def body(app_reply_blocks: tuple[object, ...]) -> str:
    return "\n".join(getattr(b, "text", "") for b in app_reply_blocks)


async def quiet_member(app: App, name: str, quiet_days: int) -> int:
    """A member for 100 days who took part now and then, last `quiet_days` ago."""
    cid = app.services.community.id
    member = await add_member(app.database, cid, name, joined=100, active=quiet_days)
    await add_membership(app.database, member, "active", "monthly", 100)
    async with app.database.session() as session:
        session.add_all(
            Activity(member_id=member, kind="message", occurred_at=ago(days)) for days in (quiet_days, 60, 90)
        )
    return member


async def test_members_quiet_for_three_weeks_or_more_are_at_risk(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    for name, days in (("Ada Quiet", 22), ("Bo Quiet", 27), ("Cy Quiet", 32)):
        await quiet_member(app, name, days)
    await quiet_member(app, "Dee Recent", 2)
    risks = await app.services.analytics.at_risk()
    assert [(r.name, r.reasons[0].key) for r in risks] == [
        ("Cy Quiet", "quiet"),
        ("Bo Quiet", "quiet"),
        ("Ada Quiet", "quiet"),
    ]
    message = (await memory.command("creator", "members", "at-risk")).replies[0][0]
    text = body(message.blocks)
    assert "Nobody looks at risk" not in text
    assert "*Ada Quiet*: 41/100" in text and "quiet for 22 days (+41)" in text
    assert "quiet for 32 days (+51)" in text
    assert "Dee" not in text


async def test_members_who_never_took_part_are_at_risk(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    cid = app.services.community.id
    # Joined 10 days ago and only ran setup commands since (which keep last_active_at fresh).
    never = await add_member(app.database, cid, "Nia Never", joined=10, active=1)
    await add_membership(app.database, never, "active", "monthly", 10)
    brand_new = await add_member(app.database, cid, "Ben New", joined=3, active=3)  # too new to judge
    await add_membership(app.database, brand_new, "active", "monthly", 3)
    asked = await add_member(app.database, cid, "Ari Asked", joined=10, active=9)
    await add_membership(app.database, asked, "active", "monthly", 10)
    rsvped = await add_member(app.database, cid, "Rae Rsvp", joined=10, active=9)
    await add_membership(app.database, rsvped, "active", "monthly", 10)
    async with app.database.session() as session:
        session.add_all(
            [
                Activity(member_id=never, kind="join", occurred_at=ago(10)),
                Activity(member_id=never, kind="command", occurred_at=ago(1), ref="start"),
                Activity(member_id=never, kind="form", occurred_at=ago(1), ref="onboard.intake"),
                FaqQuestion(community_id=cid, member_id=asked, question="How?", status="answered", asked_at=ago(9)),
            ]
        )
    await memory.command("creator", "live", "schedule 2026-11-26 17:00 Europe/Oslo 60 https://meet.example/x | Q&A")
    async with app.database.session() as session:
        from storage.models import LiveSession

        live = (await session.scalars(select(LiveSession.id))).first()
        assert live is not None
        session.add(Rsvp(session_id=live, member_id=rsvped, created_at=ago(9)))
    risks = {r.name: r for r in await app.services.analytics.at_risk()}
    assert set(risks) == {"Nia Never"}
    reason = risks["Nia Never"].reasons[0]
    assert (reason.key, reason.values) == ("never_engaged", {"days": 10})
    text = body((await memory.command("creator", "members", "at-risk")).replies[0][0].blocks)
    assert "hasn't taken part since joining 10 days ago" in text


def test_quiet_points_reach_the_threshold_at_three_weeks() -> None:
    def quiet(days: int) -> int:
        return score(MemberSignals(1, "M", ago(200), ago(days), recent=0, earlier=0, engaged=True), NOW).score

    assert [quiet(d) for d in (6, 7, 20, 21, 32, 41, 90)] == [0, 7, 20, 40, 51, 60, 60]
