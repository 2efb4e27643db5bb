"""Where the community lives right now: the (platform, workspace) pairs the running adapters serve."""

from __future__ import annotations


class Presence:
    def __init__(self) -> None:
        self._spaces: list[tuple[str, str]] = []

    def add(self, platform: str, workspace_id: str) -> None:
        if (platform, workspace_id) not in self._spaces:
            self._spaces.append((platform, workspace_id))

    @property
    def spaces(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._spaces)

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p, _ in self._spaces))
