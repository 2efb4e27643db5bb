"""Structured logs: one JSON object per line, and a filter that keeps secrets and email addresses out of them."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

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
    for noisy in ("alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "_membot", False)]
    if len(ours) != len(root.handlers):
        return None
    stream = stream or sys.stderr
    if json_lines is None:
        json_lines = not stream.isatty()
    handler = logging.StreamHandler(stream)
    handler._membot = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if json_lines else TextFormatter())
    for old in ours:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
