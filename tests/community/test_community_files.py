"""The community as files: the sample loads, bad files say where, importing twice changes nothing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.community.errors import CommunityFilesError
from bot.community.loader import load_community
from bot.community.scaffold import ScaffoldError, scaffold
from bot.services.importer import import_community
from storage.database import Database
from storage.models import Base, Community, ContentItem, FaqEntry
from tests.conftest import SAMPLE


def test_sample_community_is_complete() -> None:
    spec = load_community(SAMPLE)
    kinds = sorted(item.meta.kind for item in spec.content)
    assert kinds == sorted(["mini-training", "resource", "live", "deep-dive"] * 4)  # one month
    assert len(spec.faq) >= 30
    assert spec.config.onboarding.steps and spec.config.onboarding.paths
    covered = {level for path in spec.config.onboarding.paths for level in path.levels}
    assert covered == {1, 2, 3, 4, 5}


def test_scaffolded_community_loads(tmp_path: Path) -> None:
    files = scaffold(tmp_path / "new")
    assert {f.name for f in files} >= {"community.toml", "faq.toml"}
    assert load_community(tmp_path / "new").config.community.slug == "my-community"
    with pytest.raises(ScaffoldError):
        scaffold(tmp_path / "new")  # never overwrites


async def test_the_scaffolds_placeholder_mini_training_is_never_scheduled(db: Database, tmp_path: Path) -> None:
    """Found as an outsider: `membot init` wrote a mini-training of placeholder text ("Write your
    first mini-training here…") with `order: 1`, and importing scheduled it as the first drop."""
    folder = tmp_path / "new"
    scaffold(folder)
    spec = load_community(folder)
    assert spec.content == () and spec.unwritten == ("welcome-mini-training",)
    clock = FakeClock()
    first = await import_community(db, spec, clock.now())
    assert "content" not in first.created and first.scheduled == 0
    assert first.notes == [
        "content/welcome-mini-training.md still holds the placeholder text `membot init` wrote: "
        "left out until you write it"
    ]

    item = folder / "content" / "welcome-mini-training.md"
    placeholder = item.read_text()
    front, body = placeholder.rsplit("---\n", 1)
    item.write_text(front + "---\nTen minutes a day, at the same time: that is the whole habit.\n")
    written = load_community(folder)
    assert [c.slug for c in written.content] == ["welcome-mini-training"] and written.unwritten == ()
    second = await import_community(db, written, clock.now())
    assert second.created == {"content": 1} and second.scheduled == 1 and second.notes == []

    # Queued by an import before files like it were left out: the note says how to take it out.
    old = await import_community(db, replace(written, content=(replace(written.content[0], body=body),)), clock.now())
    assert old.updated == {"content": 1}
    item.write_text(placeholder)
    again = await import_community(db, load_community(folder), clock.now())
    assert again.notes[0].endswith("(an earlier import queued it: `/drop remove welcome-mini-training` takes it out)")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "c"
    shutil.copytree(SAMPLE, path)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(CommunityFilesError) as info:
        load_community(path)
    return [str(p).replace(str(path) + "/", "") for p in info.value.problems]


def test_bad_field_names_file_line_and_field(broken: Path) -> None:
    toml = broken / "community.toml"
    toml.write_text(toml.read_text().replace('timezone = "Europe/Oslo"', 'timezone = "Europe/Osloo"'))
    [problem] = problems(broken)
    assert problem.startswith("community.toml, line ")
    line = int(problem.split("line ")[1].split(",")[0])
    assert "Europe/Osloo" in toml.read_text().splitlines()[line - 1]
    assert "field 'community.timezone'" in problem and "unknown time zone" in problem


def test_bad_front_matter_names_the_content_file_and_line(broken: Path) -> None:
    item = broken / "content" / "w1-find-your-one-customer.md"
    text = item.read_text().replace("kind: mini-training", "kind: webinar")
    item.write_text(text)
    [problem] = problems(broken)
    line = int(problem.split("line ")[1].split(",")[0])
    assert problem.startswith("content/w1-find-your-one-customer.md")
    assert text.splitlines()[line - 1] == "kind: webinar"
    assert "field 'kind'" in problem


def test_typo_in_a_setting_is_an_error_not_ignored(broken: Path) -> None:
    toml = broken / "community.toml"
    toml.write_text(toml.read_text().replace("[welcome]\npublic = true", "[welcome]\npublik = true"))
    [problem] = problems(broken)
    assert "field 'welcome.publik'" in problem and "unknown setting" in problem


def test_a_link_members_would_click_must_be_a_web_or_mail_link(broken: Path) -> None:
    (broken / "faq.toml").write_text(
        '[[faq]]\nid = "rules"\nquestion = "Rules?"\nanswer = "See [the rules](javascript:alert(1))."\n'
    )
    [problem] = problems(broken)
    assert problem.startswith("faq.toml, line 4, field 'faq.0.answer'") and "javascript:alert(1" in problem


def test_every_problem_is_reported_at_once(broken: Path) -> None:
    (broken / "faq.toml").write_text('[[faq]]\nid = "Bad Id"\nquestion = "q"\nanswer = "a"\n')
    (broken / "content" / "Bad Name.md").write_text("no front matter")
    (broken / "content" / "w2-x.md").write_text("---\ntitle: [unclosed\n---\n")
    found = problems(broken)
    assert any(p.startswith("faq.toml, line 2, field 'faq.0.id'") for p in found)
    assert any(p.startswith("content/Bad Name.md") for p in found)
    assert any(p.startswith("content/w2-x.md") and "YAML" in p for p in found)


def test_unknown_placeholder_in_an_onboarding_step(broken: Path) -> None:
    toml = broken / "community.toml"
    text = toml.read_text()
    assert "{name}" in text
    toml.write_text(text.replace("{name}", "{first_name}", 1))
    [problem] = problems(broken)
    assert "unknown placeholder {first_name}" in problem


def test_start_path_must_name_existing_content(broken: Path) -> None:
    (broken / "content" / "w1-find-your-one-customer.md").unlink()
    assert any("no content file named w1-find-your-one-customer.md" in p for p in problems(broken))


async def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, for comparing before and after."""
    result = {}
    async with db.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table).order_by(*table.primary_key.columns))).all()
            result[table.name] = [tuple(r) for r in rows]
    return result


async def test_importing_twice_changes_nothing(db: Database) -> None:
    clock = FakeClock()
    spec = load_community(SAMPLE)
    first = await import_community(db, spec, clock.now())
    assert first.created == {"community": 1, "tier": 2, "content": 16, "faq": len(spec.faq)}
    assert first.scheduled == 16
    before = await snapshot(db)

    clock.advance(__import__("datetime").timedelta(days=2))
    second = await import_community(db, spec, clock.now())
    assert not second.changed
    assert await snapshot(db) == before


async def test_reimport_updates_edited_items_and_keeps_chat_faq(db: Database, broken: Path) -> None:
    clock = FakeClock()
    report = await import_community(db, load_community(broken), clock.now())
    async with db.session() as session:
        session.add(
            FaqEntry(community_id=report.community_id, key="from-chat", question="q", answer="a", source="chat")
        )
    item = broken / "content" / "w1-find-your-one-customer.md"
    item.write_text(item.read_text().replace('title: "Find your one customer"', 'title: "Find your ONE customer"'))
    faq = broken / "faq.toml"
    faq.write_text(faq.read_text().split("[[faq]]", 2)[0] + "[[faq]]" + faq.read_text().split("[[faq]]", 2)[1])

    again = await import_community(db, load_community(broken), clock.now())
    assert again.updated == {"content": 1}
    async with db.session() as session:
        titles = (await session.scalars(select(ContentItem.title))).all()
        keys = set((await session.scalars(select(FaqEntry.key))).all())
    assert "Find your ONE customer" in titles
    assert "from-chat" in keys and len(keys) == 2  # one entry left in the file, plus the chat one


async def test_a_missing_faq_file_keeps_the_entries_an_empty_one_removes_them(db: Database, broken: Path) -> None:
    """Found as an outsider: importing a folder whose faq.toml had gone missing removed every file
    entry (and what members had taught them) without a word."""
    clock = FakeClock()
    first = await import_community(db, load_community(broken), clock.now())
    (broken / "faq.toml").unlink()
    missing = await import_community(db, load_community(broken), clock.now())
    async with db.session() as session:
        count = len((await session.scalars(select(FaqEntry.key))).all())
    assert count == first.created["faq"] and "faq" not in missing.removed
    assert missing.notes == [f"no faq.toml: kept the {count} FAQ entries it had (an empty faq.toml removes them)"]
    (broken / "faq.toml").write_text("# no entries any more\n")
    emptied = await import_community(db, load_community(broken), clock.now())
    assert emptied.removed == {"faq": count} and emptied.notes == []


async def test_bad_files_import_nothing(db: Database, broken: Path) -> None:
    (broken / "faq.toml").write_text("[[faq]]\nid = 3\n")
    with pytest.raises(CommunityFilesError):
        await import_community(db, load_community(broken), FakeClock().now())
    async with db.session() as session:
        assert (await session.scalars(select(Community))).all() == []
