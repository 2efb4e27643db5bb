"""`[[experiments]]` in community.toml: what a creator may write, and the plain error for what they may not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.community.errors import CommunityFilesError
from bot.community.loader import load_community
from tests.experiments.test_experiments import experiment_toml, with_experiments


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('message = "welcome"', 'message = "checkin:10"\n'), None),  # a check-in works
        (('message = "welcome"', 'message = "checkin:30"'), "no member check-in on day 30"),  # day 30 tells the creator
        (('message = "welcome"', 'message = "teaser:no-such-drop"'), "no content file named no-such-drop.md"),
        (('message = "welcome"', 'message = "goodbye"'), "message"),
        (('key = "direct"\n', 'key = "direct"\nholdout = true\n'), "holds the message back, so it takes no text"),
        (('key = "warm"\nweight = 1\n', 'key = "warm"\nweight = 0\n'), "greater than 0"),
        (('key = "direct"', 'key = "warm"'), "variant keys must be unique"),
        (("Hi {name}, it's", "Hi {first_name}, it's"), "unknown placeholder {first_name}"),
        (('outcome = "came-back-7d"', 'outcome = "happy"'), "outcome"),
        (('key = "welcome-test"', 'key = "' + "x" * 41 + '"'), "key"),
        (("min_sample = 10", "min_sample = 3"), "greater than or equal to 10"),
    ],
)
def test_a_mistake_in_an_experiment_is_named_at_import(
    community_path: Path, tmp_path: Path, change: tuple[str, str], message: str | None
) -> None:
    text = experiment_toml()
    assert change[0] in text
    folder = with_experiments(community_path, tmp_path / "club", text.replace(change[0], change[1], 1))
    if message is None:
        assert load_community(folder).config.experiments[0].message == "checkin:10"
        return
    with pytest.raises(CommunityFilesError) as raised:
        load_community(folder)
    assert message in str(raised.value)
    assert "community.toml" in str(raised.value)
    assert "Tuple should have" not in str(raised.value)  # one typo, one error: no echo about the count


def test_a_holdout_only_on_a_check_in_and_only_one_experiment_per_message(community_path: Path, tmp_path: Path) -> None:
    holdout = experiment_toml().replace('key = "direct"\ntext = ', 'key = "direct"\nholdout = true\n#', 1)
    with pytest.raises(CommunityFilesError, match="only a check-in can hold a variant back"):
        load_community(with_experiments(community_path, tmp_path / "a", holdout))
    twice = experiment_toml() + experiment_toml().replace('key = "welcome-test"', 'key = "welcome-again"')
    with pytest.raises(CommunityFilesError, match="one experiment per message; more than one varies: welcome"):
        load_community(with_experiments(community_path, tmp_path / "b", twice))
    alone = experiment_toml().split('[[experiments.variants]]\nkey = "direct"')[0]
    with pytest.raises(CommunityFilesError, match="at least two variants"):
        load_community(with_experiments(community_path, tmp_path / "c", alone))


def test_the_longest_keys_still_fit_the_winner_button() -> None:
    from bot.community.experiments import Experiment
    from bot.messages import ActionId
    from bot.notices.experiments import END_ACTION

    longest = Experiment.model_validate(
        {
            "key": "e" * 39,
            "message": "welcome",
            "outcome": "posted-7d",
            "variants": [{"key": "a" * 39, "text": "One"}, {"key": "b" * 39, "text": "Two"}],
        }
    )
    button = f"{END_ACTION}:{longest.key}:{longest.variants[0].key}"
    assert ActionId.parse(button).arg == f"{'e' * 39}:{'a' * 39}"
    with pytest.raises(ValueError, match="key"):  # one more and the button would not parse
        Experiment.model_validate({**longest.model_dump(), "key": "e" * 40})
