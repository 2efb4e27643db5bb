"""Import checks everything the bot will later use: templates, numbers, links, locales, crontabs, file types.

Each bad value is one problem naming the file and the field, and nothing is imported.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.community.errors import CommunityFilesError
from bot.community.loader import load_community
from tests.conftest import SAMPLE

FIRST = "w1-find-your-one-customer.md"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "c"
    shutil.copytree(SAMPLE, path)
    return path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path.name} changed shape"
    path.write_text(text.replace(old, new, 1))


def problems(folder: Path) -> list[str]:
    with pytest.raises(CommunityFilesError) as info:
        load_community(folder)
    return [str(p).replace(str(folder) + "/", "") for p in info.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "Hi {name}, I'm so glad",
            "Hi {name:d}, I'm so glad",
            "onboarding.steps.0.body",
            "placeholder {name:d} has a format the bot cannot fill in; write just {name}",
        ),
        (
            "Hi {name}, I'm so glad",
            "Hi {name!x}, I'm so glad",
            "onboarding.steps.0.body",
            "placeholder {name!x} has a format",
        ),
        (
            "Hi {name}, I'm so glad",
            "Hi {name.upper}, I'm so glad",
            "onboarding.steps.0.body",
            "unknown placeholder {name.upper}",
        ),
        ("Hi {name}, I'm so glad", "Hi {0}, I'm so glad", "onboarding.steps.0.body", "unknown placeholder {0}"),
        (
            "min_gap_days = 7",
            'min_gap_days = 7\nnote = "Hi {name:>10}!"',
            "nudges.note",
            "placeholder {name:>10} has a format",
        ),
        (
            'locale = "en"',
            'locale = "xx"',
            "community.locale",
            "unknown locale 'xx'; the bot speaks da, en, nb, nl, zh",
        ),
        ('cron = "0 9 * * mon"', 'cron = "0 0 31 2 *"', "drops.slots.0.cron", "'0 0 31 2 *' never fires"),
        # A name, a platform typo or a truncated id matches nobody: the creator's DMs would wait unseen.
        (
            'identities = ["console:creator"]',
            'identities = ["slack:maya"]',
            "creator.identities",
            "'slack:maya' isn't an account id: a Slack member id looks like U012AB3CD",
        ),
        (
            'identities = ["console:creator"]',
            'identities = ["discord:1234567"]',
            "creator.identities",
            "'discord:1234567' isn't an account id: a Discord user id is 17 to 20 digits",
        ),
        (
            "moderators = []",
            'moderators = ["slack:u0123abcd"]',
            "creator.moderators",
            "'slack:u0123abcd' isn't an account id",
        ),
        (
            'identities = ["console:creator"]',
            'identities = ["slak:U0123ABCD"]',
            "creator.identities",
            "'slak:U0123ABCD': the platform must be slack, discord or console",
        ),
        (
            'identities = ["console:creator"]',
            'identities = ["slack:U0123ABCD:T0123"]',
            "creator.identities",
            "'slack:U0123ABCD:T0123' isn't an account id",  # workspace and user the wrong way round
        ),
        # Found as an outsider: any three letters passed, and Stripe or the price label failed later.
        ('currency = "usd"', 'currency = "zzz"', "plans.0.currency", "'zzz' is not a currency code"),
        # Found as an outsider: on PostgreSQL a longer name failed the import with a database error.
        ('name = "Inner Circle"', f'name = "{"I" * 101}"', "tiers.1.name", "String should have at most 100 characters"),
    ],
)
def test_community_toml_values_the_bot_uses_later(folder: Path, old: str, new: str, field: str, message: str) -> None:
    edit(folder / "community.toml", old, new)
    [problem] = problems(folder)
    assert problem.startswith("community.toml, line ") and f"field '{field}': {message}" in problem, problem


def test_account_ids_of_each_platform_pass(folder: Path) -> None:
    accounts = '["console:creator", "slack:U0123ABCD", "slack:T0123ABC:W0123ABCD", "discord:123456789012345678"]'
    edit(folder / "community.toml", 'identities = ["console:creator"]', f"identities = {accounts}")
    assert len(load_community(folder).config.creator.identities) == 4


def test_templates_that_pass_are_filled_in_without_error(folder: Path) -> None:
    edit(folder / "community.toml", "Hi {name}, I'm so glad", "Hi {name} {{literally}}, I'm so glad")
    step = load_community(folder).config.onboarding.steps[0]
    assert "Hi Ada {literally}" in step.body.format(name="Ada", creator="Maya", community="Strategy Club")


def test_a_locale_with_a_region_is_known_by_its_language(folder: Path) -> None:
    edit(folder / "community.toml", 'locale = "en"', 'locale = "nb-NO"')
    assert load_community(folder).config.community.locale == "nb-NO"


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("order: 1\n", "order: 1000000000000000000000000000000\n", "order", "less than or equal to 1000000"),
        ("order: 1\n", "order: 1\npublish_at: 0001-01-01\n", "publish_at", "pick a date from 2000 to 2099"),
        ("order: 1\n", "order: 1\npublish_at: 9999-12-31 23:59\n", "publish_at", "pick a date from 2000 to 2099"),
        # Found as an outsider: pydantic's "input is too short".
        ("order: 1\n", "order: 1\npublish_at: notadate\n", "publish_at", "use a date and time like 2027-01-15 09:00"),
        (
            "url: https://strategyclub.example/videos/w1-find-your-one-customer",
            'url: "javascript:alert(1)"',
            "url",
            "links must start with https:// or http://",
        ),
        (
            "url: https://strategyclub.example/videos/w1-find-your-one-customer",
            "url: strategyclub.example/videos/w1",
            "url",
            "links must start with https:// or http://",
        ),
        (
            "url: https://strategyclub.example/videos/w1-find-your-one-customer",
            'url: "https://x.example/a b"',
            "url",
            "links must have no spaces",
        ),
    ],
)
def test_front_matter_numbers_dates_and_links(folder: Path, old: str, new: str, field: str, message: str) -> None:
    edit(folder / "content" / FIRST, old, new)
    [problem] = problems(folder)
    assert problem.startswith(f"content/{FIRST}, line ") and f"field '{field}': " in problem and message in problem, (
        problem
    )


def test_content_that_is_a_file_not_a_folder_is_refused(folder: Path) -> None:
    """Found as an outsider: a `content` file was ignored, and the import went through with no content."""
    shutil.rmtree(folder / "content")
    (folder / "content").write_text("w1.md\n")
    found = problems(folder)
    assert found[0] == "content: must be a folder holding one .md file per item"
    assert all("no content file named" in p for p in found[1:])  # what community.toml refers to is missing


def test_a_slot_firing_more_than_hourly_is_a_warning(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    edit(folder / "community.toml", 'cron = "0 9 * * wed"', 'cron = "*/10 9 * * wed"')
    with caplog.at_level(logging.WARNING, logger="bot.community.loader"):
        spec = load_community(folder)
    [warning] = [str(w).replace(str(folder) + "/", "") for w in spec.warnings]
    assert warning.startswith(
        "community.toml, line 76, field 'drops.slots.1.cron': '*/10 9 * * wed' fires more than once an hour"
    )
    assert warning in caplog.text.replace(str(folder) + "/", "")


def test_a_publish_at_the_clocks_skip_is_a_warning(folder: Path) -> None:
    """Found as an outsider: `publish_at: 2027-03-14T02:30` in New York went out at 03:30 without a word."""
    edit(folder / "community.toml", 'timezone = "Europe/Oslo"', 'timezone = "America/New_York"')
    edit(folder / "content" / FIRST, "order: 1\n", "order: 1\npublish_at: 2027-03-14T02:30\n")
    [warning] = [str(w).replace(str(folder) + "/", "") for w in load_community(folder).warnings]
    assert warning == (
        f"content/{FIRST}, field 'publish_at': there is no 02:30 on 2027-03-14 in America/New_York "
        "(the clocks go forward): it goes out at 03:30"
    )
    edit(folder / "content" / FIRST, "publish_at: 2027-03-14T02:30", "publish_at: 2027-03-14T03:30")
    assert load_community(folder).warnings == ()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.symlink_to("/dev/zero"),
        _fifo,
        lambda p: p.mkdir(),
    ],
    ids=["symlink-to-dev-zero", "fifo", "folder"],
)
def test_files_that_are_not_regular_are_refused_before_reading(folder: Path, make) -> None:  # type: ignore[no-untyped-def]
    make(folder / "content" / "x.md")
    assert problems(folder) == ["content/x.md: not a regular file (a folder, device, pipe or link to one)"]


def test_community_toml_linked_to_a_device_is_refused(folder: Path) -> None:
    (folder / "community.toml").unlink()
    (folder / "community.toml").symlink_to("/dev/zero")
    assert problems(folder) == ["community.toml: not a regular file (a folder, device, pipe or link to one)"]


def test_membot_import_reports_every_problem_and_imports_nothing(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "MEMBOT_DATABASE_URL", "MEMBOT_PLATFORMS"):
        monkeypatch.delenv(name, raising=False)
    db = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    edit(folder / "community.toml", "Hi {name}, I'm so glad", "Hi {name:d}, I'm so glad")
    edit(folder / "content" / FIRST, "order: 1\n", "order: 1000000000000000000000000000000\npublish_at: 0001-01-01\n")
    (folder / "content" / "zero.md").symlink_to("/dev/zero")
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(folder), "--db", db])
    assert result.exit_code == 2
    err = result.stderr
    assert "field 'onboarding.steps.0.body': placeholder {name:d} has a format the bot cannot fill in" in err
    assert f"{FIRST}, line 8, field 'order'" in err and f"{FIRST}, line 9, field 'publish_at'" in err
    assert "zero.md: not a regular file" in err
    assert "Traceback" not in err + result.stdout
    listed = runner.invoke(app, ["members", "list", "--db", db])
    assert listed.exit_code == 2  # nothing was imported, so there is no community


def test_files_saved_with_a_byte_order_mark_import_as_without(folder: Path) -> None:
    """Found as an outsider: Windows editors save UTF-8 with a BOM, which read as 'not valid TOML'."""
    for path in (folder / "community.toml", folder / "content" / FIRST):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    spec = load_community(folder)
    assert spec.config.community.name == "Strategy Club"


def test_a_founding_window_without_a_founding_plan_is_refused(folder: Path) -> None:
    toml = folder / "community.toml"
    toml.write_text(
        toml.read_text().replace("founding = true", "founding = false")
        + "\n[[doors.windows]]\nopens = 2027-01-05T09:00:00\ncloses = 2027-01-15T18:00:00\nfounding = true\n"
    )
    [problem] = problems(folder)
    assert "a founding window needs a plan with founding = true" in problem
