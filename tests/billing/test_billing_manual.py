"""Without Stripe the creator grants memberships by hand: comped or a trial that ends unless converted;
/join still lets people in; `members list --json` shows subscription and access."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.platforms.memory import MemoryPlatform
from bot.services.membership import list_summaries
from tests.conftest import EditedApp, make_app
from tests.kits.billing import membership_of, newcomer, texts


async def test_trial_by_hand_reminds_then_ends_and_revokes(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await newcomer(app, memory, "u1", "Ann")
    assert (await memory.command("creator", "member", "add <@u1> trial 5")).texts == [
        "Ann now has a trial. I've let them know."
    ]
    await app.settle()
    assert memory.access[("W1", "u1")] == {"member"}
    assert texts(memory, "u1") == [
        "Good news: you have a free trial of Member in Strategy Club until Wed 25 Nov, 13:00 CET. Enjoy!"
    ]
    memory.sent.clear()

    await app.advance_time(timedelta(days=1, hours=23))  # not yet three days before the end
    assert [t for t in texts(memory, "u1") if "trial" in t] == []
    await app.advance_time(timedelta(hours=2))
    assert [t for t in texts(memory, "u1") if "trial" in t] == [
        "Your free trial ends on Wed 25 Nov, 13:00 CET. If you'd like to stay, type /join before then."
    ]
    assert memory.access[("W1", "u1")] == {"member"}
    await app.advance_time(timedelta(days=3))
    assert any(t.startswith("Your free trial has ended") for t in texts(memory, "u1"))
    assert memory.access[("W1", "u1")] == set()
    membership = await membership_of(app, "u1")
    assert membership is not None and (membership.status, membership.ended_at is not None) == ("expired", True)


async def test_a_trial_converted_to_comped_does_not_end(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory, "u1", "Ann")
    await memory.command("creator", "member", "add u1 trial 3")
    assert (await memory.command("creator", "member", "add Ann comped")).texts == [
        "Ann now has complimentary access. I've let them know."
    ]
    await app.advance_time(timedelta(days=5))
    assert memory.access[("W1", "u1")] == {"member"}
    membership = await membership_of(app, "u1")
    assert membership is not None and membership.status == "comped"


async def test_join_during_a_trial_by_hand_keeps_the_member_as_its_reminder_says(
    app: App, memory: MemoryPlatform
) -> None:
    """Found as an outsider: the reminder says "type /join before then"; /join answered "You're
    already a member" and the trial ended anyway."""
    await newcomer(app, memory, "u1", "Ann")
    await memory.command("creator", "member", "add u1 trial 1")
    joined = await memory.command("u1", "join")
    assert joined.texts[0] == "You're in! Welcome to Strategy Club. Your membership is active."
    await app.advance_time(timedelta(days=2))  # past the trial's end
    assert memory.access[("W1", "u1")] == {"member"}
    membership = await membership_of(app, "u1")
    assert membership is not None and (membership.status, membership.ended_at) == ("active", None)
    assert not any(t.startswith("Your free trial has ended") for t in texts(memory, "u1"))
    assert (await memory.command("u1", "join")).texts == ["You're already a member, nothing to do."]


