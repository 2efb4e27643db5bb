"""Gateway events reach the adapter's listeners (discord.py's parsers -> client events -> dispatch)."""

from __future__ import annotations

from bot.events import MemberJoined, MemberLeft, MessagePosted, ReactionAdded
from bot.testing.fake_discord import BOT_USER_ID, GUILD_ID
from tests.kits.discord import StartAdapter

from . import payloads

MEMBER = "940000000000000001"


async def test_gateway_events_are_dispatched_in_order(start_adapter: StartAdapter) -> None:
    adapter, recorder = await start_adapter(message_content=False)
    assert not adapter.client.intents.message_content  # runs without the privileged intent
    state = adapter.client._connection
    state._add_guild_from_data(payloads.guild())
    state.parse_guild_member_add(payloads.member(MEMBER, "dana"))
    await recorder.wait(1)
    state.parse_message_create(payloads.message(MEMBER, ""))  # no Message Content intent: empty text
    await recorder.wait(2)
    state.parse_message_create(payloads.message(BOT_USER_ID, "a drop", bot=True))  # ignored
    state.parse_message_reaction_add(payloads.reaction(MEMBER, "960000000000000001", {"id": None, "name": "👍"}))
    await recorder.wait(3)
    state.parse_guild_member_remove({"guild_id": GUILD_ID, "user": payloads.member(MEMBER, "dana")["user"]})
    events = await recorder.wait(4)
    assert [type(e) for e in events] == [MemberJoined, MessagePosted, ReactionAdded, MemberLeft]
    assert {e.user.user_id for e in events} == {MEMBER}
