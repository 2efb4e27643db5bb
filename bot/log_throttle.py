"""A logger for noise from outside (unsigned requests, junk bodies): at most one line per cause a minute."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.clock import Clock

EVERY = timedelta(minutes=1)


class ThrottledLog:
    """Logs the first warning of each cause, then stays quiet for `every`; the next line says how many it left out.

    `cause` must be a fixed word chosen by the caller, never text from the request: it keys a
    table that would otherwise grow with whatever a stranger sends.
    """

    def __init__(self, logger: logging.Logger, clock: Clock, every: timedelta = EVERY) -> None:
        self._logger = logger
        self._clock = clock
        self._every = every
        self._last: dict[str, datetime] = {}
        self._left_out: dict[str, int] = {}

    def warning(self, cause: str, message: str, *args: object) -> None:
        now = self._clock.now()
        last = self._last.get(cause)
        if last is not None and now - last < self._every:
            self._left_out[cause] = self._left_out.get(cause, 0) + 1
            return
        self._last[cause] = now
        left_out = self._left_out.pop(cause, 0)
        if left_out:
            self._logger.warning(message + " (and %d more like it, not logged)", *args, left_out)
        else:
            self._logger.warning(message, *args)
