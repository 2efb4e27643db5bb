"""Member-facing words live in `prompts/<locale>/*.toml`; code asks for them by key.

A key is `file.table.name` flattened (`welcome.dm.text`). Lookup falls back from the
member's locale to the community's, then to English, so a partial translation works.
"""

from __future__ import annotations

import logging
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(sorted(self._templates))

    def keys(self, locale: str = FALLBACK_LOCALE) -> set[str]:
        return set(self._templates.get(locale, {}))

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
        return _StrictFormatter(key).format(self.raw(key, *locales), **values).strip()

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
        """`key.one` when count is 1, else `key.other`; `{count}` is filled in."""
        return self(f"{key}.{'one' if count == 1 else 'other'}", count=count, **values)

    @property
    def locale(self) -> str:
        return next((loc for loc in self.locales if loc), FALLBACK_LOCALE)


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, str]) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            _flatten(key, value, into)
        elif isinstance(value, str):
            into[key] = value
        else:
            raise ValueError(f"template {key} must be text, not {type(value).__name__}")
