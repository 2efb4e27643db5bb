"""Errors in community files that point at the file, the line and the field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

PATTERN_HINTS = {
    r"^[a-z0-9][a-z0-9-]{0,79}$": "use lowercase letters, digits and dashes, like 'my-community'",
    r"^[a-z]{3}$": "use a three-letter currency code in lowercase, like 'usd'",
    r"^[a-z]{2}(-[A-Z]{2})?$": "use a language code like 'en' or 'nb'",
}


@dataclass(frozen=True)
class FileProblem:
    path: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.line:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class CommunityFilesError(ValueError):
    """One or more community files are wrong; nothing was imported."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def problems_from_validation(
    path: Path, text: str, exc: ValidationError, *, style: str, line_offset: int = 0
) -> list[FileProblem]:
    """Turn pydantic errors into problems, finding each field's line in the source text."""
    found = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        field = ".".join(str(p) for p in loc) or None
        line = _locate(text, loc, style)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling)"
        elif str(error["type"]).startswith(("datetime_", "date_")):  # pydantic says "input is too short"
            message = "use a date and time like 2027-01-15 09:00 (in the community's time zone)"
        elif error["type"] == "string_pattern_mismatch":
            message = PATTERN_HINTS.get(str(error.get("ctx", {}).get("pattern")), message)
        found.append(FileProblem(path, line + line_offset if line else None, field, message))
    return found


def _locate(text: str, loc: tuple[int | str, ...], style: str) -> int | None:
    """Best-effort line of a field: walk the path through TOML tables or YAML keys."""
    lines = text.splitlines()
    position = 0
    best: int | None = None
    table_path: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            name = ".".join(table_path)
            header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
            seen = -1
            for n in range(position, len(lines)):
                if header.match(lines[n]):
                    seen += 1
                    if seen == part:
                        position, best = n, n + 1
                        break
            continue
        table_path.append(part)
        if style == "toml":
            dotted = ".".join(table_path)
            patterns = [
                rf"^\s*\[\[?\s*{re.escape(dotted)}\s*\]\]?",
                rf"^\s*{re.escape(part)}\s*=",
            ]
        else:
            patterns = [rf"^\s*{re.escape(part)}\s*:"]
        for n in range(position, len(lines)):
            if any(re.match(p, lines[n]) for p in patterns):
                position, best = n, n + 1
                break
        if i == len(loc) - 1:
            return best
    return best
