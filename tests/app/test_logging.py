"""Structured JSON logs with secrets and email addresses redacted."""

from __future__ import annotations

import io
import json
import logging
import sys
from pathlib import Path

import pytest

from bot.logging_setup import (
    JsonFormatter,
    RedactingFilter,
    TextFormatter,
    configure_logging,
    local_folder,
    log_to_file,
    redact,
)

SECRETS = {
    "slack bot": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack app": "xapp-1-A0123456789-1234567890123-abcdef0123456789",
    "stripe": "sk_live_51HxYzAbCdEfGhIjKlMnOp",
    "stripe test": "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "webhook": "whsec_abcdefghijklmnop1234",
    "discord": "MTA4NzY1NDMyMTAxMjM0NTY3OA.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456",
    "bearer": "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
    "bot header": "Bot MTA4NzY1NDMyMTAxMjM0NTY3OA.GaBcDe.abcdefghijklmnop",
    "openai": "sk-proj-abcdefghijklmnopqrstuvwx",
    "email": "dana.smith+club@example.co.uk",
}


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_redacts_tokens_and_emails(name: str) -> None:
    secret = SECRETS[name]
    out = redact(f"calling with {secret} now")
    assert secret not in out and "[redacted]" in out and out.startswith("calling with ")


def test_keeps_ordinary_text() -> None:
    text = "outbox row 42 dead after 8 attempts: TransientError (member 7, drop:17:member:42)"
    assert redact(text) == text
    assert redact("postgresql://membot:hunter2@db:5432/membot") == "postgresql://[redacted]@db:5432/membot"


def record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    logger = logging.getLogger("bot.test")
    return logger.makeRecord("bot.test", logging.WARNING, __file__, 1, message, args, None, extra=extra)


def test_one_json_object_per_line_with_safe_extras() -> None:
    rec = record(
        "token %s for %s",
        SECRETS["slack bot"],
        "dana@example.com",
        member_id=7,
        route="/stripe",
        email="x@y.z",
        display_name="Dana",
        payload={"a": 1},
    )
    assert RedactingFilter().filter(rec)
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "WARNING" and data["logger"] == "bot.test" and data["time"].endswith("+00:00")
    assert data["message"] == "token [redacted] for [redacted]"
    assert data["member_id"] == 7 and data["route"] == "/stripe"
    assert "email" not in data and "display_name" not in data and "payload" not in data


def test_exceptions_are_redacted_too() -> None:
    try:
        raise RuntimeError(f"auth failed for {SECRETS['stripe']}")
    except RuntimeError:
        rec = logging.getLogger("bot.test").makeRecord(
            "bot.test", logging.ERROR, __file__, 1, "boom", (), sys.exc_info()
        )
    data = json.loads(JsonFormatter().format(rec))
    assert "RuntimeError" in data["exception"] and SECRETS["stripe"] not in data["exception"]
    assert SECRETS["stripe"] not in TextFormatter().format(rec)


def test_configure_installs_one_handler_and_respects_others(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    stream = io.StringIO()
    assert configure_logging("INFO", stream=stream) is not None  # not a terminal: JSON
    assert configure_logging("INFO", stream=stream) is not None  # again: replaces its own handler
    assert len(root.handlers) == 1
    logging.getLogger("bot.outbox").info("sent to %s", "eli@example.org")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["message"] == "sent to [redacted]"
    root.handlers.append(logging.NullHandler())
    assert configure_logging("INFO", stream=stream) is None  # someone else's handlers: left alone


def test_the_console_logs_to_a_file_and_shows_a_warning_as_one_short_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", root.level)
    terminal = io.StringIO()
    path = tmp_path / "membot.log"
    assert log_to_file(path, "INFO", human=terminal) is True
    log = logging.getLogger("bot.scheduler")
    log.info("membot running on console")
    try:
        raise RuntimeError("no such column: live_sessions.series_id")
    except RuntimeError:
        log.exception("job %s failed\nsecond line", "live.reminders")
    log.exception("job %s failed\nsecond line", "live.reminders")  # the same again: not repeated
    log.warning("card of %s declined %s", "dana@example.com", "x" * 300)
    for handler in root.handlers:
        handler.close()

    shown = terminal.getvalue().splitlines()
    assert shown[0] == "[error: job live.reminders failed (more in membot.log)]"
    assert shown[1].startswith("[warning: card of [redacted] declined xxx") and len(shown[1]) < 200
    assert len(shown) == 2 and "Traceback" not in terminal.getvalue()
    kept = path.read_text()
    assert "membot running on console" in kept and "Traceback" in kept and "series_id" in kept
    assert "dana@example.com" not in kept


def test_the_console_keeps_its_log_and_files_beside_its_database() -> None:
    assert local_folder("sqlite+aiosqlite:////srv/club/membot.db") == Path("/srv/club")
    assert local_folder("sqlite+aiosqlite:///membot.db") == Path()
    assert local_folder("sqlite+aiosqlite://") == Path()  # in memory
    assert local_folder("postgresql+asyncpg://membot@db/membot") == Path()
