"""The numbered buttons on the console's screen, and whose they are to press.

Numbers run through the session, so one number on screen is always one button. A button in a
person's DM or in a reply to them is theirs alone (`owner`); a button in a channel post is
everyone's (`owner` None). Found as an outsider: Bea typing `1` pressed a button in Alex's DM.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from bot.platforms.console_input import CREATOR_ID


@dataclass(frozen=True)
class Choice:
    action_id: str
    value: str
    owner: str | None  # the user id whose DM or reply shows it; None: a channel post everyone sees


class Choices:
    """Hands out the numbers as messages are shown, and finds the button behind one."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._shown: dict[int, Choice] = {}

    def numbering(self, owner: str | None) -> Callable[[str, str], int]:
        """What `render_text` calls for each button of a message shown to `owner` (None: to everyone)."""

        def number(action_id: str, value: str) -> int:
            n = next(self._numbers)
            self._shown[n] = Choice(action_id, value, owner)
            return n

        return number

    def pick(self, number: int, user_id: str, name_of: Callable[[str], str]) -> Choice | str:
        """The button behind `number` if the user `user_id` may press it, else the line that says why not."""
        choice = self._shown.get(number)
        if choice is None:
            return f"There is no choice [{number}] on screen."
        if choice.owner is not None and choice.owner != user_id:
            whose = name_of(choice.owner)
            be = "creator" if choice.owner == CREATOR_ID else whose
            return f"[{number}] was shown to {whose}, not to you: /as {be} to press it."
        return choice
