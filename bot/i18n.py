"""Member-facing words live in `prompts/<locale>/*.toml`; code asks for them by key.

A key is `file.table.name` flattened (`welcome.dm.text`). Lookup falls back from the
member's locale to the community's, then to English, so a partial translation works.
"""

from __future__ import annotations

import datetime as dt
import logging
import string
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import i18n_format as fmt
from bot.i18n_format import plural_category
from bot.untrusted import inert

log = logging.getLogger(__name__)

FALLBACK_LOCALE = "en"


class MissingTemplate(KeyError):
    pass


class _StrictFormatter(string.Formatter):
    """`str.format` that names the template when a placeholder has no value."""

    def __init__(self, key: str) -> None:
        self.key = key

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str) and key not in kwargs:
            raise KeyError(f"template {self.key!r} needs {{{key}}}")
        return super().get_value(key, args, kwargs)


class Catalog:
    """All templates of all locales, loaded once at start-up."""

    def __init__(self, templates: Mapping[str, Mapping[str, str]]) -> None:
        self._templates = templates

    @classmethod
    def load(cls, root: Path) -> Catalog:
        templates: dict[str, dict[str, str]] = {}
        for locale_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            flat: dict[str, str] = {}
            for file in sorted(locale_dir.glob("*.toml")):
                with file.open("rb") as handle:
                    _flatten(file.stem, tomllib.load(handle), flat)
            templates[locale_dir.name] = flat
        if FALLBACK_LOCALE not in templates:
            raise FileNotFoundError(f"no {FALLBACK_LOCALE!r} templates under {root}")
        return cls(templates)

    def with_overrides(self, overrides: Mapping[str, str]) -> Catalog:
        """This catalog with `overrides` (the creator's own wording of some keys, from community.toml)
        in every locale; their braces are literal, as the creator wrote no placeholders."""
        if not overrides:
            return self
        literal = {key: text.replace("{", "{{").replace("}", "}}") for key, text in overrides.items()}
        return Catalog({locale: {**flat, **literal} for locale, flat in self._templates.items()})

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(sorted(self._templates))

    def keys(self, locale: str = FALLBACK_LOCALE) -> set[str]:
        return set(self._templates.get(locale, {}))

    def has(self, key: str, locale: str) -> bool:
        """Whether `locale` itself (or its base language) words `key`, without falling back to English."""
        return key in self._templates.get(locale, {}) or key in self._templates.get(locale.split("-")[0], {})

    def raw(self, key: str, *locales: str | None) -> str:
        for locale in (*locales, FALLBACK_LOCALE):
            if locale:
                found = self._templates.get(locale, {}).get(key) or self._templates.get(locale.split("-")[0], {}).get(
                    key
                )
                if found is not None:
                    return found
        raise MissingTemplate(key)

    def render(self, key: str, locales: tuple[str | None, ...], /, **values: Any) -> str:
        # Line breaks around a template go, and trailing spaces; a leading space is meant (" · later").
        # Every text value is made inert (a name or a question can't become a disguised link)
        # unless it is the creator's own `Trusted` content.
        safe = {name: inert(value) if isinstance(value, str) else value for name, value in values.items()}
        return _StrictFormatter(key).format(self.raw(key, *locales), **safe).rstrip().lstrip("\r\n")

    def for_locale(self, *locales: str | None) -> Translator:
        return Translator(self, tuple(locales))


@dataclass(frozen=True)
class Translator:
    """A catalog bound to a preference order of locales (member's, then community's)."""

    catalog: Catalog
    locales: tuple[str | None, ...]

    def __call__(self, key: str, /, **values: Any) -> str:
        return self.catalog.render(key, self.locales, **values)

    def plural(self, key: str, count: int, /, **values: Any) -> str:
        """`key.<CLDR category>` for count in the reader's language (`one`, `few`, … ; Chinese has
        only `other`), falling back to `key.other`; `{count}` is filled in, written the locale's way."""
        category = plural_category(count, self._written_in(f"{key}.other"))
        found = f"{key}.{category}"
        if category != "other" and not self.has(found):
            found = f"{key}.other"
        return self(found, count=self.number(count), **values)

    @property
    def locale(self) -> str:
        return next((loc for loc in self.locales if loc), FALLBACK_LOCALE)

    # -- figures in the reader's locale (bot/i18n_format.py) ------------------------------------

    def number(self, value: int | float | Decimal, places: int | None = None) -> str:
        return fmt.format_number(value, self.locale, places=places)

    def list(self, items: Sequence[str]) -> str:
        """Items joined the reader's way: "a, b and c"."""
        return fmt.format_items(items, self.locale)

    def percent(self, value: float) -> str:
        return fmt.format_percent_of(value, self.locale)

    def money(self, amount: Decimal | int | float, currency: str, *, signed: bool = False) -> str:
        return fmt.format_money(amount, currency, self.locale, signed=signed)

    def date(self, when: dt.datetime | dt.date, tz: ZoneInfo | None = None, *, long: bool = False) -> str:
        return fmt.format_date(when, self.locale, tz, long=long)

    def day(self, when: dt.datetime | dt.date, tz: ZoneInfo | None = None, *, long: bool = False) -> str:
        return fmt.format_day(when, self.locale, tz, long=long)

    def datetime(self, when: dt.datetime, tz: ZoneInfo) -> str:
        return fmt.format_datetime(when, self.locale, tz)

    def month(self, when: dt.datetime | dt.date, tz: ZoneInfo | None = None) -> str:
        return fmt.format_month(when, self.locale, tz)

    def weekday(self, when: dt.datetime | dt.date, tz: ZoneInfo | None = None) -> str:
        return fmt.weekday_name(when, self.locale, tz)

    def month_name(self, month: int) -> str:
        return fmt.month_name(month, self.locale)

    def _written_in(self, key: str) -> str:
        """The locale whose text `key` will come from: plural rules follow the words, not the wish."""
        return next((loc for loc in self.locales if loc and self.catalog.has(key, loc)), FALLBACK_LOCALE)

    def has(self, key: str) -> bool:
        """Whether some locale of this reader (or the fallback) has `key`: for optional variants of a text."""
        return any(self.catalog.has(key, loc) for loc in (*self.locales, FALLBACK_LOCALE) if loc)


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            _flatten(key, value, into)
        elif isinstance(value, str):
            into[key] = value
        else:
            raise ValueError(f"template {key} must be text, not {type(value).__name__}")
