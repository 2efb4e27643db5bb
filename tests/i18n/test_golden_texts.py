"""Golden texts in all five languages: the ones that used to read wrong ("1 sessions", "Member members",
"monthly: $49 / month", "Answer 5 quick questions" over a form of seven). Each locale's rendering is
compared with tests/i18n/golden/<locale>.txt, read and approved by a person; a changed template shows
up as a diff here.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalog, Translator
from bot.messages import Buttons, Fields, OutboundMessage
from bot.notices.announcements import Segment
from bot.notices.billing import DoorsStatus, PlanOffer
from bot.notices.experiments import ExperimentResult, VariantFigures
from bot.notices.onboarding import INTAKE_QUESTIONS
from bot.settings import REPO_ROOT
from bot.views import experiments as experiments_views
from bot.views.announcements import segment_label
from bot.views.billing import checkout_link, doors_status, inviting, plan_choices
from bot.views.content import weeks_label
from bot.views.onboarding import intake_form
from bot.views.welcome import welcome_dm

GOLDEN = REPO_ROOT / "tests" / "i18n" / "golden"
CATALOG = Catalog.load(REPO_ROOT / "prompts")
PLANS = (
    PlanOffer("monthly", Decimal(49)),
    PlanOffer("yearly", Decimal(490), interval="year"),
    PlanOffer("founding-monthly", Decimal("29.50"), founding=True),
)


def button_labels(message: OutboundMessage) -> list[str]:
    return [button.label for block in message.blocks if isinstance(block, Buttons) for button in block.buttons]


def rendered(t: Translator) -> list[str]:
    welcome = welcome_dm(name="Alex Kim", community="Strategy Club", creator="Maya", next_drop=None, t=t)
    lines = [f"intake button: {button_labels(welcome)[0]}"]
    for weekly in (("mini-training", "resource", "live", "deep-dive"), ("mini-training",)):
        promise = welcome_dm(name="Alex", community="C", creator="Maya", next_drop=None, t=t, weekly=weekly)
        lines.append(f"welcome weekly: {promise.blocks[2].text.splitlines()[2]}")  # type: ignore[attr-defined]
    lines += [f"plan button: {label}" for label in button_labels(plan_choices(PLANS, t))]
    lines.append(f"checkout: {checkout_link(PLANS[2], 'https://checkout.example/s/1', t).text}")
    lines.append(f"segment: {segment_label(Segment('tier', 'member'), t, {'member': 'Member'})}")
    lines.append(f"doors 0: {t('billing.doors.opened', inviting=inviting(0, t, paced=True))}")
    for cap in (None, 1200):
        status = DoorsStatus(open=True, seat_cap=cap, seats_taken=1000, waiting=0, invited=0)
        fields = next(
            b for b in doors_status(status, ZoneInfo("Europe/Oslo"), t, "2027-01-15").blocks if isinstance(b, Fields)
        )
        lines.append(f"seats: {fields.items[1][1]}")
    for count in (1, 3):
        live = t.plural("analytics.stats.live_value", count, percent=t.percent(0.5), per_session=t.number(2.5, 1))
        drops = t.plural("analytics.stats.drops_value", count, opens=t.number(4, 1), reactions=t.number(1, 1))
        answered = t.plural("member.me.answered", count)
        lines += [f"live {count}: {live}", f"drops {count}: {drops}", f"answered {count}: {answered}"]
        rsvps = t.plural("briefing.coming.live", count, when="17:00", title="Office hours")
        runway = t("briefing.coming.runway", kind="Deep-dive", weeks=weeks_label(count, t), when="14.12.")
        full = t.plural("briefing.coming.runway_full", count, kind="Deep-dive")
        lines += [
            f"briefing rsvps {count}: {rsvps}",
            f"briefing runway {count}: {runway}",
            f"briefing full {count}: {full}",
            f"doors {count}: {t('billing.doors.opened', inviting=inviting(count, t, paced=True))}",
        ]
    return lines + experiment_lines(t)


def experiment_lines(t: Translator) -> list[str]:
    """`/stats experiments` for a check-in experiment with a holdout, one member measured in it, and its winner."""
    variants = (
        VariantFigures("short", 120, 42, 0.35, 0.2695, 0.4399, 0.9712, waiting=1),
        VariantFigures("nothing", 1, 0, 0.0, 0.0, 0.7935, 0.0288, holdout=True),
    )
    result = ExperimentResult("day-10", "Day 10", "checkin:10", "came-back-7d", 100, variants, "winner", "short")
    reply = experiments_views.results([result], None, t, ZoneInfo("Europe/Oslo"))
    texts = [getattr(b, "text", "") for b in reply.blocks]
    return [f"experiments: {line}" for text in texts[1:] for line in text.splitlines()] + [
        f"experiments too early: {experiments_views.verdict_line(replace(result, verdict='too-early'), t, ZoneInfo('UTC'))}",
        f"experiments button: {button_labels(reply)[0]}",
    ]


@pytest.mark.parametrize("locale", ["en", "nb", "da", "nl", "zh"])
def test_texts_read_right_in_every_language(locale: str) -> None:
    expected = (GOLDEN / f"{locale}.txt").read_text(encoding="utf-8").splitlines()
    assert rendered(CATALOG.for_locale(locale)) == expected


def test_the_welcome_counts_the_questions_the_intake_asks() -> None:
    t = CATALOG.for_locale("en")
    assert tuple(field.name for field in intake_form(t, "Europe/Oslo").fields) == INTAKE_QUESTIONS
    welcome = welcome_dm(name="Alex", community="Club", creator="Maya", next_drop=None, t=t)
    assert button_labels(welcome)[0] == f"Answer {len(INTAKE_QUESTIONS)} quick questions"
