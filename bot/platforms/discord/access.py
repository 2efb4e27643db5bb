"""Tiers as Discord roles: which role a tier key means, and, when Discord says no, exactly
which setting the creator has to change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.ports import AccessNotManageable

FOUNDING = "founding"
PAST_DUE = "past-due"
MANAGE_ROLES = 1 << 28
ADMINISTRATOR = 1 << 3
ROLES_PATH = "Server Settings → Roles"


def role_name_for(
    tier: str, tier_roles: Mapping[str, str], founding_role: str | None, past_due_role: str | None
) -> str | None:
    """The role for a tier key, or the special keys "founding" / "past-due" (None: not used here)."""
    if tier == FOUNDING:
        return founding_role
    if tier == PAST_DUE:
        return past_due_role
    if tier not in tier_roles:
        raise AccessNotManageable(
            f"unknown tier {tier!r}",
            fix=f'Add a [[tiers]] entry with key = "{tier}" to community.toml, or use one of: {", ".join(sorted(tier_roles))}.',
        )
    return tier_roles[tier]


def missing_role(role_name: str, tier: str) -> AccessNotManageable:
    return AccessNotManageable(
        f"no role named {role_name!r} in the server",
        fix=f"Create a role named '{role_name}' in {ROLES_PATH}, or set discord_role for tier '{tier}' in community.toml.",
    )


def managed_role(role_name: str, tier: str) -> AccessNotManageable:
    return AccessNotManageable(
        f"role {role_name!r} is managed by an integration",
        fix=f"'{role_name}' belongs to an integration (a bot or a subscription) and cannot be given by membot: "
        f"create an ordinary role and name it in discord_role for tier '{tier}'.",
    )


def explain_forbidden(
    role: Mapping[str, Any], roles: Sequence[Mapping[str, Any]], bot_role_ids: Sequence[str], guild_id: str
) -> AccessNotManageable:
    """Discord answered 403 (50013) to a role change: missing permission, or role hierarchy."""
    by_id = {str(r["id"]): r for r in roles}
    mine = [by_id[i] for i in bot_role_ids if i in by_id]
    everyone = by_id.get(guild_id)
    permissions = 0
    for r in [*mine, *([everyone] if everyone else [])]:
        permissions |= int(r.get("permissions", 0))
    top = max(mine, key=lambda r: int(r.get("position", 0)), default=None)
    bot_role = str(top["name"]) if top else "membot"
    if not permissions & (MANAGE_ROLES | ADMINISTRATOR):
        return AccessNotManageable(
            "the bot lacks the Manage Roles permission",
            fix=f"Give the '{bot_role}' role the Manage Roles permission in {ROLES_PATH} → {bot_role} → Permissions.",
        )
    return AccessNotManageable(
        f"role {role['name']!r} is above the bot's highest role",
        fix=f"Move the '{bot_role}' role above '{role['name']}' in {ROLES_PATH} (drag it higher in the list).",
    )
