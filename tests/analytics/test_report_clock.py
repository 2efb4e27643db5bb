"""`membot report` runs at the data's clock: after a scripted console month it shows the simulated
month, `--as-of` picks any moment, and the at-risk table lists members of that moment only."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.report_clock import AsOf, choose, parse_as_of
from bot.notices.analytics import Reason, Risk
from bot.services.analytics import AnalyticsService
from bot.settings import SettingsError
from storage.database import Database
from tests.conftest import SAMPLE, START, run_sync
from tests.kits.analytics import add_member, add_membership

runner = CliRunner()
OSLO = ZoneInfo("Europe/Oslo")
WALL = datetime(2026, 12, 5, 19, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def quiet_env(cli_env: None) -> None:
    """The command line as a new user has it (tests.conftest.cli_env)."""


# -- choosing the moment (pure) -----------------------------------------------------------------


def test_the_data_clock_wins_when_it_runs_ahead_or_the_console_wrote_it() -> None:
    ahead = WALL + timedelta(days=30)
    assert choose(AsOf(), wall=WALL, latest=ahead, platforms={"slack"}, zone=OSLO).at == ahead
    past = WALL - timedelta(days=200)  # `membot run --start` in the past, then a month of /time
    assert choose(AsOf(), wall=WALL, latest=past, platforms={"console"}, zone=OSLO).at == past
    # A real deployment reports at the wall clock, however quiet its last days were.
    assert choose(AsOf(), wall=WALL, latest=past, platforms={"slack", "console"}, zone=OSLO).at == WALL
    assert choose(AsOf(), wall=WALL, latest=None, platforms=set(), zone=OSLO).at == WALL
    assert choose(AsOf("now"), wall=WALL, latest=ahead, platforms={"console"}, zone=OSLO).at == WALL
    assert choose(AsOf("latest"), wall=WALL, latest=past, platforms={"slack"}, zone=OSLO).at == past


def test_as_of_a_date_or_a_moment_in_the_community_zone() -> None:
    day = choose(parse_as_of("2026-10-31"), wall=WALL, latest=None, platforms=set(), zone=OSLO)
    assert day.at == datetime(2026, 10, 31, 23, 0, tzinfo=UTC)  # the end of 31 Oct in Oslo (CET)
    naive = choose(parse_as_of("2026-07-01T12:00"), wall=WALL, latest=None, platforms=set(), zone=OSLO)
    assert naive.at == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # CEST
    given = choose(parse_as_of("2026-07-01T12:00+00:00"), wall=WALL, latest=None, platforms=set(), zone=OSLO)
    assert given.at == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert parse_as_of(" Latest ") == AsOf("latest") and parse_as_of(None) == AsOf()
    assert parse_as_of("2026-10-31").day == date(2026, 10, 31)
    with pytest.raises(SettingsError, match="--as-of"):
        parse_as_of("next tuesday")
    for far in ("9999-12-31", "9999-12-31T23:00", "0001-01-01"):  # found as an outsider: an OverflowError
        with pytest.raises(SettingsError, match="--as-of: give a year from 1970 to 9998"):
            choose(parse_as_of(far), wall=WALL, latest=None, platforms=set(), zone=OSLO)


# -- the command --------------------------------------------------------------------------------


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'report.db'}"
    assert runner.invoke(app, ["import", str(SAMPLE), "--db", url]).exit_code == 0
    return url


def people(url: str) -> dict[str, int]:
    """As of START: a late payer who is still a member (in the grace period) and quiet, and three
    ex-members just as quiet: one left the workspace, one canceled, one's grace ran out."""

    async def add() -> dict[str, int]:
        db = Database(url)
        ids = {}
        for name, left in (("Dana", None), ("Eli", 5.0), ("Fay", None), ("Gus", None)):
            ids[name] = await add_member(db, 1, name, joined=90, left=left, active=25)
        await add_membership(db, ids["Dana"], "past_due", "monthly", 90, past_due=3)
        await add_membership(db, ids["Eli"], "active", "monthly", 90)
        await add_membership(db, ids["Fay"], "canceled", "monthly", 90, ended=4)
        await add_membership(db, ids["Gus"], "past_due", "monthly", 90, past_due=20)
        await db.dispose()
        return ids

    return run_sync(add())


