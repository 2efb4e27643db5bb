"""Every command fails in one sentence (stderr, exit code 2, no traceback, no password), and the
console's `/as NAME` keeps people apart and never makes anyone the creator by name."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import REPO_ROOT
from tests.conftest import SAMPLE

runner = CliRunner()

pytestmark = pytest.mark.usefixtures("cli_env")


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=0.5).close()
        return True
    except OSError:
        return False


def invoke(*args: str, script: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=script)
    return result.exit_code, result.stdout, result.stderr


MISSING_FOLDER = "sqlite:///missing/folder/membot.db"
CASES = [
    (
        ["db", "upgrade", "--db", MISSING_FOLDER],
        "cannot use the database sqlite+aiosqlite:///missing/folder/membot.db: the folder missing/folder does not exist",
    ),
    (["members", "list", "--db", MISSING_FOLDER], "the folder missing/folder does not exist"),
    (["report", "--out", "r", "--db", MISSING_FOLDER], "the folder missing/folder does not exist"),
    (
        ["db", "upgrade", "--db", "postgresql://maya:hunter2@127.0.0.1:1/club"],
        "cannot use the database postgresql+asyncpg://maya:***@127.0.0.1:1/club: the server refused the connection",
    ),
    (["db", "upgrade", "--db", "mysql://nope"], "MEMBOT_DATABASE_URL: unsupported database 'mysql'"),
    (["db", "upgrade", "--db", "garbage"], "expected sqlite:///FILE or postgresql://USER@HOST/NAME (a password"),
    (["members", "list", "--db", "sqlite:///fresh.db"], "there is no database file fresh.db (check --db"),
    (["run", "--community", "no/such/folder"], "--community: there is no folder no/such/folder"),
    (["import", "no-such-folder"], "no-such-folder: no such folder"),
    (["run", "--start", "tomorrow"], "--start: 'tomorrow' is not a date and time"),
    (["run", "--start", "2026-11-20T12:00"], "--start: give a time zone"),
]


@pytest.mark.parametrize(("args", "expected"), CASES, ids=[" ".join(a[:2]) + f" {n}" for n, (a, _) in enumerate(CASES)])
def test_each_failure_is_one_sentence(args: list[str], expected: str) -> None:
    code, out, err = invoke(*args, script="/quit\n")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert expected in err and "hunter2" not in err


def test_a_report_into_a_file_says_so_before_any_work(tmp_path: Path) -> None:
    """Found as an outsider: `membot report --out report.html` built the whole report, then said
    "error: report.html: File exists" (the folder it meant to make was in the way)."""
    (tmp_path / "report.html").write_text("mine")
    code, out, err = invoke("report", "--out", "report.html", "--db", "sqlite:///nothing-here.db")
    assert code == 2 and out == ""
    assert err == "error: --out: report.html is a file; give a folder (a new one is created)\n"
    assert (tmp_path / "report.html").read_text() == "mine" and not (tmp_path / "nothing-here.db").exists()


@pytest.mark.skipif(not postgres_reachable(), reason="needs PostgreSQL on 127.0.0.1:5432")
def test_a_database_that_does_not_exist_is_one_sentence_from_the_real_process() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMBOT_", "SLACK_", "DISCORD_"))}
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/membot_nonexistent"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade", "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f'error: cannot use the database {url}: database "membot_nonexistent" does not exist\n')
    debug = subprocess.run(
        [sys.executable, "-m", "bot", "--debug", "db", "upgrade", "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO_ROOT,
    )
    assert debug.returncode != 0 and "Traceback" in debug.stderr  # --debug shows where


def test_console_names_in_any_script_are_different_people_and_none_is_the_creator(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'club.db'}"
    script = (
        "\n".join(
            [
                "/as Åse",
                "/as Øyvind",
                "/as 李雷",
                "/as 王芳",
                "/as Ase",
                "/as creator!",
                "/stats",
                "/as Maya Lindqvist",
                "/stats",
                "/as Creator",
                "/stats",
            ]
        )
        + "\n"
    )
    code, out, err = invoke("run", "--db", db, "--community", str(SAMPLE), script=script)
    assert code == 0, err
    for name in ("Åse", "Øyvind", "李雷", "王芳", "Ase"):
        assert f"Welcome to Strategy Club, {name}!" in out
    assert out.count("Sorry, /stats is for the creator and moderators only.") == 2  # creator! and Maya by name
    assert "You are now Maya Lindqvist.\nMaya Lindqvist> /stats" in out and "Strategy Club: the last 30 days" in out

    code, listing, _ = invoke("members", "list", "--json", "--db", db)
    rows = [json.loads(line) for line in listing.splitlines()]
    people = {r["identities"][0]: (r["name"], r["role"]) for r in rows}
    assert len(people) == len(rows) == 9  # nobody collapsed into anybody else
    assert [name for name, _ in people.values()] == [
        "Maya Lindqvist",  # the creator's account, known from the start: `/as Creator` is it
        "Alex",
        "Åse",
        "Øyvind",
        "李雷",
        "王芳",
        "Ase",
        "creator!",
        "Maya Lindqvist",
    ]
    assert people["console:console:creator"] == ("Maya Lindqvist", "creator")
    assert sum(role == "creator" for _, role in people.values()) == 1


def test_commands_that_read_leave_no_database_behind_at_a_mistyped_path(tmp_path: Path) -> None:
    """Found as an outsider: `members list`, `export`, `report` and `web` on a mistyped --db left an
    empty (or freshly migrated) typo.db behind."""
    typo = tmp_path / "typo.db"
    db = f"sqlite:///{typo}"
    for args in (
        ["members", "list", "--db", db],
        ["export", "members", "--out", str(tmp_path / "m.csv"), "--db", db],
        ["report", "--out", str(tmp_path / "r"), "--db", db],
        ["web", "--db", db],
    ):
        code, _, err = invoke(*args)
        assert code == 2 and f"there is no database file {typo} (check --db" in err, args
    assert sorted(p.name for p in tmp_path.iterdir()) == []
