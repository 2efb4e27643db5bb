"""Read a community folder into validated specs, or report every problem at once."""

from __future__ import annotations

import logging
import re
import stat
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from bot.community.checks import cron_too_often
from bot.community.errors import CommunityFilesError, FileProblem, problems_from_validation
from bot.community.scaffold import PLACEHOLDER
from bot.community.schema import SLUG_RE, CommunityFile, ContentFrontMatter, FaqEntry, FaqFile

COMMUNITY_FILE = "community.toml"
FAQ_FILE = "faq.toml"
CONTENT_DIR = "content"
MAX_FILE_BYTES = 1_000_000
_QUOTED = re.compile(r"'([^']+)'")
_TOML_AT = re.compile(r"\s*\(at (?:line (?P<line>\d+), column \d+|end of document)\)$")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContentSource:
    slug: str
    meta: ContentFrontMatter
    body: str


@dataclass(frozen=True)
class CommunitySpec:
    root: Path
    config: CommunityFile
    content: tuple[ContentSource, ...]
    faq: tuple[FaqEntry, ...]
    warnings: tuple[FileProblem, ...] = ()  # legal but probably not meant; logged, nothing refused
    # False: no faq.toml, so an import keeps the entries it had (a deleted file is not "remove them all").
    has_faq_file: bool = True
    # Content files still holding `membot init`'s placeholder text: left out of `content`, so never
    # scheduled or published (found as an outsider: the placeholder would go out as the first drop).
    unwritten: tuple[str, ...] = ()


def load_community(root: Path) -> CommunitySpec:
    """Load and validate everything under `root`; raise CommunityFilesError listing every problem."""
    root = Path(root)
    problems: list[FileProblem] = []
    if not root.is_dir():
        raise CommunityFilesError([FileProblem(root, None, None, "no such folder")])

    config = _load_toml_model(root / COMMUNITY_FILE, CommunityFile, problems, required=True)
    faq_file = _load_toml_model(root / FAQ_FILE, FaqFile, problems, required=False)
    content_dir = root / CONTENT_DIR
    if content_dir.exists() and not content_dir.is_dir():  # it was ignored: an import with no content
        problems.append(FileProblem(content_dir, None, None, "must be a folder holding one .md file per item"))
    paths = sorted(content_dir.glob("*.md")) if content_dir.is_dir() else []
    loaded = [c for c in (_load_content(path, problems) for path in paths) if c is not None]
    items = tuple(c for c in loaded if PLACEHOLDER not in " ".join(c.body.split()))
    unwritten = tuple(c.slug for c in loaded if c not in items)
    if config is not None:
        # Against the files present, so one broken file is reported once, not again per reference.
        _check_references(root, config, {path.stem for path in paths}, problems)
    if problems:
        raise CommunityFilesError(problems)
    assert config is not None
    warnings = tuple(_warnings(root, config)) + tuple(_clock_change_warnings(root, config, items))
    for warning in warnings:
        log.warning("%s", warning)
    return CommunitySpec(
        root=root,
        config=config,
        content=items,
        faq=faq_file.faq if faq_file else (),
        warnings=warnings,
        has_faq_file=(root / FAQ_FILE).is_file(),
        unwritten=unwritten,
    )