def at_risk_names(out: Path) -> list[str]:
    return [row["name"] for row in csv.DictReader((out / "at_risk.csv").open(encoding="utf-8"))]


def test_at_risk_lists_members_of_that_moment_only(db_url: str, tmp_path: Path) -> None:
    people(db_url)
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--out", str(out), "--db", db_url, "--as-of", START.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Report as of 20 Nov 2026, 13:00 CET (the time you gave)." in result.stdout
    assert at_risk_names(out) == ["Dana"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>Dana</td>" in page and not any(f"<td>{name}</td>" in page for name in ("Eli", "Fay", "Gus"))
    # Three weeks later Dana's grace has run out too: nobody is left to worry about.
    later = runner.invoke(app, ["report", "--out", str(out), "--db", db_url, "--as-of", "2026-12-11"])
    assert later.exit_code == 0 and at_risk_names(out) == []


def test_the_report_never_lists_an_ex_member_the_scoring_hands_it(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = people(db_url)

    async def everyone(self: AnalyticsService) -> list[Risk]:
        quiet = (Reason("quiet", 30, {"days": 30}),)
        return [Risk(ids[name], name, 60, quiet) for name in ("Dana", "Eli", "Fay", "Gus")]

    monkeypatch.setattr(AnalyticsService, "at_risk", everyone)
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--out", str(out), "--db", db_url, "--as-of", START.isoformat()])
    assert result.exit_code == 0, result.output
    assert at_risk_names(out) == ["Dana"]


def test_a_bad_as_of_is_one_sentence(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--out", str(tmp_path / "r"), "--db", db_url, "--as-of", "soonish"])
    assert result.exit_code == 2 and "--as-of: 'soonish' is not now, latest" in result.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.long
def test_a_scripted_console_month_is_reported_at_its_simulated_dates(tmp_path: Path) -> None:
    """The console starts in March (long before this computer's today) and lives a month; the report
    written afterwards is about that March, not about the weeks around the wall clock."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEMBOT_", "SLACK_", "DISCORD_"))}
    env["MEMBOT_LOG_LEVEL"] = "WARNING"
    start = datetime(2026, 3, 2, 5, 59, tzinfo=OSLO)
    script = "/join\n" + "/time +1w\n" * 4 + "/time +3d\n"
    console = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--platform", "console", "--db", url, "--start", start.isoformat()],
        input=script,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )
    assert console.returncode == 0, console.stderr[-2000:]
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--out", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    assert "by the console, whose clock /time moves" in result.stdout
    figures = dict(csv.reader((out / "figures.csv").open(encoding="utf-8")))
    end = datetime.fromisoformat(figures["period_end"])
    assert start + timedelta(days=30) <= end <= start + timedelta(days=31), end  # the session's last moment
    assert end.microsecond == 0 and figures["community_members"] == "1"
    cohorts = list(csv.reader((out / "cohorts.csv").open(encoding="utf-8")))
    assert [row[0] for row in cohorts[1:]] == ["2026-03"]  # one cohort: the month Alex joined, no empty months
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"As of {end.astimezone(OSLO).day} Apr 2026" in page and "<td>Mar 2026</td>" in page
    assert "mrr_usd" not in page and "Monthly recurring revenue (USD)" in page
    # The wall clock would have reported the weeks before today: the month simulated would not be in it.
    now = runner.invoke(app, ["report", "--out", str(tmp_path / "now"), "--db", url, "--as-of", "now"])
    assert now.exit_code == 0
    assert dict(csv.reader((tmp_path / "now" / "figures.csv").open(encoding="utf-8")))["new_members"] == "0"
