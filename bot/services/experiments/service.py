"""The creator's side of experiments: results per variant, the news of a winner, and ending one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.community.experiments import Experiment
from bot.notices.experiments import ExperimentResult, VariantFigures, WinnerFound
from bot.services.activity import KINDS
from bot.services.base import DomainService
from bot.services.errors import UserError
from bot.services.experiments.stats import Tally, probability_best, verdict, wilson
from storage.database import Session
from storage.models import Experiment as ExperimentRow
from storage.repositories import content
from storage.repositories import experiments as repo
from storage.repositories.experiments import Receipt

log = logging.getLogger(__name__)

CAME_BACK = tuple(k for k in KINDS if k != "join")
WINDOWS = {"came-back-7d": 7, "posted-7d": 7, "opened-drop": 7, "member-30d": 30, "member-60d": 60, "member-90d": 90}
ACTIVITY = {"came-back-7d": CAME_BACK, "posted-7d": ("message",), "opened-drop": ("library_open",)}


class ExperimentService(DomainService):
    async def results(self) -> list[ExperimentResult]:
        """Every experiment in community.toml, in its order, with its figures as of now."""
        async with self._database.session() as session:
            return [await self._result(session, e) for e in self._community.config.experiments]

    async def tell_winners(self) -> int:
        """DM each creator once per experiment and winning variant (the outbox key names both)."""
        queued = 0
        async with self._database.session() as session:
            for experiment in self._community.config.experiments:
                result = await self._result(session, experiment)
                if result.verdict == "winner":
                    key = f"experiment:{experiment.key}:winner:{result.leader}"
                    queued += await self._tell_creators(session, key, WinnerFound(result))
        return queued

    async def end(self, key: str, variant: str) -> ExperimentResult:
        """Make `variant` the copy for everyone: nobody new is assigned and the figures stop moving."""
        experiment = next((e for e in self._community.config.experiments if e.key == key), None)
        if experiment is None:
            raise UserError("experiments.errors.unknown", name=key)
        if variant not in {v.key for v in experiment.variants}:
            raise UserError("experiments.errors.unknown_variant", name=key, variant=variant)
        async with self._database.session() as session:
            row = await repo.ensure(session, self._community.id, key, self._clock.now())
            if not await repo.end(session, row, variant, self._clock.now()):
                raise UserError("experiments.errors.ended", name=key, variant=row.winner or "")
            result = await self._result(session, experiment, row)
        log.info("experiment %s ended by the creator", key)
        return result

    async def _result(
        self, session: Session, experiment: Experiment, row: ExperimentRow | None = None
    ) -> ExperimentResult:
        now = self._clock.now()
        row = row or (await repo.all_for(session, self._community.id)).get(experiment.key)
        window = timedelta(days=WINDOWS[experiment.outcome])
        keys = [v.key for v in experiment.variants]
        measured = {key: [0, 0] for key in keys}
        waiting: dict[str, int] = {}
        if row is not None:
            as_of = row.ended_at or now
            for receipt in await self._receipts(session, experiment, row.id, as_of - window):
                if receipt.variant in measured:
                    measured[receipt.variant][0] += 1
                    measured[receipt.variant][1] += _reached(experiment.outcome, receipt, window)
            waiting = await repo.pending(session, row.id, as_of - window)
        tallies = [Tally(*measured[key]) for key in keys]
        chances = probability_best(tallies)
        called, best = verdict(tallies, experiment.min_sample, chances)
        figures = tuple(
            VariantFigures(
                v.key,
                t.members,
                t.outcomes,
                t.rate,
                *wilson(t.outcomes, t.members),
                chance,
                waiting.get(v.key, 0),
                v.holdout,
            )
            for v, t, chance in zip(experiment.variants, tallies, chances, strict=True)
        )
        ended = row is not None and row.ended_at is not None
        return ExperimentResult(
            key=experiment.key,
            title=experiment.title,
            message=experiment.message,
            outcome=experiment.outcome,
            min_sample=experiment.min_sample,
            variants=figures,
            verdict="ended" if ended else called,
            leader=(row.winner if ended and row else keys[best] if best is not None else None),
            ended_at=row.ended_at if row is not None else None,
        )

    async def _receipts(
        self, session: Session, experiment: Experiment, experiment_id: int, received_by: datetime
    ) -> Sequence[Receipt]:
        kinds = ACTIVITY.get(experiment.outcome, ())
        ref = None
        if experiment.kind == "teaser" and experiment.outcome == "opened-drop":
            item = await content.by_slug(session, self._community.id, experiment.target)
            ref = f"content:{item.id}" if item is not None else None
        return await repo.receipts(session, experiment_id, received_by=received_by, kinds=kinds, ref=ref)


def _reached(outcome: str, receipt: Receipt, window: timedelta) -> bool:
    """Did this member reach the outcome within its window after receiving their variant?"""
    deadline = receipt.assigned_at + window
    if outcome in ACTIVITY:
        return receipt.first_activity is not None and receipt.first_activity <= deadline
    return receipt.open_memberships > 0 or (receipt.last_ended is not None and receipt.last_ended > deadline)
