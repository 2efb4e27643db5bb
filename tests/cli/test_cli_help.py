"""`--help` reads clean everywhere, and the operator's kit around the CLI does what it says."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import REPO_ROOT

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("cli_env")


def every_command() -> list[list[str]]:
    """Every command path, from the command tree itself (a new command is checked without listing it)."""
    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def test_every_command_is_found() -> None:
    names = {" ".join(path) for path in every_command()}
    assert {"run", "web", "backup", "restore", "report", "export", "faq eval", "slack manifest"} <= names


@pytest.mark.parametrize("path", every_command(), ids=lambda p: " ".join(p) or "membot")
def test_help_is_plain_text_with_placeholders(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    out = result.stdout
    assert result.exit_code == 0 and "Usage:" in out
    assert not re.search(r"<(bool|str|int|path|float)>", out), out
    assert "╭" not in out  # no Rich panels: plain help copies cleanly into a terminal or a ticket


def test_help_shows_square_brackets_as_written() -> None:
    out = runner.invoke(app, ["faq", "eval", "--help"]).stdout
    assert "[[faq]]" in out and "--kb FILE" in out and "--seed N" in out
    out = runner.invoke(app, ["run", "--help"]).stdout
    assert "--db URL" in out and "--community FOLDER|SLUG" in out


def test_flags_have_no_placeholder() -> None:
    out = runner.invoke(app, ["members", "list", "--help"]).stdout
    assert re.search(r"^\s+--json\s+One JSON object", out, re.MULTILINE), out


def test_backup_help_names_the_readme_section() -> None:
    out = runner.invoke(app, ["backup", "--help"]).stdout
    assert 'README\'s "Backups" section' in " ".join(out.split())
    assert "pg_dump" in out


def test_web_takes_community_and_refuses_one_not_imported(tmp_path: Path) -> None:
    out = runner.invoke(app, ["web", "--help"]).stdout
    assert "--community FOLDER|SLUG" in out
    db = f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["web", "--db", db, "--community", "nobody-here"])
    assert result.exit_code == 2 and "nobody-here" in result.stderr and "Traceback" not in result.stderr
    # Found as an outsider: on an empty database (a Procfile host's own SQLite file) it acknowledged
    # Stripe's events, which then no bot ever processed.
    empty = runner.invoke(app, ["web", "--db", db])
    assert empty.exit_code == 2 and "Traceback" not in empty.stderr
    assert "the database has no community yet" in empty.stderr and "PostgreSQL" in empty.stderr


def test_license_is_mit_for_membot_contributors() -> None:
    text = (REPO_ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Copyright (c) 2026 membot contributors" in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_keeps_the_database_and_clean_db_removes_it(tmp_path: Path) -> None:
    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("membot.db", "membot.db-wal", "membot.log", ".venv/bin/python", ".pytest_cache/x"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    subprocess.run(["make", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "membot.db").exists() and (tmp_path / "membot.db-wal").exists()
    assert not (tmp_path / ".venv").exists() and not (tmp_path / ".pytest_cache").exists()
    done = subprocess.run(["make", "clean-db"], cwd=tmp_path, check=True, capture_output=True, text=True)
    assert "Deleting the local database membot.db" in done.stdout
    assert not (tmp_path / "membot.db").exists() and not (tmp_path / "membot.log").exists()
