"""Bad input never crashes the bot: random commands through the real router, random community files,
random time expressions and random webhook bodies. Hypothesis keeps the runs modest (deadline off).

Each property names what must hold: a clear reply (never the internal-error apology), a
`CommunityFilesError` that points at a file and a line or field, a 4xx for a bad webhook
with nothing recorded.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.community.errors import CommunityFilesError
from bot.community.loader import load_community
from bot.platforms.console import parse_duration
from bot.platforms.memory import MemoryPlatform, MemoryResponder
from bot.services.announcements.segments import parse_delay, parse_when
from bot.services.errors import UserError
from tests.conftest import SAMPLE
from tests.kits.database import table_counts

FIXTURE_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
PURE_SETTINGS = settings(max_examples=100, deadline=None)

NASTY = (
    "",
    " ",
    "|",
    "| |",
    "||||",
    "@everyone",
    "@here",
    "<!channel>",
    "<!here>",
    "<@U123>",
    "<#C1|x>",
    "'; DROP TABLE members; --",
    "\x00",
    "\u202e",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✨",
    "a" * 5000,
    "9999-12-31 23:59",
    "0001-01-01 00:00",
    "2026-02-30 25:61",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "NaN",
    "nan",
    "inf",
    "٣",
    "list",
    "add",
    "open",
    "close",
    "cap",
    "remove",
    "cancel 1",
    "rsvp 1",
    "schedule",
    "publish",
    "on",
    "off",
    "dm",
    "weekly",
    "nb",
    "at",
    "in",
)
WORDS = st.sampled_from(NASTY) | st.text(max_size=40)
ARGS = st.lists(WORDS, max_size=6).map(" ".join) | st.text(max_size=300)


class _Errors(logging.Handler):
    """Collects ERROR records (a handler that failed logs one before the apology)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_logged() -> Iterator[_Errors]:
    handler = _Errors()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _answered(responder: MemoryResponder) -> bool:
    return bool(responder.forms) or any(text.strip() for text in responder.texts)


# -- commands -----------------------------------------------------------------------------


@FIXTURE_SETTINGS
@given(data=st.data())
async def test_any_command_with_any_arguments_gets_a_clear_reply(
    app: App, memory: MemoryPlatform, data: st.DataObject
) -> None:
    internal = app.services.catalog.for_locale("en")("errors.internal")
    name = data.draw(st.sampled_from(sorted(app.router.commands)) | st.text(max_size=20), label="name")
    args = data.draw(ARGS, label="args")
    user = data.draw(st.sampled_from(["u1", "u2", "creator", "mod"]), label="user")
    with errors_logged() as errors:
        responder = await memory.command(user, name, args)
    assert _answered(responder), (name, args, user)
    assert internal not in responder.texts, (name, args, user, [r.getMessage() for r in errors.records])
    assert not errors.records, [r.getMessage() for r in errors.records]


@FIXTURE_SETTINGS
@given(name=st.text(min_size=1, max_size=30), args=ARGS)
async def test_an_unknown_command_writes_nothing(app: App, memory: MemoryPlatform, name: str, args: str) -> None:
    assume(name not in app.router.commands)
    await memory.command("u1", "help")  # u1 exists before the counts are taken
    before = await table_counts(app)
    responder = await memory.command("u1", name, args)
    assert responder.texts == [app.services.catalog.for_locale("en")("errors.unknown_command", command=name)]
    assert await table_counts(app) == before


@FIXTURE_SETTINGS
@given(when=st.lists(WORDS, min_size=1, max_size=4).map(" ".join))
async def test_drop_and_live_schedule_with_any_time_answer_clearly(app: App, memory: MemoryPlatform, when: str) -> None:
    internal = app.services.catalog.for_locale("en")("errors.internal")
    with errors_logged() as errors:
        for args in (f"schedule 1 {when}", f"schedule {when}"):
            drop = await memory.command("creator", "drop", args)
            assert _answered(drop) and internal not in drop.texts, (args, drop.texts)
        live = await memory.command("creator", "live", f"schedule {when} | Office hours")
        assert _answered(live) and internal not in live.texts, (when, live.texts)
    assert not errors.records, [r.getMessage() for r in errors.records]


