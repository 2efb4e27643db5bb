"""The plans in community.toml, as billing offers them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.community.schema import CommunityFile, Plan
from bot.notices.billing import PlanOffer


def by_key(config: CommunityFile, key: str | None) -> Plan | None:
    return next((p for p in config.plans if p.key == key), None) if key else None


def by_price(config: CommunityFile, price_id: str | None) -> Plan | None:
    return next((p for p in config.plans if p.stripe_price and p.stripe_price == price_id), None) if price_id else None


def offered(config: CommunityFile, *, founding: bool) -> Sequence[Plan]:
    """Plans that can be bought: the founding ones in a founding launch, the regular ones otherwise."""
    payable = [p for p in config.plans if p.stripe_price]
    chosen = [p for p in payable if p.founding] if founding else [p for p in payable if not p.founding]
    return chosen or [p for p in payable if not p.founding]


def offer(plan: Plan) -> PlanOffer:
    """What a member is shown of a plan."""
    return PlanOffer(plan.key, plan.amount, plan.currency, plan.interval, plan.founding, plan.trial_days)
