"""The running community: its validated settings, time zone, and who has which role."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.community.schema import CommunityFile
from bot.events import UserRef
from storage.database import Database
from storage.repositories import communities

ROLES = ("member", "moderator", "creator")


class CommunityNotImported(LookupError):
    pass


@dataclass(frozen=True)
class CommunityContext:
    id: int
    config: CommunityFile

    @property
    def name(self) -> str:
        return self.config.community.name

    @property
    def creator_name(self) -> str:
        return self.config.creator.name

    @property
    def locale(self) -> str:
        return self.config.community.locale

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.config.community.timezone)

    def role_of(self, user: UserRef) -> str:
        """The role the community files give this account (creator, moderator or member)."""
        names = (f"{user.platform}:{user.user_id}", f"{user.platform}:{user.workspace_id}:{user.user_id}")
        if any(n in self.config.creator.identities for n in names):
            return "creator"
        if any(n in self.config.creator.moderators for n in names):
            return "moderator"
        return "member"

    @classmethod
    async def load(cls, database: Database, slug: str | None = None) -> CommunityContext:
        async with database.session() as session:
            row = await (communities.by_slug(session, slug) if slug else communities.only(session))
        if row is None:
            hint = f"community {slug!r}" if slug else "a community"
            raise CommunityNotImported(f"the database has no {hint}: run `membot import PATH` first")
        return cls(id=row.id, config=CommunityFile.model_validate(row.settings))


def outranks(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)
