"""`membot init PATH`: a new community folder from the bundled template."""

from __future__ import annotations

import shutil
from pathlib import Path

TEMPLATE = Path(__file__).parent / "template"
# The words the template's mini-training starts with: a file still holding them is left out of an
# import (bot.community.loader), so the placeholder never goes out to members as a drop.
PLACEHOLDER = "Write your first mini-training here"


class ScaffoldError(ValueError):
    pass


def scaffold(path: Path) -> list[Path]:
    """Copy the template into `path` (which must be missing or empty). Returns the files written."""
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ScaffoldError(f"{path} already exists and is not an empty folder; choose a new path")
    shutil.copytree(TEMPLATE, path, dirs_exist_ok=True)
    return sorted(p for p in path.rglob("*") if p.is_file())
