"""`membot members list` lines its columns up by the width text takes on screen, CJK names included."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import REPO_ROOT
from bot.text_width import display_width, padded

pytestmark = pytest.mark.usefixtures("cli_env")


def test_display_width_counts_columns() -> None:
    assert [display_width(s) for s in ("Bea", "王小明", "Zoë", "Zoe\u0308", "ｶﾀｶﾅ", "ＡＢ")] == [3, 6, 3, 3, 4, 4]
    assert padded("王小明", 8) == "王小明  " and padded("9", 3, right=True) == "  9"
    assert padded("Maya Lindqvist", 4) == "Maya Lindqvist"  # longer than the column: as it is


def test_members_list_aligns_cjk_names(tmp_path: Path) -> None:
    """Found as an outsider: after 王小明 the status, tier and later columns sat three places to the right."""
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMBOT_", "SLACK_", "DISCORD_"))}
    env["MEMBOT_LOG_LEVEL"] = "WARNING"
    script = "/as 王小明\n/join\n/as Bea\n/join\n/as 김민지\n"
    ran = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--platform", "console", "--db", db_url],
        input=script,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=REPO_ROOT,
    )
    assert ran.returncode == 0, ran.stderr
    listed = CliRunner().invoke(app, ["members", "list", "--db", db_url])
    assert listed.exit_code == 0, listed.stderr
    lines = {line.split()[1]: line for line in listed.stdout.splitlines()}
    assert {"王小明", "Bea", "김민지", "Alex"} <= set(lines)

    def column(line: str, word: str) -> int:
        """Where `word` starts on screen: the display width of what comes before it."""
        return display_width(line[: line.index(word)])

    for word in ("active", "level", "arrived"):
        assert column(lines["王小明"], word) == column(lines["Bea"], word), (word, lines["王小明"], lines["Bea"])
    assert column(lines["김민지"], "arrived") == column(lines["Alex"], "arrived")