async def test_the_same_comp_twice_changes_nothing_and_tells_the_member_once(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: a second `/member add @Bea` sent Bea "Good news…" again."""
    await newcomer(app, memory, "u1", "Bea")
    await memory.command("creator", "member", "add @u1")
    await app.settle()
    again = await memory.command("creator", "member", "add @u1")
    await app.settle()
    assert again.texts == ["Bea already has complimentary access to Member. Nothing changed."]
    assert len([t for t in texts(memory, "u1") if t.startswith("Good news")]) == 1
    moved = await memory.command("creator", "member", "add @u1 inner-circle comped")  # another tier is a change
    assert moved.texts[0].startswith("Bea now has complimentary access")


async def test_comped_tier_remove_and_list(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory, "u1", "Ann")
    await newcomer(app, memory, "u2", "Bo")
    await memory.command("creator", "member", "add @u2 inner-circle comped")
    await memory.command("creator", "member", "add u1 trial 30")
    assert memory.access[("W1", "u2")] == {"inner-circle"}
    listing = (await memory.command("creator", "member", "list")).replies[0][0]
    assert listing.text == "Members with a membership (2)"
    assert listing.blocks[1].text.splitlines() == [  # type: ignore[attr-defined]
        "• *Bo*: comped, inner-circle, by hand",
        "• *Ann*: trialing, member, by hand · until Sun 20 Dec, 13:00 CET",
    ]
    await memory.command("creator", "member", "remove u2")
    assert memory.access[("W1", "u2")] == set()
    assert (await memory.command("creator", "member", "remove u2")).texts == ["They don't have a membership right now."]


async def test_a_member_moved_to_another_tier_loses_the_first_tiers_role(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: inner-circle, then member, then removed: the inner-circle role stayed throughout."""
    await newcomer(app, memory, "u2", "Bo")
    await memory.command("creator", "member", "add @u2 inner-circle trial 14")
    assert memory.access[("W1", "u2")] == {"inner-circle"}
    await memory.command("creator", "member", "add @u2 member comped")
    assert memory.access[("W1", "u2")] == {"member"}
    await memory.command("creator", "member", "remove @u2")
    assert memory.access[("W1", "u2")] == set()


async def test_member_command_errors(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory, "u1", "Ann")
    assert (await memory.command("u1", "member", "add u1")).texts == [
        "Sorry, /member is for the creator and moderators only."
    ]
    assert (
        (await memory.command("creator", "member", "add nobody"))
        .texts[0]
        .startswith("I don't know anyone called “nobody”")
    )
    assert (
        (await memory.command("creator", "member", "add u1 trial")).texts[0].startswith("Give the trial length in days")
    )
    reply = (await memory.command("creator", "member", "add u1 platinum")).texts[0]
    assert reply.startswith("I don't know “platinum” here: give a tier (member, inner-circle), `comped` or")
    reply = (await memory.command("creator", "member", "frobnicate")).texts[0]
    assert reply.startswith("Use: /member show @user, /member add")


async def test_join_without_stripe_activates_and_grants_access(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory, "u1", "Ann")
    assert (await memory.command("u1", "join")).texts == [
        "You're in! Welcome to Strategy Club. Your membership is active."
    ]
    assert memory.access[("W1", "u1")] == {"member"}
    assert (await memory.command("u1", "join")).texts == ["You're already a member, nothing to do."]
    assert (await memory.command("u1", "billing")).texts == [
        "Billing isn't set up in this community: the creator manages memberships by hand."
    ]


async def test_summaries_show_subscription_and_access(app: App, memory: MemoryPlatform) -> None:
    await newcomer(app, memory, "u1", "Ann")
    await memory.command("u1", "join")
    async with app.database.session() as session:
        rows = {
            s.name: s.as_dict()
            for s in await list_summaries(session, app.services.community.id, now=app.clock.now(), grace_days=7)
        }
    assert {k: rows["Ann"][k] for k in ("status", "subscription", "access", "founding")} == {
        "status": "active",
        "subscription": None,
        "access": True,
        "founding": False,
    }


class KickingPlatform(MemoryPlatform):
    """A memory platform that can remove people (like Discord's kick)."""

    def __init__(self) -> None:
        super().__init__(workspaces=("W1",))
        self.removed: list[str] = []

    async def remove_member(self, workspace_id: str, user_id: str) -> None:
        self.removed.append(user_id)


async def test_revoke_mode_kick_removes_people_who_leave(sqlite_db, settings, clock, community_path) -> None:  # type: ignore[no-untyped-def]

    platform = KickingPlatform()
    app = await make_app(
        sqlite_db, settings.model_copy(update={"revoke_mode": "kick"}), clock, {"memory": platform}, community_path
    )
    try:
        await newcomer(app, platform, "u1", "Ann")
        await platform.command("creator", "member", "add u1 trial 2")
        await app.advance_time(timedelta(days=1))
        assert platform.removed == []
        await platform.command("creator", "member", "remove u1")
        assert platform.access[("W1", "u1")] == set() and platform.removed == ["u1"]
    finally:
        await app.stop()


async def test_join_with_a_plan_of_another_tier_without_stripe_says_which_tier_it_gave(
    edited_app: EditedApp, memory: MemoryPlatform
) -> None:
    """Found as an outsider: without Stripe, `/join gull-maned` gave the default tier with the usual
    "You're in!", as if it were the plan asked for. Typing a plan's name must not give its tier for free."""

    def yearly_is_inner_circle(text: str) -> str:
        old = 'key = "yearly"\ntier = "member"'
        assert old in text, "sample community.toml changed shape"
        return text.replace(old, 'key = "yearly"\ntier = "inner-circle"')

    app = await edited_app(yearly_is_inner_circle)
    await newcomer(app, memory)
    reply = await memory.command("u1", "join", "yearly")
    assert reply.texts == [
        "You're in! Welcome to Strategy Club: you have *Member*. *Inner Circle* is given by Maya Lindqvist, "
        "so ask them if that's the one you want."
    ]
    assert memory.access[("W1", "u1")] == {"member"}
    await newcomer(app, memory, "u2", "Bo")
    assert (await memory.command("u2", "join", "monthly")).texts[0].startswith("You're in! Welcome to Strategy Club.")
