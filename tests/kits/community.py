"""Community folders for one test: a copy of the session's sample with community.toml edited."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path


def edited_copy(source: Path, into: Path, edit: Callable[[str], str]) -> Path:
    """A copy of the community folder `source` under `into`, its community.toml passed through `edit`.

    Never edit the session's `community_path` in place: every later test in the same process reads it."""
    folder = into / source.name
    shutil.copytree(source, folder)
    toml = folder / "community.toml"
    toml.write_text(edit(toml.read_text()))
    return folder
