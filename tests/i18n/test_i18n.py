"""Every member-facing word comes from prompts/, with fallbacks from the member's locale to English."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import Catalog, MissingTemplate
from bot.settings import REPO_ROOT


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(REPO_ROOT / "prompts")


def test_falls_back_to_english_for_missing_translations(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "nb").mkdir()
    (tmp_path / "en" / "a.toml").write_text('hi = "Hello {name}"\nbye = "Bye"\n')
    (tmp_path / "nb" / "a.toml").write_text('hi = "Hei {name}"\n')
    catalog = Catalog.load(tmp_path)
    t = catalog.for_locale("nb-NO", "en")
    assert t("a.hi", name="Kari") == "Hei Kari"
    assert t("a.bye") == "Bye"
    with pytest.raises(MissingTemplate):
        t("a.nothing")
    with pytest.raises(KeyError, match=r"a.hi.*\{name\}"):
        t("a.hi")


def test_plural_forms(catalog: Catalog) -> None:
    t = catalog.for_locale("en")
    assert t.plural("library.header", 1) == "The library: 1 item"
    assert t.plural("library.header", 3) == "The library: 3 items"


def test_every_non_english_key_exists_in_english(catalog: Catalog) -> None:
    english = catalog.keys("en")
    for locale in catalog.locales:
        assert catalog.keys(locale) <= english, f"{locale} has keys English lacks"
