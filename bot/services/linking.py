"""Linking a member's accounts across platforms with a one-time code, so they are one person."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from bot.clock import Clock
from bot.services.errors import UserError
from storage.database import Database
from storage.repositories import linking, members

log = logging.getLogger(__name__)

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read and type
CODE_LENGTH = 6
CODE_LIFETIME = timedelta(minutes=15)


class LinkingService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def start(self, member_id: int) -> str:
        """A fresh code for this member (any older one stops working)."""
        now = self._clock.now()
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        async with self._database.session() as session:
            await linking.issue(session, member_id, code, now, CODE_LIFETIME)
        return code

    async def redeem(self, member_id: int, raw_code: str) -> tuple[str, ...]:
        """Join the account that typed the code into the member who asked for it; the platforms they are now on."""
        code = raw_code.strip().upper().replace("-", "").replace(" ", "")
        now = self._clock.now()
        async with self._database.session() as session:
            link = await linking.find(session, code) if len(code) == CODE_LENGTH else None
            if link is None or link.expires_at < now:
                raise UserError("linking.bad_code")
            if link.member_id == member_id:
                raise UserError("linking.same_account")
            keep = await members.get(session, link.member_id)
            other = await members.get(session, member_id)
            assert keep is not None and other is not None
            clash = {i.platform for i in keep.identities} & {i.platform for i in other.identities}
            if clash:
                raise UserError("linking.same_platform", platform=sorted(clash)[0].title())
            keep_id = keep.id
            await linking.redeem(session, link, other)
            log.info("linked member %s into %s", member_id, keep_id)
        async with self._database.session() as session:
            merged = await members.get(session, keep_id)
            assert merged is not None
            return tuple(sorted({i.platform for i in merged.identities}))
