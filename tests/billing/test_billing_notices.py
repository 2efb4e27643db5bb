"""Billing's notices are worded by the views alone: each has a view, reads in every shipped language, and
names its dates in the reader's zone."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.i18n import Catalog
from bot.messages import Buttons
from bot.notices import Notice, Reader
from bot.notices import billing as notices
from bot.notices.membership import Welcome
from bot.settings import REPO_ROOT
from bot.views.notices import NoticeViews, all_views

WHEN = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
MONTHLY = notices.PlanOffer("monthly", Decimal("49"))
SAMPLES: dict[type[Notice], Notice] = {
    notices.MembershipStarted: notices.MembershipStarted("Strategy Club", "trialing"),
    notices.PaymentRecovered: notices.PaymentRecovered(),
    notices.PaymentReminder: notices.PaymentReminder(3, WHEN),
    notices.AccessPaused: notices.AccessPaused(),
    notices.SubscriptionPaused: notices.SubscriptionPaused(),
    notices.ExitSurvey: notices.ExitSurvey(),
    notices.WinBack: notices.WinBack("Strategy Club"),
    notices.DoorsOpened: notices.DoorsOpened("Strategy Club", (MONTHLY,)),
    notices.InviteLapsed: notices.InviteLapsed(2),
    notices.RenewalComing: notices.RenewalComing("Strategy Club", WHEN, notices.YearInReview(40, 12, 7)),
    notices.TrialEnding: notices.TrialEnding(WHEN, paid=True),
    notices.TrialOver: notices.TrialOver(),
    notices.MembershipGranted: notices.MembershipGranted("Strategy Club", "Member", "trial", WHEN),
    notices.CreatorPaymentFailed: notices.CreatorPaymentFailed("Ada Lovelace", WHEN),
    notices.CreatorGraceOver: notices.CreatorGraceOver("Ada Lovelace"),
    notices.CreatorMemberLeft: notices.CreatorMemberLeft("Ada Lovelace", "canceled"),
    notices.CreatorDuplicateSubscription: notices.CreatorDuplicateSubscription("Ada Lovelace", "sub_1", "sub_2"),
    notices.DuplicateSubscription: notices.DuplicateSubscription("Maya"),
    notices.CreatorExitAnswer: notices.CreatorExitAnswer("Ada Lovelace", "price", "  too dear for me  "),
    notices.CreatorAccessProblem: notices.CreatorAccessProblem("discord", "member", "move the bot's role up"),
    notices.CreatorDoorsOpened: notices.CreatorDoorsOpened(True, WHEN, 3),
    notices.CreatorDoorsClosed: notices.CreatorDoorsClosed(True, WHEN),
    Welcome: Welcome("Ada Lovelace", "Strategy Club", "Sam", WHEN),
}
LOCALES = sorted(p.name for p in (REPO_ROOT / "prompts").iterdir() if p.is_dir() and p.name != "llm")


@pytest.fixture(scope="module")
def render() -> NoticeViews:
    return NoticeViews(Catalog.load(REPO_ROOT / "prompts"))


def test_every_billing_notice_is_a_frozen_dataclass_with_a_view_and_a_sample() -> None:
    declared = {
        kind
        for _, kind in inspect.getmembers(notices, inspect.isclass)
        if issubclass(kind, Notice) and kind is not Notice
    }
    assert declared == set(SAMPLES) - {Welcome}
    views = all_views()
    for kind in SAMPLES:
        assert kind in views, kind.__name__
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen


@pytest.mark.parametrize("locale", LOCALES)
def test_each_notice_reads_in_every_shipped_language(render: NoticeViews, locale: str) -> None:
    for notice in SAMPLES.values():
        message = render(notice, Reader((locale, "en"), "Europe/Oslo"))
        assert message.text.strip(), type(notice).__name__


def test_the_reader_decides_language_and_zone(render: NoticeViews) -> None:
    reminder = notices.PaymentReminder(0, WHEN)
    oslo = render(reminder, Reader(("en",), "Europe/Oslo")).text
    tokyo = render(reminder, Reader(("en",), "Asia/Tokyo")).text
    norwegian = render(reminder, Reader(("nb", "en"), "Europe/Oslo")).text
    assert "09:30" in oslo and "17:30" in tokyo  # 08:30 UTC, in each reader's zone
    assert norwegian != oslo


def test_the_exit_survey_offers_every_reason_and_the_creator_sees_the_comment_trimmed(render: NoticeViews) -> None:
    survey = render(notices.ExitSurvey(), Reader(("en",)))
    actions = [b.action_id for block in survey.blocks if isinstance(block, Buttons) for b in block.buttons]
    assert actions == [f"billing.exit:{r}" for r in notices.EXIT_REASONS] + ["billing.exit-form"]
    answer = render(notices.CreatorExitAnswer("Ada", "price", "  too dear for me  "), Reader(("en",)))
    assert "too dear for me" in str(answer.to_dict()) and "  too dear" not in str(answer.to_dict())
