"""The running community: its validated settings, time zone, and who has which role.

A database can hold several communities, each known by its slug; `load` picks one, and
`claim_slug` keeps a changed slug from silently becoming a second community on import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.community.schema import CommunityFile
from bot.events import UserRef
from storage.database import Database
from storage.repositories import communities

ROLES = ("member", "moderator", "creator")
SAME_FOLDER_OVERLAP = 0.5  # shared file keys (content slugs, FAQ ids) over all of both: "the same folder"


class CommunityNotImported(LookupError):
    """The community asked for is not in the database (or none is)."""


class CommunityNotChosen(LookupError):
    """The database holds several communities and none was named."""


class SlugConflict(ValueError):
    """An import that would silently rename, merge or duplicate a community; the message says what to pass."""


@dataclass(frozen=True)
class CommunityContext:
    id: int
    config: CommunityFile

    @property
    def slug(self) -> str:
        return self.config.community.slug

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
        """The community `slug`; with no slug, the database's only community."""
        async with database.session() as session:
            row = await communities.by_slug(session, slug) if slug else await communities.only(session)
            known = await communities.slugs(session) if row is None else []
        if row is None:
            raise _not_found(slug, known)
        return cls(id=row.id, config=CommunityFile.model_validate(row.settings))


def _not_found(slug: str | None, known: list[str]) -> LookupError:
    if slug is None and len(known) > 1:
        return CommunityNotChosen(
            f"the database holds {len(known)} communities ({', '.join(known)}): "
            "choose one with --community SLUG (or MEMBOT_COMMUNITY)"
        )
    if slug is None or not known:
        what = f"community {slug!r}" if slug else "community yet"
        return CommunityNotImported(f"the database has no {what}: run `membot import FOLDER` first")
    return CommunityNotImported(
        f"the database has no community {slug!r} (it has {', '.join(known)}): "
        "give one of those, or a community folder, to --community"
    )


async def known_slugs(database: Database) -> list[str]:
    async with database.session() as session:
        return await communities.slugs(session)


async def claim_slug(
    database: Database, config: CommunityFile, keys: Iterable[str], *, rename: str | None = None, new: bool = False
) -> str | None:
    """Make ready to import a folder whose community.toml says `config.community.slug`.

    A slug already in the database is an update. `rename=OLD` gives community OLD the new
    slug first (returns OLD when it did). A slug not in the database whose folder looks like
    an imported community (same name, or mostly the same content and FAQ keys) is refused
    unless `new` says it really is another community: a changed slug is a rename, said out loud.
    """
    slug = config.community.slug
    if rename and new:
        raise SlugConflict("choose --rename OLD (the same community, new slug) or --new (another community), not both")
    async with database.session() as session:
        existing = await communities.file_keys(session)
        if rename:
            if slug in existing and (rename == slug or rename not in existing):
                return None  # nothing left to rename (an earlier run may have renamed it already)
            if slug in existing:
                raise SlugConflict(
                    f"cannot rename {rename!r} to {slug!r}: the database already has a community {slug!r}"
                )
            if not await communities.rename(session, rename, slug):
                raise SlugConflict(
                    f"there is no community {rename!r} to rename; the database has: {', '.join(existing) or 'none'}"
                )
            return rename
        if slug in existing:
            if new:
                raise SlugConflict(
                    f"the database already has a community {slug!r}: give this folder its own slug in community.toml"
                )
            return None
    if new:
        return None
    mine = set(keys)
    for other, (name, theirs) in existing.items():
        overlap = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
        if name == config.community.name or overlap >= SAME_FOLDER_OVERLAP:
            raise SlugConflict(
                f"this folder's slug is {slug!r}, but it looks like community {other!r} already in the database "
                f"(same {'name' if name == config.community.name else 'content and FAQ'}): "
                f"pass --rename {other} if the slug changed, or --new if it is another community"
            )
    return None


def outranks(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)
