"""The outbox words a notice through the views it was given, in the reader's language and zone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.i18n import Catalog, Translator
from bot.messages import OutboundMessage, Target
from bot.notices import Notice, Reader
from bot.outbox import Outbox
from bot.views.notices import NoticeViews, all_views
from storage.database import Database
from storage.models import OutboxMessage


@dataclass(frozen=True)
class Greeted(Notice):
    name: str


def _greeting(notice: Greeted, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    return OutboundMessage(text=f"{t.locale}:{tz.key}:{notice.name}")


def test_every_view_module_contributes_distinct_notice_types() -> None:
    views = all_views()
    assert all(issubclass(kind, Notice) for kind in views)


def test_a_notice_without_a_view_is_refused() -> None:
    render = NoticeViews(Catalog({}), {})
    with pytest.raises(LookupError, match="Greeted"):
        render(Greeted("Ann"), Reader(("nb",)))


async def test_outbox_stores_the_rendered_notice_for_the_reader(sqlite_db: Database) -> None:
    outbox = Outbox(FakeClock(), NoticeViews(Catalog({}), {Greeted: _greeting}))
    target = Target("memory", "W1", user_id="U1")
    async with sqlite_db.session() as session:
        assert await outbox.enqueue(
            session, "greet:1", target, Greeted("Ann"), reader=Reader(("nb", "en"), "Europe/Oslo")
        )
    async with sqlite_db.session() as session:
        payloads = (await session.scalars(select(OutboxMessage.payload))).all()
    assert [payload["text"] for payload in payloads] == ["nb:Europe/Oslo:Ann"]


async def test_a_notice_needs_a_reader_and_an_outbox_with_views(sqlite_db: Database) -> None:
    target = Target("memory", "W1", user_id="U1")
    async with sqlite_db.session() as session:
        with pytest.raises(TypeError, match="reader"):
            await Outbox(FakeClock(), NoticeViews(Catalog({}), {Greeted: _greeting})).enqueue(
                session, "k", target, Greeted("Ann")
            )
        with pytest.raises(TypeError, match="without views"):
            await Outbox(FakeClock()).enqueue(session, "k", target, Greeted("Ann"), reader=Reader(("en",)))
