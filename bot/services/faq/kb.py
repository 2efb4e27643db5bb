"""Load FAQ knowledge bases from TOML (``[[faq]]`` tables) into index documents."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.services.faq.index import Document


class KbError(ValueError):
    """A knowledge-base file is missing or malformed; the message names file and field."""


def _text(entry: dict[str, object], field: str, where: str, required: bool = True) -> str:
    value = entry.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise KbError(f"{where}: field {field!r} must be a non-empty string")
    return value.strip()


def _text_list(entry: dict[str, object], field: str, where: str) -> tuple[str, ...]:
    value = entry.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KbError(f"{where}: field {field!r} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def parse_faq(data: dict[str, object], source: str = "<faq>") -> list[Document]:
    """Turn parsed TOML into documents (kind ``"faq"``; answer is both body and reply)."""
    entries = data.get("faq")
    if not isinstance(entries, list) or not entries:
        raise KbError(f"{source}: expected at least one [[faq]] table (field 'faq')")
    documents: list[Document] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        where = f"{source}: [[faq]] #{n}"
        if not isinstance(entry, dict):
            raise KbError(f"{where}: must be a table")
        doc_id = _text(entry, "id", where)
        where = f"{source}: [[faq]] #{n} (id {doc_id!r})"
        if doc_id in seen:
            raise KbError(f"{where}: field 'id' duplicates an earlier entry")
        seen.add(doc_id)
        answer = _text(entry, "answer", where)
        documents.append(
            Document(
                doc_id=doc_id,
                kind="faq",
                title=_text(entry, "question", where),
                text=answer,
                answer=answer,
                alt_titles=_text_list(entry, "alt_questions", where),
                tags=_text_list(entry, "tags", where),
            )
        )
    return documents


def load_faq_toml(path: str | Path) -> list[Document]:
    """Read ``path``; raise :class:`KbError` naming the file (and field) on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KbError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise KbError(f"{path}: not valid UTF-8 ({exc.reason})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise KbError(f"{path}: invalid TOML ({exc})") from exc
    return parse_faq(data, str(path))
