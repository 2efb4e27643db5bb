"""Several communities in one database, driven through the real command line: `--community`
picks one by folder or slug, one alone is the default, and a changed slug is a rename said out loud."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import SAMPLE

runner = CliRunner()

pytestmark = pytest.mark.usefixtures("cli_env")


def invoke(*args: str, script: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=script)
    return result.exit_code, result.stdout, result.stderr


def members(db: str, community: str) -> list[dict[str, object]]:
    code, out, err = invoke("members", "list", "--json", "--db", db, "--community", community)
    assert code == 0, err
    return [row for line in out.splitlines() if (row := json.loads(line))["role"] == "member"]  # not the creator


def test_a_second_community_runs_beside_the_sample(tmp_path: Path) -> None:
    # What `make run` does, then a community of one's own, then `make run` again.
    db = f"sqlite+aiosqlite:///{tmp_path / 'membot.db'}"
    assert invoke("db", "upgrade", "--db", db)[0] == 0
    assert invoke("import", str(SAMPLE), "--db", db)[0] == 0
    assert invoke("init", "my-community")[0] == 0
    code, out, err = invoke("import", "my-community", "--db", db)
    assert code == 0 and "community: 1 new" in out, err

    code, out, err = invoke("run", "--db", db, "--community", "my-community", script="/join\n")
    assert code == 0, err
    assert "Welcome to My Community, Alex!" in out and "Strategy Club" not in out

    code, out, err = invoke("run", "--db", db, "--community", str(SAMPLE), script="/join\n")  # `make run`
    assert code == 0, err
    assert "Welcome to Strategy Club, Alex!" in out

    # Alex of one community is not Alex of the other: two members, one in each.
    mine, sample = members(db, "my-community"), members(db, "strategy-club")
    assert [m["name"] for m in mine] == ["Alex"] and [m["name"] for m in sample] == ["Alex"]
    assert mine[0]["id"] != sample[0]["id"] and mine[0]["identities"] != sample[0]["identities"]
    assert members(db, str(SAMPLE)) == sample  # the folder or its slug: the same community

    for command in (["members", "list"], ["export", "members", "--out", "m.csv"], ["run"]):
        code, out, err = invoke(*command, "--db", db, script="/quit\n")
        assert code == 2 and out == ""
        assert err.strip() == (
            "error: the database holds 2 communities (my-community, strategy-club): "
            "choose one with --community SLUG (or MEMBOT_COMMUNITY)"
        )
    code, _, err = invoke("members", "list", "--db", db, "--community", "nope")
    assert code == 2 and "no community 'nope' (it has my-community, strategy-club)" in err


def test_membot_community_chooses_like_the_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'membot.db'}"
    invoke("init", "mine")
    assert invoke("import", str(SAMPLE), "--db", db)[0] == 0
    assert invoke("import", "mine", "--db", db)[0] == 0
    monkeypatch.setenv("MEMBOT_COMMUNITY", "strategy-club")
    code, out, err = invoke("export", "members", "--out", "m.csv", "--db", db)
    assert code == 0 and out == "Exported 0 members rows to m.csv.\n", err


def test_a_changed_slug_is_a_rename_never_a_second_community(tmp_path: Path) -> None:
    db = f"sqlite+aiosqlite:///{tmp_path / 'membot.db'}"
    folder = tmp_path / "club"
    invoke("init", str(folder))
    assert invoke("import", str(folder), "--db", db)[0] == 0
    assert invoke("run", "--db", db, "--community", "my-community", script="/join\n")[0] == 0
    toml = folder / "community.toml"
    toml.write_text(toml.read_text().replace('slug = "my-community"', 'slug = "book-club"'))

    code, out, err = invoke("import", str(folder), "--db", db)
    assert code == 2 and out == ""
    assert err.strip() == (
        "error: this folder's slug is 'book-club', but it looks like community 'my-community' already in the "
        "database (same name): pass --rename my-community if the slug changed, or --new if it is another community"
    )
    code, _, err = invoke("import", str(folder), "--db", db, "--rename", "nope")
    assert code == 2 and "there is no community 'nope' to rename" in err

    code, out, err = invoke("import", str(folder), "--db", db, "--rename", "my-community")
    assert code == 0, err
    assert out.splitlines()[0] == "Renamed community 'my-community' to 'book-club'."
    assert [m["name"] for m in members(db, "book-club")] == ["Alex"]  # the same community, members and all
    assert invoke("members", "list", "--db", db)[0] == 0  # still the only one
    assert "no community 'my-community'" in invoke("members", "list", "--db", db, "--community", "my-community")[2]

    # A copy meant as another community says so with --new.
    copy = tmp_path / "copy"
    invoke("init", str(copy))
    (copy / "community.toml").write_text(toml.read_text().replace('slug = "book-club"', 'slug = "book-club-two"'))
    assert invoke("import", str(copy), "--db", db)[0] == 2
    code, out, err = invoke("import", str(copy), "--db", db, "--new")
    assert code == 0 and "community: 1 new" in out, err
    assert invoke("members", "list", "--db", db)[0] == 2  # now there are two: choose
