"""Slack payloads made safe to read: the shapes JSON allows but Slack never sends."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(value: Any) -> Any:
    """A payload as JSON allows it but Slack never sends it, made harmless: nulls dropped (so every
    `.get(key, default)` gets its default) and lone surrogates (`"\\ud800"`, which no database stores)
    replaced. Signed requests with such shapes got a 500 and a traceback."""
    if isinstance(value, Mapping):
        return {key: scrub(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [scrub(item) for item in value if item is not None]
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    return value
