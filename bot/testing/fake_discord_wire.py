"""The fake Discord's wire format: the calls it records, Discord-shaped JSON payloads, and
reading request bodies (JSON or multipart with files) and answering JSON the way discord.py expects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

Json = Any


@dataclass
class Call:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    body: Json
    headers: dict[str, str]
    files: list[str] = field(default_factory=list)


def user_payload(user_id: str, username: str, *, bot: bool = False, global_name: str | None = None) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": username,
        "discriminator": "0",
        "global_name": global_name,
        "avatar": None,
        "bot": bot,
        "flags": 0,
    }


def json_response(payload: Json, status: int, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py parses JSON only when Content-Type is exactly application/json (no charset)."""
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


async def read_body(request: web.Request) -> tuple[Json, list[str]]:
    if request.content_type.startswith("multipart/"):
        body: Json = {}
        files: list[str] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            assert isinstance(part, BodyPartReader), "a nested multipart is not something Discord sends"
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                files.append(part.filename or "")
                await part.read()
        return body, files
    raw = await request.read()
    return (json.loads(raw) if raw else None), []