def _read_text(path: Path, problems: list[FileProblem]) -> str | None:
    """A regular file's text, at most MAX_FILE_BYTES: a device, FIFO or folder is refused before it is opened."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # follows symlinks: a link to /dev/zero is a device
            problems.append(FileProblem(path, None, None, "not a regular file (a folder, device, pipe or link to one)"))
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # even if the file grows after the check
        if len(data) > MAX_FILE_BYTES:
            problems.append(FileProblem(path, None, None, "file is larger than 1 MB"))
            return None
        return data.decode("utf-8-sig")  # a byte-order mark (Windows editors add one) is not text
    except UnicodeDecodeError:
        problems.append(FileProblem(path, None, None, "file is not UTF-8 text"))
    except OSError as exc:
        problems.append(FileProblem(path, None, None, f"cannot read file ({exc.strerror})"))
    return None


def _load_toml_model(path: Path, model: Any, problems: list[FileProblem], *, required: bool) -> Any:
    if not path.exists():
        if required:
            problems.append(FileProblem(path, None, None, "file is missing"))
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_error_position(exc, text)
        problems.append(FileProblem(path, line, None, f"not valid TOML: {message}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_with_line(p, text) for p in problems_from_validation(path, text, exc, style="toml"))
        return None


def _with_line(problem: FileProblem, text: str) -> FileProblem:
    """A check across a whole table (unique ids, a plan's tier) names values, not a field: point at the
    last line that holds the first value it names (the repeated one, or the one that is wrong)."""
    if problem.line or problem.field:
        return problem
    quoted = _QUOTED.findall(problem.message)
    repeated = problem.message.partition("repeated: ")[2].split(", ")[0].strip()
    patterns = [rf'"{re.escape(v)}"' for v in quoted[1:] + quoted[:1]]
    if repeated:
        patterns.append(rf'^\s*(key|id)\s*=\s*"{re.escape(repeated)}"')
    if "default" in problem.message:
        patterns.append(r"^\s*default\s*=\s*true")
    lines = text.splitlines()
    for pattern in patterns:
        for n in range(len(lines), 0, -1):
            if re.search(pattern, lines[n - 1]):
                return FileProblem(problem.path, n, problem.field, problem.message)
    return problem


def _toml_error_position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int | None, str]:
    """The line and the bare message: Python 3.13+ sets `lineno`/`msg`; 3.11 only says "(at line N, column M)"."""
    if hasattr(exc, "lineno") and hasattr(exc, "msg"):
        return exc.lineno, exc.msg
    found = _TOML_AT.search(str(exc))
    if found is None:
        return None, str(exc)
    line = int(found["line"]) if found["line"] else max(1, len(text.splitlines()))
    return line, str(exc)[: found.start()].rstrip()


def _load_content(path: Path, problems: list[FileProblem]) -> ContentSource | None:
    slug = path.stem
    if not SLUG_RE.match(slug):
        problems.append(FileProblem(path, None, None, "file name must be lowercase letters, digits and dashes"))
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(FileProblem(path, 1, None, "must start with front matter between '---' lines"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(FileProblem(path, 1, None, "front matter has no closing '---' line"))
        return None
    front = "".join(lines[1:end])
    try:
        data = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        detail = getattr(exc, "problem", None)
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: it has a position, not a mark
            line = front[: exc.position].count("\n") + 2
            detail = f"character {exc.character!r} is not allowed"
        problems.append(FileProblem(path, line, None, f"front matter is not valid YAML: {detail or exc}"))
        return None
    if not isinstance(data, dict):
        problems.append(FileProblem(path, 2, None, "front matter must be 'key: value' lines"))
        return None
    try:
        meta = ContentFrontMatter.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(path, front, exc, style="yaml", line_offset=1))
        return None
    return ContentSource(slug=slug, meta=meta, body="".join(lines[end + 1 :]).strip())


def _check_references(root: Path, config: CommunityFile, slugs: set[str], problems: list[FileProblem]) -> None:
    path = root / COMMUNITY_FILE
    for n, start_path in enumerate(config.onboarding.paths):
        for slug in start_path.items:
            if slug not in slugs:
                problems.append(
                    FileProblem(path, None, f"onboarding.paths.{n}.items", f"no content file named {slug}.md")
                )
    for n, experiment in enumerate(config.experiments):
        if experiment.kind == "teaser" and experiment.target not in slugs:
            problems.append(
                FileProblem(path, None, f"experiments.{n}.message", f"no content file named {experiment.target}.md")
            )


def _clock_change_warnings(root: Path, config: CommunityFile, items: Sequence[ContentSource]) -> list[FileProblem]:
    """A `publish_at` at a wall time the community's clock skips (02:30 on the night summer time
    starts) goes out when the clocks have gone forward; said, so the creator is not surprised."""
    zone = ZoneInfo(config.community.timezone)
    found = []
    for item in items:
        naive = item.meta.publish_at
        if naive is None or naive.tzinfo is not None:
            continue
        shown = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if shown != naive:
            message = (
                f"there is no {naive:%H:%M} on {naive:%Y-%m-%d} in {zone.key} (the clocks go forward): "
                f"it goes out at {shown:%H:%M}"
            )
            found.append(FileProblem(root / CONTENT_DIR / f"{item.slug}.md", None, "publish_at", message))
    return found


def _warnings(root: Path, config: CommunityFile) -> list[FileProblem]:
    path = root / COMMUNITY_FILE
    lines = path.read_text(encoding="utf-8").splitlines()  # read and checked a moment ago
    found = []
    for n, slot in enumerate(config.drops.slots):
        if cron_too_often(slot.cron):
            line = next((i + 1 for i, text in enumerate(lines) if slot.cron in text and "cron" in text), None)
            message = (
                f"'{slot.cron}' fires more than once an hour, and each firing publishes the next queued {slot.kind}"
            )
            found.append(FileProblem(path, line, f"drops.slots.{n}.cron", message))
    return found
