"""The statistics behind `/stats experiments`: checked against hand-computed values, against simulation,
and for what matters to a creator: a real difference is found, and no difference is not invented."""

from __future__ import annotations

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from bot.community.experiments import Variant
from bot.services.experiments.assignment import bucket, pick
from bot.services.experiments.stats import Tally, probability_best, verdict, wilson

# Chi-square critical values at p = 0.05 (df = 1, 2), from the table.
CHI2_95 = {1: 3.841, 2: 5.991}


def chi_square(observed: list[int], expected: list[float]) -> float:
    return sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))


# -- the Wilson interval --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "members", "low", "high"),
    [
        # p = 0.3, z² = 3.841459: centre = (0.3 + 0.019207) / 1.038415 = 0.307399,
        # half = 1.959964 · √(0.0021 + 0.0000960) / 1.038415 = 0.088450 (the textbook 0.2189–0.3958)
        (30, 100, 0.218949, 0.395849),
        # p = 0: centre = half = (z²/20) / (1 + z²/10) = 0.192073 / 1.384146 = 0.138767
        (0, 10, 0.0, 0.277533),
        (10, 10, 0.722467, 1.0),
        # p = 0.5, n = 1000: centre 0.5, half = 1.959964 · √(0.00025 + 0.00000096) / 1.003841 = 0.030930
        (500, 1000, 0.469070, 0.530930),
    ],
)
def test_wilson_matches_hand_computed_values(outcomes: int, members: int, low: float, high: float) -> None:
    found = wilson(outcomes, members)
    assert found == pytest.approx((low, high), abs=5e-6)


def test_wilson_with_nobody_measured_says_nothing_is_known() -> None:
    assert wilson(0, 0) == (0.0, 1.0)


def test_wilson_covers_the_true_rate_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(7)
    true_rate, members, runs = 0.2, 200, 4000
    hits = rng.binomial(members, true_rate, size=runs)
    covered = sum(lo <= true_rate <= hi for lo, hi in (wilson(int(h), members) for h in hits))
    assert 0.935 <= covered / runs <= 0.965


# -- the probability that a variant is the best ---------------------------------------------


def test_equal_evidence_splits_the_probability_evenly() -> None:
    assert probability_best([Tally(100, 30), Tally(100, 30)]) == pytest.approx([0.5, 0.5], abs=1e-4)
    assert probability_best([Tally(50, 10)] * 3) == pytest.approx([1 / 3] * 3, abs=1e-4)


def test_probability_best_agrees_with_sampling_the_posteriors() -> None:
    tallies = [Tally(120, 30), Tally(110, 36), Tally(90, 25)]
    rng = np.random.default_rng(3)
    draws = np.stack([rng.beta(1 + t.outcomes, 1 + t.members - t.outcomes, 400_000) for t in tallies])
    sampled = np.bincount(draws.argmax(axis=0), minlength=3) / draws.shape[1]
    assert probability_best(tallies) == pytest.approx(list(sampled), abs=0.005)


def test_a_large_clear_gap_is_near_certain() -> None:
    worse, better = probability_best([Tally(1000, 200), Tally(1000, 300)])
    assert better > 0.9999 and worse < 1e-4


# -- the verdict ----------------------------------------------------------------------------


def test_too_early_until_every_variant_has_the_minimum_sample() -> None:
    assert verdict([Tally(99, 10), Tally(500, 400)], min_sample=100) == ("too-early", None)
    assert verdict([Tally(100, 10), Tally(500, 400)], min_sample=100) == ("winner", 1)


def _simulate(rates: list[float], looks: list[int], rng: random.Random) -> tuple[str, int | None]:
    """One experiment, looked at after each number of members per variant in `looks`: the first winner, or the
    last verdict."""
    outcomes, members = [0] * len(rates), [0] * len(rates)
    found: tuple[str, int | None] = ("too-early", None)
    for look in looks:
        for i, rate in enumerate(rates):
            outcomes[i] += sum(rng.random() < rate for _ in range(look - members[i]))
            members[i] = look
        found = verdict([Tally(m, o) for m, o in zip(members, outcomes, strict=True)], min_sample=looks[0])
        if found[0] == "winner":
            return found
    return found


def test_a_known_true_effect_is_detected() -> None:
    rng = random.Random(11)
    runs = [_simulate([0.20, 0.30], [1000], rng) for _ in range(200)]
    assert sum(r == ("winner", 1) for r in runs) >= 0.95 * len(runs)
    assert ("winner", 0) not in runs  # the worse variant is never called the winner


def test_no_true_difference_reads_no_difference_yet_at_least_95_percent_of_the_time() -> None:
    rng = random.Random(12)
    runs = [_simulate([0.30, 0.30], [500], rng) for _ in range(400)]
    assert sum(r[0] == "no-difference-yet" for r in runs) >= 0.95 * len(runs)


def test_looking_every_week_does_not_invent_a_winner_either() -> None:
    """The creator hears of a winner the first day one shows: peeking must not wear the 95 % down."""
    rng = random.Random(13)
    looks = list(range(100, 1001, 50))  # 19 looks as members accumulate
    runs = [_simulate([0.25, 0.25, 0.25], looks, rng) for _ in range(200)]
    assert sum(r[0] == "no-difference-yet" for r in runs) >= 0.95 * len(runs)


# -- assignment -----------------------------------------------------------------------------


def _variants(*weights: float) -> list[Variant]:
    return [Variant(key=f"v{i}", text="Hello {name}", weight=w) for i, w in enumerate(weights)]


def test_assignment_is_balanced_over_10000_members() -> None:
    even = _variants(1, 1)
    counts = [0, 0]
    for member_id in range(1, 10_001):
        counts[int(pick("welcome-test", even, member_id).key[1])] += 1
    assert chi_square(counts, [5000, 5000]) < CHI2_95[1]


def test_assignment_follows_the_weights() -> None:
    weighted = _variants(2, 1, 1)
    counts = [0, 0, 0]
    for member_id in range(1, 10_001):
        counts[int(pick("checkin-test", weighted, member_id).key[1])] += 1
    assert chi_square(counts, [5000, 2500, 2500]) < CHI2_95[2]


def test_experiments_assign_independently() -> None:
    """Being in variant 0 of one experiment says nothing about another (no member is always 'A')."""
    even = _variants(1, 1)
    table = [[0, 0], [0, 0]]
    for member_id in range(1, 10_001):
        table[int(pick("one", even, member_id).key[1])][int(pick("two", even, member_id).key[1])] += 1
    assert chi_square([c for row in table for c in row], [2500.0] * 4) < 7.815  # df = 3


def test_assignment_is_the_same_in_another_process() -> None:
    """A hash of the key and member, not Python's salted hash(): another process (another seed) agrees."""
    script = "from bot.services.experiments.assignment import bucket; print([bucket('x', i) for i in range(50)])"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert output.stdout.strip() == str([bucket("x", i) for i in range(50)])
