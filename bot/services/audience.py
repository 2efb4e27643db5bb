"""Who a message goes to: a member's DM address on a running platform, or a channel everywhere."""

from __future__ import annotations

from bot.messages import Target
from bot.services.presence import Presence
from storage.models import Member


def dm_target(member: Member, presence: Presence) -> Target | None:
    """The member's first account on a platform this process serves (their oldest link first)."""
    spaces = set(presence.spaces)
    for identity in member.identities:
        if (identity.platform, identity.workspace_id) in spaces:
            return Target(identity.platform, identity.workspace_id, user_id=identity.user_id)
    return None


def channel_targets(presence: Presence, channel: str) -> list[Target]:
    """The same channel name in every workspace the community lives in."""
    return [Target(platform, workspace, channel=channel) for platform, workspace in presence.spaces]
