"""Structured logs: one JSON object per line, and a filter that keeps secrets and email addresses out of them.

The console chat logs to a file instead (`log_to_file`), and shows a warning or an error as one
short line on the terminal, so the screen holds the conversation.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.engine import make_url

REDACTED = "[redacted]"
SECRET_PATTERNS = (
    re.compile(r"\bxox[abeprs]-[A-Za-z0-9-]{6,}"),  # Slack bot/user/app-level tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"),
    re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{6,}"),  # Stripe keys
    re.compile(r"\bwhsec_[A-Za-z0-9]{6,}"),  # Stripe webhook secrets
    re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"),  # OpenAI-style keys
    re.compile(r"\b(?:Bot|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),  # Authorization headers
    re.compile(r"\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b"),  # Discord bot tokens
    re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"),  # user:password in URLs
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),  # email addresses
)
# Attributes every LogRecord has; anything else was passed as `extra=`.
STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
# Extra fields that would carry personal data are dropped whatever their value.
PERSONAL = frozenset({"display_name", "email", "text", "body", "question", "answer", "comment", "note", "user_name"})
SAFE_TYPES = (str, int, float, bool, type(None))
LOG_FILE = "membot.log"
FILES_FOLDER = "membot-files"  # where the console writes the files a message carries
SHORT_LINE = 160  # characters of a warning shown on the console


def redact(text: str) -> str:
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Renders the message once with its arguments, redacted, so no handler ever sees the raw values."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the template rather than lose the line
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, then safe extra fields (scalars, not personal), then any exception."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key in STANDARD or key in PERSONAL or key.startswith("_") or key in data:
                continue
            if isinstance(value, SAFE_TYPES):
                data[key] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            data["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The classic one-line format for a person at a terminal, redacted (tracebacks too)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(
    level: str = "INFO", *, json_lines: bool | None = None, stream: TextIO | None = None
) -> logging.Handler | None:
    """Install one redacting handler on the root logger: JSON lines, or text when writing to a terminal.

    Like `logging.basicConfig`, it leaves a root logger alone when someone else (a test
    runner, an embedding program) already gave it handlers; calling it again replaces
    only the handler it installed before.
    """
    stream = stream or sys.stderr
    if json_lines is None:
        json_lines = not stream.isatty()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    return handler if _install(level, handler) else None


def log_to_file(path: Path, level: str = "INFO", *, human: TextIO | None = None) -> bool:
    """Log to `path` (text lines, redacted, appended) and put each warning or error on `human`
    (standard error by default) as one short line that names the file. Returns whether it was
    installed (see `configure_logging` about someone else's handlers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.addFilter(RedactingFilter())
    to_file.setFormatter(TextFormatter())
    to_person = logging.StreamHandler(human or sys.stderr)
    to_person.setLevel(logging.WARNING)
    to_person.addFilter(RedactingFilter())
    to_person.addFilter(OncePerMessage())
    to_person.setFormatter(ShortFormatter(path.name))
    if _install(level, to_file, to_person):
        return True
    to_file.close()
    return False


class ShortFormatter(logging.Formatter):
    """`[warning: <the message's first line, shortened> (more in membot.log)]`: no traceback, no logger name."""

    def __init__(self, log_name: str) -> None:
        super().__init__()
        self._log_name = log_name

    def format(self, record: logging.LogRecord) -> str:
        first = (redact(record.getMessage()).strip().splitlines() or [""])[0]
        if len(first) > SHORT_LINE:
            first = first[: SHORT_LINE - 1].rstrip() + "…"
        return f"[{record.levelname.lower()}: {first} (more in {self._log_name})]"


class OncePerMessage(logging.Filter):
    """Lets the same message through once in a row: a failure repeated every minute is one line."""

    def __init__(self) -> None:
        super().__init__()
        self._last: tuple[str, str] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelname, str(record.msg))
        if key == self._last:
            return False
        self._last = key
        return True


def _install(level: str, *handlers: logging.Handler) -> bool:
    for noisy in ("alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_membot", False)]
    if len(ours) != len(root.handlers):
        return False
    for old in ours:
        root.removeHandler(old)
        old.close()
    for handler in handlers:
        handler._membot = True  # type: ignore[attr-defined]  # marks the handlers this module installed
        root.addHandler(handler)
    root.setLevel(level)
    return True


def local_folder(database_url: str) -> Path:
    """Where a local run (the console) keeps its log and files: beside its SQLite database file,
    else the current folder."""
    try:
        url = make_url(database_url)
    except Exception:  # not a URL we can read: the current folder will do
        return Path()
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().parent
    return Path()
