"""The copy a member gets for a message that an experiment varies, recorded as they receive it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.community.experiments import Experiment, Variant
from bot.services.community import CommunityContext
from bot.services.experiments.assignment import pick
from storage.database import Session
from storage.repositories import experiments as repo

SAME_VISIT = timedelta(hours=1)


def _visit(experiment: Experiment) -> timedelta:
    """The welcome answers the member's own arrival: what they do in that same visit (the /join, the intake)
    is not "coming back", so for it activity counts from an hour on. Other messages arrive unasked, and
    any reply to them counts."""
    return SAME_VISIT if experiment.kind == "welcome" and experiment.outcome == "came-back-7d" else timedelta(0)


class VariantPicker:
    """Answers "which words for this member?" for `welcome`, `onboarding:<id>`, `checkin:<day>` and
    `teaser:<slug>`: None when no experiment varies the message (the usual copy), the winner once the
    experiment has ended, and otherwise the member's variant, recorded the first time (never changed)."""

    def __init__(self, community: CommunityContext) -> None:
        self._community = community

    def experiment(self, message: str) -> Experiment | None:
        return next((e for e in self._community.config.experiments if e.message == message), None)

    async def choose(self, session: Session, message: str, member_id: int, at: datetime) -> Variant | None:
        """The member's variant, recorded as received at `at` (when the message goes out)."""
        chosen = await self.choose_many(session, message, [member_id], at)
        return chosen.get(member_id)

    async def choose_many(
        self, session: Session, message: str, member_ids: Sequence[int], at: datetime
    ) -> dict[int, Variant]:
        """Variants for a batch of members (a drop's DMs): one query for those already assigned."""
        experiment = self.experiment(message)
        if experiment is None or not member_ids:
            return {}
        row = await repo.ensure(session, self._community.id, experiment.key, at)
        by_key = {v.key: v for v in experiment.variants}
        if row.ended_at is not None:
            winner = by_key.get(row.winner or "")
            return dict.fromkeys(member_ids, winner) if winner is not None else {}
        known = await repo.recorded(session, row.id, member_ids)
        chosen: dict[int, Variant] = {}
        for member_id in member_ids:
            variant = by_key.get(known.get(member_id, ""))
            if variant is None:  # new to the experiment (or their variant was removed from the file)
                fresh = pick(experiment.key, experiment.variants, member_id)
                recorded = await repo.assign(session, row.id, member_id, fresh.key, at, at + _visit(experiment))
                variant = by_key.get(recorded, fresh)
            chosen[member_id] = variant
        return chosen
