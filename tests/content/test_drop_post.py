"""How a published drop reads: its levels and topics under the buttons."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalog
from bot.messages import Context
from bot.notices.content import ContentPiece, DropPublished
from bot.settings import REPO_ROOT
from bot.views.content import drop_published


@pytest.mark.parametrize(
    ("levels", "topics", "line"),
    [
        ((1, 2), ("pricing", "sales"), "For levels 1–2 · pricing, sales"),
        ((), (), "For all levels"),  # found as an outsider: "For all levels · -"
    ],
)
def test_the_drops_footer_names_its_levels_and_only_real_topics(
    levels: tuple[int, ...], topics: tuple[str, ...], line: str
) -> None:
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    item = ContentPiece(1, "hot-seats", "Hot seats", "live", levels=levels, topics=topics, teaser="Bring one offer")
    post = drop_published(DropPublished(item), t, ZoneInfo("Europe/Oslo"))
    [footer] = [b.text for b in post.blocks if isinstance(b, Context)]
    assert footer == line
