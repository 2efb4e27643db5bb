"""Weekday names as a creator types them, in every language the bot speaks ("fri", "fredag",
"vrijdag", "周五"), for `/announce at …` and `/live schedule every …`."""

from __future__ import annotations

from functools import cache

from babel.dates import get_day_names

LOCALES = ("en", "nb", "da", "nl", "zh")
_ENGLISH_EXTRA = {"tues": 1, "thur": 3, "thurs": 3}
_PLURALS = ("s", "er", "e", "en")  # "mondays", "mandager", "mandage", "maandagen"


@cache
def _names() -> dict[str, int]:
    """Name -> weekday (Monday 0). CLDR's wide and abbreviated names; abbreviations shorter than
    three letters (Dutch "do", "ma") are left out, as they read as other words."""
    found: dict[str, int] = dict(_ENGLISH_EXTRA)
    for locale in LOCALES:
        for number, name in get_day_names("wide", locale=locale).items():
            word = name.lower()
            found.setdefault(word, number)
            if word.isascii() or locale in ("nb", "da"):  # Chinese names take no plural ending
                for ending in _PLURALS:
                    found.setdefault(word + ending, number)
        for number, name in get_day_names("abbreviated", locale=locale).items():
            word = name.lower().rstrip(".")
            if len(word) >= 3 or not word.isascii():
                found.setdefault(word, number)
    return found


def weekday(text: str) -> int | None:
    """The weekday a word names (Monday 0), or None: `Fri`, `fre.`, `fredag`, `Thursdays`, `周五`."""
    return _names().get(text.strip().lower().rstrip(".,"))
