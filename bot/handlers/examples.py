"""The date a command's example names (`{date}` in prompts): a week from today in the community's
time zone, from the clock, so an example copied months later is never already past."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.router import Context
from bot.services.errors import UserError

Handler = Callable[[Context], Awaitable[None]]

EXAMPLE_AHEAD = timedelta(days=7)  # a week ahead: never in the past, always within a year


def example_date(ctx: Context) -> str:
    """The day the examples name, as the commands read it (`2027-03-08`), in the community's zone."""
    services = ctx.services
    return (services.clock.now().astimezone(services.community.tz) + EXAMPLE_AHEAD).date().isoformat()


def dated_examples(keys: frozenset[str]) -> Callable[[Handler], Handler]:
    """A handler whose errors `keys` show an example date: they get `{date}` from `example_date`,
    wherever they were raised (the services that raise them know nothing of examples)."""

    def wrap(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def run(ctx: Context) -> None:
            try:
                await handler(ctx)
            except UserError as exc:
                if exc.key not in keys:
                    raise
                raise UserError(exc.key, **{**exc.values, "date": example_date(ctx)}) from None

        return run

    return wrap
