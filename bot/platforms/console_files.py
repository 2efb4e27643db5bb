"""The files a message carries (a calendar invite, a chart, a data export), written to a folder
so the console can name them in the chat."""

from __future__ import annotations

import re
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.-]+")


class FileShelf:
    """Writes each file once under its own name; a different file with a taken name gets `-2`, `-3`..."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, filename: str, data: bytes) -> Path:
        name = _safe_name(filename)
        stem, dot, suffix = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
        self.folder.mkdir(parents=True, exist_ok=True)
        for n in range(1, 10_000):
            candidate = self.folder / (name if n == 1 else f"{stem}-{n}{dot}{suffix}")
            if candidate.exists() and candidate.read_bytes() != data:
                continue
            if not candidate.exists():
                candidate.write_bytes(data)
            return candidate
        raise OSError(f"too many files named {name} in {self.folder}")


def _safe_name(filename: str) -> str:
    """The file's own name without any folders, in characters every file system takes."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("-", base).strip("-.")[:120]
    return cleaned or "file"


def describe(path: Path, size: int) -> str:
    """`[file: membot-files/live-1.ics, 1.2 KB]`, the path as short as it can be said."""
    try:
        shown = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        shown = path
    return f"[file: {shown}, {_size(size)}]"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
