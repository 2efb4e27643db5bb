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
import unicodedata

ZERO_WIDTH_SPACE = "\u200b"
# Bidirectional embeddings, overrides and isolates: an unclosed one flips whatever is shown after
# it (the rest of the creator's DM), and no one types them on purpose.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
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


def visible(text: str) -> str:
    """``text`` without bidirectional controls, or "" when nothing in it can be seen (spaces,
    zero-width and other format characters only), so a required answer of zero-width spaces counts as empty."""
    text = _BIDI_CONTROLS.sub("", text)
    if all(c.isspace() or unicodedata.category(c) == "Cf" for c in text):
        return ""
    return text


def unseen_removed(text: str) -> str:
    """`text` as it shows: without format characters (zero-width spaces and joiners, bidirectional
    controls, soft hyphens), which only make two texts that look the same differ ("a" and "a\u200b")."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def plain_name(text: str) -> str:
    """A display name (stored, or typed to find someone) as it shows, its spaces collapsed:
    "\u202eEvil" and "Zero\u200bWidth" are "Evil" and "ZeroWidth"."""
    return " ".join(unseen_removed(text).split())
