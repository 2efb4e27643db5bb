"""The view for every notice type: how the outbox words what a service said.

`NoticeViews` is built once by `bot/app.py` and handed to the outbox. Each feature's view
module exports `VIEWS`, a mapping from its notice types to functions
`(notice, t: Translator, tz: ZoneInfo) -> OutboundMessage`; `all_views` gathers them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import Catalog, Translator
from bot.messages import OutboundMessage
from bot.notices import Notice, Reader
from bot.views import (
    analytics,
    announcements,
    billing,
    briefing,
    content,
    engagement,
    experiments,
    faq,
    feedback,
    live,
    membership,
    onboarding,
    polls,
    privacy,
    referrals,
    replies,
)

NoticeView = Callable[[Any, Translator, ZoneInfo], OutboundMessage]


def all_views() -> dict[type[Notice], NoticeView]:
    """Every feature's notice views, in one mapping (a notice type has exactly one view)."""
    modules: list[Mapping[type[Notice], NoticeView]] = [
        feedback.VIEWS,
        referrals.VIEWS,
        polls.VIEWS,
        announcements.VIEWS,
        live.VIEWS,
        billing.VIEWS,
        membership.VIEWS,
        content.VIEWS,
        replies.VIEWS,
        faq.VIEWS,
        onboarding.VIEWS,
        privacy.VIEWS,
        analytics.VIEWS,
        briefing.VIEWS,
        engagement.VIEWS,
        experiments.VIEWS,
    ]
    merged: dict[type[Notice], NoticeView] = {}
    for views in modules:
        for kind, view in views.items():
            if kind in merged:
                raise ValueError(f"two views for {kind.__name__}")
            merged[kind] = view
    return merged


class NoticeViews:
    """Renders notices for readers: the outbox's `render`."""

    def __init__(self, catalog: Catalog, views: Mapping[type[Notice], NoticeView] | None = None) -> None:
        self._catalog = catalog
        self._views = dict(all_views() if views is None else views)

    def __call__(self, notice: Notice, reader: Reader) -> OutboundMessage:
        view = self._views.get(type(notice))
        if view is None:
            raise LookupError(f"no view for notice {type(notice).__name__}")
        return view(notice, self._catalog.for_locale(*reader.locales), ZoneInfo(reader.tz))
