"""Text someone else typed, shown as they typed it: it can never become a disguised link.

Messages are written in one neutral markup (``*bold*``, ``<url|label>``, Markdown links in
creators' content) that each platform renders: Slack shows ``<https://x|Pay here>`` and
Discord shows ``[Pay here](https://x)`` as a link whose target is hidden behind its label.
A member's question, reply, intake answer or display name put into such a message could
otherwise carry one ("Stripe: your payout is on hold, verify here") into a DM the creator
trusts because it comes from their own bot.

:func:`inert` breaks those two shapes with a zero-width space (``<`` before a non-space,
``](``), so the text reads the same and nothing clickable is made of it; a bare URL stays
as it is, since every platform shows a bare URL for what it is. Templates apply it to every
text value (``bot.i18n``); :class:`Trusted` marks the creator's own content, whose links are
meant.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
_LINK_SHAPES = re.compile("<(?=[^\\s\u200b])|\\](?=\\()")


class Trusted(str):
    """Text written by the community's creator (a drop's teaser, an announcement): its links
    are meant, so templates keep them."""

    __slots__ = ()


def inert(text: str) -> str:
    """``text`` with no link syntax left in it; idempotent, and a no-op on text without ``<`` or ``](``."""
    if isinstance(text, Trusted):
        return text
    return _LINK_SHAPES.sub(lambda m: m.group(0) + ZERO_WIDTH_SPACE, text)


def quoted(text: str) -> str:
    """``text`` as a block quote (``> `` before each line), made :func:`inert`."""
    return "\n".join(f"> {line}" for line in inert(text).splitlines() or [""])
