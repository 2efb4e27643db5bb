"""The operator's command line, run as a person would: friendly errors, isolated with --db."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import REPO_ROOT
from tests.conftest import SAMPLE

runner = CliRunner()

pytestmark = pytest.mark.usefixtures("cli_env")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_db_upgrade_then_import_is_idempotent(db_url: str) -> None:
    code, out, _ = invoke("db", "upgrade", "--db", db_url)
    newest = sorted(REPO_ROOT.glob("storage/migrations/versions/0*.py"))[-1].name[:4]
    assert code == 0 and f"revision {newest}" in out
    code, out, _ = invoke("import", str(SAMPLE), "--db", db_url)
    assert code == 0 and "content: 16 new" in out and "faq: 44 new" in out
    code, out, _ = invoke("import", str(SAMPLE), "--db", db_url)
    assert code == 0 and out.strip() == "Already up to date: nothing changed."


def test_import_with_start_schedules_the_drops_from_the_console_s_start(db_url: str, tmp_path: Path) -> None:
    """Found as an outsider: `membot import` and then `membot run --start 2026-11-20…` gave a first
    drop on this computer's date (9 Dec), not the day after the console's start."""
    import asyncio
    from datetime import UTC, datetime

    from sqlalchemy import func, select

    from storage.database import Database
    from storage.models import ContentItem

    code, _, _ = invoke("import", str(SAMPLE), "--db", db_url, "--start", "2026-11-20T12:00+00:00")
    assert code == 0

    async def first_drop() -> datetime:
        database = Database(db_url)
        try:
            async with database.session() as session:
                found = await session.scalar(select(func.min(ContentItem.publish_at)))
        finally:
            await database.dispose()
        assert found is not None
        return found if found.tzinfo else found.replace(tzinfo=UTC)

    assert datetime(2026, 11, 20, 12, tzinfo=UTC) < asyncio.run(first_drop()) < datetime(2026, 11, 22, tzinfo=UTC)
    code, _, err = invoke("import", str(SAMPLE), "--db", db_url, "--start", "tomorrow")
    assert code != 0 and "--start" in err


def test_reimport_says_what_a_running_bot_needs_and_keeps_a_missing_faq(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    invoke("init", str(folder))
    assert invoke("import", str(folder), "--db", db_url)[0] == 0
    toml = folder / "community.toml"
    toml.write_text(toml.read_text().replace('timezone = "Europe/London"', 'timezone = "Asia/Kolkata"'))
    code, out, _ = invoke("import", str(folder), "--db", db_url)
    assert code == 0 and "community: 1 updated" in out
    assert "community.toml changed: if membot is running, restart it to use the new settings." in out
    (folder / "faq.toml").unlink()
    code, out, _ = invoke("import", str(folder), "--db", db_url)
    assert out.splitlines() == [
        "Note: content/welcome-mini-training.md still holds the placeholder text `membot init` wrote: "
        "left out until you write it.",
        "Note: no faq.toml: kept the 2 FAQ entries it had (an empty faq.toml removes them).",
        "Already up to date: nothing changed.",
    ]


def test_import_of_a_bad_folder_explains_and_changes_nothing(db_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    invoke("init", str(bad))
    (bad / "community.toml").write_text(
        (bad / "community.toml").read_text().replace('slug = "my-community"', 'slug = "My Community"')
    )
    code, out, err = invoke("import", str(bad), "--db", db_url)
    assert code == 2
    assert "community.toml, line 5, field 'community.slug': use lowercase letters, digits and dashes" in err
    assert "Traceback" not in err + out
    code, out, _ = invoke("members", "list", "--db", db_url)
    assert code == 2  # nothing was imported, so there is no community yet


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    assert invoke("init", str(tmp_path / "c"))[0] == 0
    code, _, err = invoke("init", str(tmp_path / "c"))
    assert code == 2 and "already exists" in err


def test_bad_database_url_is_one_clear_line() -> None:
    code, _, err = invoke("db", "upgrade", "--db", "mysql://nope")
    assert (
        code == 2
        and err.strip() == "error: MEMBOT_DATABASE_URL: unsupported database 'mysql': use sqlite or postgresql"
    )


def test_help_everywhere() -> None:
    for args in (
        [],
        ["run"],
        ["web"],
        ["init"],
        ["import"],
        ["db", "upgrade"],
        ["members", "list"],
        ["faq", "eval"],
        ["backup"],
        ["restore"],
        ["report"],
        ["export"],
        ["slack", "manifest"],
        ["discord", "invite-url"],
    ):
        code, out, _ = invoke(*args, "--help")
        assert code == 0 and "Usage" in out


def run_console(db_url: str, script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMBOT_", "SLACK_", "DISCORD_"))}
    env["MEMBOT_LOG_LEVEL"] = "WARNING"
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--platform", "console", "--db", db_url, *extra],
        input=script,
        capture_output=True,
        text=True,
        timeout=300,  # a scripted month runs every job on the way: ~30 s here, more on a busy CI machine
        env=env,
        cwd=REPO_ROOT,
    )


def test_scripted_console_session_lives_through_a_week(db_url: str) -> None:
    # From a Friday noon, like the README's demo: on the real clock the week held 4 or 5 drop times by
    # the hour it ran (a Tuesday morning took in next Tuesday's, found flaky by a helper's run).
    result = run_console(db_url, "/join\n/time +7d\n/library\n", "--start", "2026-11-20T12:00+00:00")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[DM to Alex]" in out and "Welcome to Strategy Club, Alex!" in out
    assert "You're in! Welcome to Strategy Club." in out
    assert out.count("[#drops]") == 4  # Sat deep-dive, Mon mini-training, Wed resource, Thu live
    assert "The library: 4 items" in out
    assert "Traceback" not in result.stderr


def test_console_switches_people_and_picks_numbered_choices(db_url: str) -> None:
    # Alex's welcome shows choices [1]-[4], Bea's [5]-[8]; [7] is Bea's "Browse the library". On a
    # Friday: on a Monday the creator's weekly briefing (with a choice of its own) comes first.
    result = run_console(
        db_url, "/as Bea\n7\n/as creator\n/help\n/time soon\n99\n", "--start", "2026-11-20T12:00+00:00"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "You are now Bea." in out and "Welcome to Strategy Club, Bea!" in out
    assert "[reply to Bea]" in out and "The library is empty for now" in out
    assert "You are now Maya Lindqvist." in out
    assert "Sorry: say how far to move" in out
    assert "There is no choice [99] on screen." in out


def test_members_list_json_after_a_console_session(db_url: str) -> None:
    run_console(db_url, "/join\n/as Bea\n")
    code, out, _ = invoke("members", "list", "--json", "--db", db_url, "--community", str(SAMPLE))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["name"], r["role"]) for r in rows if r["role"] != "member"] == [("Maya Lindqvist", "creator")]
    rows = [r for r in rows if r["role"] == "member"]
    assert [(r["name"], r["status"], r["tier"]) for r in rows] == [("Alex", "active", "member"), ("Bea", "none", None)]
    assert rows[0]["identities"] == ["console:console:alex"]
    assert set(rows[0]) >= {"id", "name", "identities", "role", "status", "tier", "level", "joined"}
    code, out, _ = invoke("members", "list", "--db", db_url)
    assert code == 0 and "Alex" in out


def test_members_list_reads_like_the_community(db_url: str, tmp_path: Path) -> None:
    """Found as an outsider: dates were UTC days ("joined 2026-11-30" for someone who arrived just after
    midnight in Oslo, on 1 December), a removed member's status was "none", and the creator was unmarked."""
    run_console(db_url, "/join\n/as Bea\n/join\n/as creator\n/member remove Bea\n", "--start", "2026-11-30T23:30+00:00")
    code, out, _ = invoke("members", "list", "--db", db_url, "--community", str(SAMPLE))
    assert code == 0
    lines = {line.split()[1]: line for line in out.splitlines()}
    assert "arrived 2026-12-01" in lines["Alex"] and " active " in lines["Alex"]
    assert " canceled  member " in lines["Bea"]  # how it ended, and the tier it was
    assert "Maya Lindqvist (creator)" in out
    # The export names each membership's tier and when it ended (a churn can be dated from the file).
    csv_file = tmp_path / "members.csv"
    assert invoke("export", "members", "--out", str(csv_file), "--db", db_url, "--community", str(SAMPLE))[0] == 0
    rows = {row["name"]: row for row in csv.DictReader(csv_file.open(encoding="utf-8"))}
    assert (rows["Alex"]["tier"], rows["Alex"]["membership_ended"]) == ("member", "")
    assert rows["Bea"]["status"] == "canceled" and rows["Bea"]["membership_ended"].startswith("2026-11-30T23:30")


