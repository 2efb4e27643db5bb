"""The content runway: weeks of drops queued per slot, and the first firing with nothing to send."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app import App


async def test_the_sample_has_four_weeks_queued_in_every_slot(app: App) -> None:
    runway = await app.services.content.runway()
    assert [(r.kind, r.weeks_queued, r.items_queued) for r in runway] == [
        ("mini-training", 4.0, 4),
        ("resource", 4.0, 4),
        ("live", 4.0, 4),
        ("deep-dive", 4.0, 4),
    ]
    mini = runway[0]
    assert mini.first_empty == date(2026, 12, 21)  # Mondays 23 and 30 Nov, 7 and 14 Dec are filled
    assert mini.first_empty_at == datetime(2026, 12, 21, 8, 0, tzinfo=UTC)  # 09:00 in Oslo
    assert [q.at.date() for q in mini.queued] == [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 7),
        date(2026, 12, 14),
    ]
    assert not mini.short  # 4 weeks is not under the default 2
