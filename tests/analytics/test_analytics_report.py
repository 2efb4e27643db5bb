"""`membot report --out DIR` and `membot export members|activity --out FILE`, run as a person would."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.views.report import csv_text, safe_cell
from storage.database import Database
from storage.models import Activity, Member
from tests.conftest import SAMPLE, run_sync
from tests.kits.analytics import ago, check_png

runner = CliRunner()
TRICKY = ('=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "Dana Smith")


@pytest.fixture(autouse=True)
def quiet_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (
        "SLACK_BOT_TOKEN",
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "MEMBOT_DATABASE_URL",
        "MEMBOT_PLATFORMS",
        "MEMBOT_STRIPE_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["import", str(SAMPLE), "--db", url]).exit_code == 0

    async def add() -> None:
        database = Database(url)
        async with database.session() as session:
            for name in TRICKY:
                member = Member(community_id=1, display_name=name, joined_at=ago(40), last_active_at=ago(1))
                session.add(member)
                await session.flush()
                session.add(Activity(member_id=member.id, kind="command", occurred_at=ago(1), ref="=cmd|' /C calc'!A0"))
        await database.dispose()

    run_sync(add())
    return url


def test_safe_cells() -> None:
    assert [safe_cell(v) for v in TRICKY] == [
        '\'=HYPERLINK("http://evil","x")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "Dana Smith",
    ]
    assert safe_cell(-49) == -49 and safe_cell("\tx") == "'\tx"
    assert csv_text(["a"], [["=1"]]) == "a\r\n'=1\r\n"


def test_export_members_and_activity_are_injection_safe(db_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "members", "--out", str(tmp_path / "members.csv"), "--db", db_url])
    assert result.exit_code == 0 and "Exported 5 members rows" in result.stdout
    rows = list(csv.DictReader((tmp_path / "members.csv").open(encoding="utf-8")))
    assert [r["name"] for r in rows] == ['\'=HYPERLINK("http://evil","x")', "'+1+1", "'-2+3", "'@SUM(A1)", "Dana Smith"]
    assert rows[0]["role"] == "member" and rows[0]["status"] == ""

    result = runner.invoke(app, ["export", "activity", "--out", str(tmp_path / "activity.csv"), "--db", db_url])
    assert result.exit_code == 0
    activity = list(csv.DictReader((tmp_path / "activity.csv").open(encoding="utf-8")))
    assert len(activity) == 5 and {a["ref"] for a in activity} == {"'=cmd|' /C calc'!A0"}

    bad = runner.invoke(app, ["export", "payments", "--out", str(tmp_path / "x.csv"), "--db", db_url])
    assert bad.exit_code == 2 and "members or activity" in bad.stderr


def test_report_writes_pngs_csvs_and_one_self_contained_page(db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--out", str(out), "--db", db_url])
    assert result.exit_code == 0, result.output
    names = {p.name for p in out.iterdir()}
    assert names == {
        "stats.png",
        "cohorts.png",
        "forecast.png",
        "figures.csv",
        "drops.csv",
        "cohorts.csv",
        "forecast.csv",
        "at_risk.csv",
        "experiments.csv",  # the sample community runs a welcome experiment
        "report.html",
    }
    for png in ("stats.png", "cohorts.png", "forecast.png"):
        check_png((out / png).read_bytes())
    figures = dict(csv.reader((out / "figures.csv").open(encoding="utf-8")))
    assert figures["community_members"] == "0" and figures["members"] == "0"  # five arrived, none joined
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(src|href)="(?!data:)', page)  # nothing fetched from elsewhere
    assert "<script" not in page
    trials = list(csv.DictReader((out / "experiments.csv").open(encoding="utf-8")))
    assert [(r["experiment"], r["variant"], r["members"], r["verdict"]) for r in trials] == [
        ("welcome-tone", "warm", "0", "too-early"),
        ("welcome-tone", "first-step", "0", "too-early"),
    ]
    assert "Welcome: warm or straight to it: the welcome, judged by coming back within 7 days" in page
    assert "=HYPERLINK" not in (out / "at_risk.csv").read_text(encoding="utf-8").replace("'=HYPERLINK", "")