def test_backup_and_restore_round_trip(db_url: str, tmp_path: Path) -> None:
    run_console(db_url, "/as Bea\n")
    backup_file = tmp_path / "backup.db"
    code, out, _ = invoke("backup", "--out", str(backup_file), "--db", db_url)
    assert code == 0 and "Backed up to" in out
    run_console(db_url, "/as Cy\n")  # a change after the backup
    assert "Cy" in invoke("members", "list", "--db", db_url)[1]

    code, out, _ = invoke("restore", str(backup_file), "--db", db_url)
    assert code == 0
    names = invoke("members", "list", "--db", db_url)[1]
    assert "Bea" in names and "Cy" not in names


def test_backup_refuses_clearly(db_url: str, tmp_path: Path) -> None:
    code, _, err = invoke("backup", "--out", str(tmp_path / "b.db"), "--db", "postgresql://u@h/db")
    assert code == 2 and "pg_dump -Fc" in err
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    code, _, err = invoke("restore", str(not_a_backup), "--db", db_url)
    assert code == 2 and "is not a membot backup" in err


def test_restore_refuses_while_the_bot_runs_and_backup_names_a_missing_folder(db_url: str, tmp_path: Path) -> None:
    """Found as an outsider: `membot restore` under a running bot said "Restored", and the bot went on
    answering from the other community's data; `backup --out` into a missing folder blamed the database."""
    run_console(db_url, "/as Bea\n")
    code, _, err = invoke("backup", "--out", str(tmp_path / "no" / "b.db"), "--db", db_url)
    assert code == 2 and f"there is no folder {tmp_path / 'no'} to write b.db into" in err
    backup_file = tmp_path / "backup.db"
    assert invoke("backup", "--out", str(backup_file), "--db", db_url)[0] == 0

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMBOT_", "SLACK_", "DISCORD_"))}
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "console", "--db", db_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=REPO_ROOT,
    )
    marker = Path(db_url.split("///", 1)[1] + ".pid")
    try:
        for _ in range(600):
            if marker.exists() and marker.read_text().strip() == str(bot.pid):
                break
            time.sleep(0.1)
        code, out, err = invoke("restore", str(backup_file), "--db", db_url)
        assert code == 2 and out == ""
        assert f"membot (process {bot.pid}) is running on" in err and "stop it first" in err
    finally:
        bot.communicate(b"", timeout=120)  # the console ends at the end of its input
    assert not marker.exists()
    assert invoke("restore", str(backup_file), "--db", db_url)[0] == 0


