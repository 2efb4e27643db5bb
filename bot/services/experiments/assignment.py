"""Which variant a member gets: a hash of the experiment and the member, so every process and every
restart picks the same one without asking anybody (the first pick is then recorded and kept)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from bot.community.experiments import Variant

_SCALE = float(1 << 64)


def bucket(experiment: str, member_id: int) -> float:
    """A number in [0, 1) that looks uniform and depends only on the experiment's key and the member."""
    digest = hashlib.sha256(f"membot-experiment:{experiment}:{member_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def pick(experiment: str, variants: Sequence[Variant], member_id: int) -> Variant:
    """The variant whose share of the weights holds the member's bucket."""
    point = bucket(experiment, member_id) * sum(v.weight for v in variants)
    for variant in variants:
        point -= variant.weight
        if point < 0:
            return variant
    return variants[-1]  # rounding at the very top of the range
