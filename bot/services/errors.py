"""Errors a member or creator caused, worded from a template when shown."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Bad input or a request that cannot be honoured; nothing was changed.

    `key` names a template in prompts/ (`errors.*`); `values` fill it in.
    """

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values
