"""Engagement's and analytics' notices are worded by the views alone: each has a view, reads in every shipped
language, and names its dates in the reader's zone (the creator's quiet list in the community's)."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime

import pytest

from bot.i18n import Catalog
from bot.notices import Notice, Reader
from bot.notices import analytics as analytics_notices
from bot.notices import engagement as notices
from bot.notices.content import ContentPiece
from bot.settings import REPO_ROOT
from bot.views.notices import NoticeViews, all_views

LATE = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Oslo, still 30 November in New York
DROP = ContentPiece(1, "pricing", "Pricing your first offer", "mini-training", published_at=LATE)
QUIET = notices.QuietMember(7, "Dana Smith", since=LATE, days=30, joined=LATE, nudges_on=False, last_nudge_day=21)
SAMPLES: dict[type[Notice], Notice] = {
    notices.NudgeMissed: notices.NudgeMissed("Dana Smith", "Maya Lindqvist", "Strategy Club", 10, (DROP,), 5),
    notices.NudgeNote: notices.NudgeNote(
        "Dana Smith", "Maya Lindqvist", "Strategy Club", "Hi {name}, how is {community}?"
    ),
    notices.MilestoneReached: notices.MilestoneReached(
        "1-month", "Dana Smith", "Strategy Club", "Maya Lindqvist", LATE
    ),
    notices.MilestonePost: notices.MilestonePost("first-post", "Dana Smith", "Strategy Club"),
    notices.MonthlyRecap: notices.MonthlyRecap("Dana Smith", "Strategy Club", "Maya Lindqvist", 11, 4, 1, 3, LATE),
    notices.QuietList: notices.QuietList((QUIET,), 30, "Strategy Club"),
    analytics_notices.PersonalNote: analytics_notices.PersonalNote("We miss you!", "Maya Lindqvist", "Strategy Club"),
}
LOCALES = sorted(p.name for p in (REPO_ROOT / "prompts").iterdir() if p.is_dir() and p.name != "llm")


@pytest.fixture(scope="module")
def render() -> NoticeViews:
    return NoticeViews(Catalog.load(REPO_ROOT / "prompts"))


def _declared(module: object) -> set[type[Notice]]:
    return {
        kind
        for _, kind in inspect.getmembers(module, inspect.isclass)
        if issubclass(kind, Notice) and kind is not Notice
    }


def test_every_notice_is_a_frozen_dataclass_with_a_view_and_a_sample() -> None:
    assert _declared(notices) | _declared(analytics_notices) == set(SAMPLES)
    views = all_views()
    for kind, sample in SAMPLES.items():
        assert kind in views, kind.__name__
        first = dataclasses.fields(sample)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(sample, first, None)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_notice_reads_in_every_shipped_language(render: NoticeViews, locale: str) -> None:
    for notice in SAMPLES.values():
        message = render(notice, Reader((locale, "en"), "Europe/Oslo"))
        assert message.text.strip(), type(notice).__name__
        assert "{" not in message.text, (locale, type(notice).__name__)


def test_dates_are_in_the_readers_zone(render: NoticeViews) -> None:
    milestone = SAMPLES[notices.MilestoneReached]
    oslo = " ".join(b.text for b in render(milestone, Reader(("en",), "Europe/Oslo")).blocks if hasattr(b, "text"))
    new_york = " ".join(
        b.text for b in render(milestone, Reader(("en",), "America/New_York")).blocks if hasattr(b, "text")
    )
    assert "1 December 2026" in oslo and "30 November 2026" in new_york
    recap = render(SAMPLES[notices.MonthlyRecap], Reader(("en",), "America/New_York")).text
    assert "30 November 2026" in recap


def test_the_creators_own_words_are_filled_in_and_the_quiet_list_says_what_was_sent(render: NoticeViews) -> None:
    note = render(SAMPLES[notices.NudgeNote], Reader(("en",), "Europe/Oslo"))
    assert any("Hi Dana, how is Strategy Club?" in getattr(b, "text", "") for b in note.blocks)
    listing = render(SAMPLES[notices.QuietList], Reader(("en",), "Europe/Oslo"))
    body = "\n".join(getattr(b, "text", "") for b in listing.blocks)
    assert (
        "Dana Smith" in body
        and "last check-in: the 21-day one" in body
        and "day-21" not in body
        and "has turned check-ins off" in body
    )


def test_the_recap_says_each_figure_once(render: NoticeViews) -> None:
    """Found as an outsider: "Here's your month, Bea: 6 drops, 0 live sessions, 0 questions
    answered." came straight above the same three figures as fields."""
    recap = render(SAMPLES[notices.MonthlyRecap], Reader(("en",), "Europe/Oslo"))
    sections = [b.text for b in recap.blocks if type(b).__name__ == "Section"]
    assert sections[0] == "Here's your month, Dana:"
    fields = next(b.items for b in recap.blocks if type(b).__name__ == "Fields")  # type: ignore[attr-defined]
    assert [label for label, _ in fields] == ["Drops", "Live sessions attended", "Questions answered"]