# -- time expressions ---------------------------------------------------------------------


@PURE_SETTINGS
@given(text=st.text(max_size=30) | st.from_regex(r"\+?\s*\d{1,6}\s*(m|min|h|d|w|y)?", fullmatch=True))
def test_console_time_parses_or_explains(text: str) -> None:
    try:
        delta = parse_duration(text)
    except ValueError as exc:
        assert "/time" in str(exc)
    else:
        assert timedelta(0) <= delta <= timedelta(weeks=9999)


NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
OSLO = ZoneInfo("Europe/Oslo")


@PURE_SETTINGS
@example(text="0001-01-01 00:00")
@given(text=st.lists(WORDS | st.from_regex(r"\d{1,4}(:\d{1,2})?\s?(am|pm)?", fullmatch=True), max_size=3).map(" ".join))
def test_announce_times_parse_to_the_future_or_explain(text: str) -> None:
    for parse in (lambda: parse_when(text, NOW, OSLO), lambda: parse_delay(text, NOW)):
        try:
            when = parse()
        except UserError as exc:
            assert exc.key.startswith("announce.errors.")
        else:
            assert when > NOW and when.tzinfo is not None


# -- community files ----------------------------------------------------------------------


def _problems_point_somewhere(error: CommunityFilesError) -> None:
    assert error.problems
    for problem in error.problems:
        assert problem.path.name, problem
        whole_file = problem.message in ("file is missing", "file is not UTF-8 text", "file is larger than 1 MB")
        assert whole_file or problem.line or problem.field, str(problem)


@contextmanager
def sample_copy() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="membot-files-"))
    try:
        shutil.copytree(SAMPLE, folder / "c")
        yield folder / "c"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


MUTATIONS = st.sampled_from(["delete", "duplicate", "insert", "replace"])


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
        how = data.draw(MUTATIONS, label="how")
        junk = data.draw(
            st.sampled_from(["=", "[", "]]", '"', "[[tiers]]\n", "key = 1\n", "x: [\n", "- -\n", "{", ":"])
            | st.text(max_size=12),
            label="junk",
        )
        if how == "delete" and lines:
            del lines[at]
        elif how == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif how == "insert":
            lines.insert(at, junk + "\n")
        elif lines:
            line = lines[at]
            cut = data.draw(st.integers(0, len(line)), label="cut")
            lines[at] = line[:cut] + junk + line[cut:]
    return "".join(lines)


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_mangled_community_toml_is_reported_with_file_and_line_or_field(data: st.DataObject) -> None:
    with sample_copy() as folder:
        path = folder / "community.toml"
        path.write_text(_mutate(path.read_text(), data))
        try:
            load_community(folder)
        except CommunityFilesError as error:
            _problems_point_somewhere(error)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
FRONT_KEYS = st.sampled_from(
    ["title", "kind", "level", "levels", "topics", "publish_at", "order", "teaser", "url"]
) | st.text(max_size=10)


@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_random_front_matter_is_reported_with_file_and_line_or_field(data: st.DataObject) -> None:
    with sample_copy() as folder:
        path = sorted((folder / "content").glob("*.md"))[0]
        if data.draw(st.booleans(), label="structured"):
            front = data.draw(st.dictionaries(FRONT_KEYS, YAML_VALUES, max_size=5), label="front")
            text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\nBody\n"
        else:
            text = _mutate(path.read_text(), data)
        path.write_text(text)
        try:
            load_community(folder)
        except CommunityFilesError as error:
            _problems_point_somewhere(error)


def test_a_non_utf8_content_file_is_reported_not_raised() -> None:
    with sample_copy() as folder:
        (folder / "content" / "broken.md").write_bytes(b"---\ntitle: \xff\xfe\n---\n")
        with pytest.raises(CommunityFilesError, match=r"broken\.md.*not UTF-8"):
            load_community(folder)
