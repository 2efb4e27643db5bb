"""Pure billing pieces: Stripe shapes old and new, which tiers to grant, dunning steps, /member words, prices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.community.schema import Plan
from bot.i18n import Catalog
from bot.services.billing.access import has_access, plan_access
from bot.services.billing.dunning import due_step
from bot.services.billing.manual import Grant, parse_grant
from bot.services.billing.plans import offer
from bot.services.billing.wire import checkout_from, invoice_subscription, subscription_from
from bot.services.errors import UserError
from bot.settings import REPO_ROOT
from bot.testing.fake_stripe import FakeStripe, unflatten
from bot.views.billing import price_label
from storage.models import Membership

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_subscription_shapes_current_and_legacy() -> None:
    fake = FakeStripe()
    current = subscription_from(
        fake.set_subscription("sub_1", status="past_due", interval="year", period_end=NOW, metadata={"member_id": "7"})
    )
    assert (current.status, current.price_id, current.interval, current.current_period_end, current.member_id) == (
        "past_due",
        "price_monthly_sample",
        "year",
        NOW,
        7,
    )
    legacy = subscription_from(
        {
            "id": "sub_2",
            "status": "active",
            "customer": {"id": "cus_9"},
            "current_period_end": int(NOW.timestamp()),
            "plan": {"id": "price_x", "interval": "month"},
            "metadata": {},
        }
    )
    assert (legacy.customer, legacy.price_id, legacy.interval, legacy.current_period_end, legacy.member_id) == (
        "cus_9",
        "price_x",
        "month",
        NOW,
        None,
    )


def test_invoice_and_checkout_shapes() -> None:
    fake = FakeStripe()
    fake.set_subscription("sub_1", status="active")
    invoice = fake.invoice_event("invoice.paid", "sub_1")["data"]["object"]
    assert invoice_subscription(invoice) == "sub_1"
    assert invoice_subscription({"subscription": "sub_old"}) == "sub_old"
    del invoice["parent"]
    assert invoice_subscription(invoice) == "sub_1"  # from the line items
    session = checkout_from(fake.checkout_completed(member_id=4, subscription="sub_1")["data"]["object"])
    assert (session.member_id, session.subscription, session.customer) == (4, "sub_1", "cus_test_1")


def _membership(status: str, *, founding: bool = False, since: datetime | None = None) -> Membership:
    return Membership(status=status, founding=founding, past_due_since=since, ended_at=None)


@pytest.mark.parametrize(
    ("status", "founding", "days_late", "grant", "revoke"),
    [
        ("active", False, None, {"member"}, {"past-due", "founding"}),
        ("trialing", True, None, {"member", "founding"}, {"past-due"}),
        ("comped", False, None, {"member"}, {"past-due", "founding"}),
        ("past_due", True, 2, {"member", "founding", "past-due"}, set()),
        ("past_due", False, 7, set(), {"member", "past-due", "founding"}),
        ("canceled", True, None, set(), {"member", "founding", "past-due"}),
        ("unpaid", False, None, set(), {"member", "past-due", "founding"}),
        ("paused", False, None, set(), {"member", "past-due", "founding"}),
    ],
)
def test_access_follows_the_status(
    status: str, founding: bool, days_late: int | None, grant: set[str], revoke: set[str]
) -> None:
    since = NOW - timedelta(days=days_late) if days_late is not None else None
    plan = plan_access(_membership(status, founding=founding, since=since), "member", NOW, 7)
    assert (set(plan.grant), set(plan.revoke)) == (grant, revoke)
    assert has_access(_membership(status, since=since), NOW, 7) == bool(grant)


def test_the_communitys_other_tiers_are_taken_away() -> None:
    """Found as an outsider: moved from inner-circle to member, the inner-circle role stayed."""
    tiers = ("member", "inner-circle")
    plan = plan_access(_membership("active"), "member", NOW, 7, tiers)
    assert (set(plan.grant), set(plan.revoke)) == ({"member"}, {"inner-circle", "past-due", "founding"})
    ended = plan_access(_membership("canceled"), "member", NOW, 7, tiers)
    assert (set(ended.grant), set(ended.revoke)) == (set(), {"member", "inner-circle", "past-due", "founding"})


def test_dunning_steps() -> None:
    since = NOW
    assert due_step(since, NOW, 7) == 0
    assert due_step(since, NOW + timedelta(days=2, hours=23), 7) == 0
    assert due_step(since, NOW + timedelta(days=3), 7) == 3
    assert due_step(since, NOW + timedelta(days=6), 7) == 3
    assert due_step(since, NOW + timedelta(days=8), 10) == 7
    assert due_step(since, NOW, 0) is None


def test_member_add_words() -> None:
    tiers = ["member", "inner-circle"]
    assert parse_grant([], tiers) == Grant("comped", None)
    assert parse_grant(["trial", "14", "inner-circle"], tiers) == Grant("trial", "inner-circle", 14)
    assert parse_grant(["Member", "comped"], tiers) == Grant("comped", "member")
    for words in (["trial"], ["trial", "0"], ["trial", "x"], ["gold"]):
        with pytest.raises(UserError):
            parse_grant(words, tiers)
    # Found as an outsider: a plan's key (`gull-maned`) got the bare usage line; it names its tier now,
    # and an unknown word is named with the tiers to choose from.
    assert parse_grant(["Yearly-Gold"], tiers, {"yearly-gold": "inner-circle"}) == Grant("comped", "inner-circle")
    with pytest.raises(UserError) as caught:
        parse_grant(["gold"], tiers, {"yearly-gold": "inner-circle"})
    assert (caught.value.key, caught.value.values) == (
        "billing.errors.grant_word",
        {"word": "gold", "tiers": "member, inner-circle"},
    )


def test_prices_read_naturally() -> None:
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    assert price_label(offer(Plan(key="m", tier="member", amount=Decimal("49"))), t) == "$49 / month"
    assert (
        price_label(offer(Plan(key="y", tier="member", interval="year", amount=Decimal("490.5"), currency="eur")), t)
        == "€490.50 / year"
    )
    assert (
        price_label(offer(Plan(key="n", tier="member", amount=Decimal("300"), currency="nok")), t)
        == "NOK\xa0300 / month"
    )


def test_fake_stripe_reads_nested_form_params() -> None:
    assert unflatten({"line_items[0][price]": "p", "metadata[a]": "1", "mode": "subscription"}) == {
        "line_items": {"0": {"price": "p"}},
        "metadata": {"a": "1"},
        "mode": "subscription",
    }