def test_slack_manifest_and_discord_invite_url() -> None:
    import yaml

    code, out, _ = invoke("slack", "manifest", "--name", "Strategy Club")
    manifest = yaml.safe_load(out)
    assert code == 0 and manifest["display_information"]["name"] == "Strategy Club"
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "chat:write" in manifest["oauth_config"]["scopes"]["bot"]

    code, out, _ = invoke("discord", "invite-url", "--application-id", "123456789012345678")
    assert code == 0 and out.startswith("https://discord.com/oauth2/authorize?client_id=123456789012345678")
    assert "scope=bot+applications.commands" in out or "scope=bot%20applications.commands" in out


@pytest.mark.long
def test_the_readme_first_month_script_lives_through_a_month(db_url: str) -> None:
    script = (REPO_ROOT / "examples" / "first-month.txt").read_text()
    result = run_console(db_url, script, "--start", "2026-11-20T12:00+00:00")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for moment in (
        "Welcome to Strategy Club, Alex!",  # the welcome DM
        "Thank you! I've set you up for level 2.",  # the intake
        "Your first quick win, Alex",
        "(Source: FAQ “How do I cancel my membership?”)",  # a cited answer
        "Tomorrow: Positioning hot seats",  # live reminders
        "In 1 hour: Positioning hot seats",
        "Starting now: Positioning hot seats",
        "Your November in Strategy Club",  # the monthly value recap
        "Your membership, Alex",
    ):
        assert moment in out, moment
    assert "Sorry, something went wrong" not in out and "Traceback" not in result.stderr
