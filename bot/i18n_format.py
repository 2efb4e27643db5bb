"""Numbers, money, dates and plural categories in a member's locale, from CLDR via Babel.

Templates word things; these functions write the figures inside them the way each language
does ("1,234.5" / "1.234,5" / "1 234,5", "$49" / "49 USD", "Sun 22 Nov" / "søn. 22. nov." /
"11月22日周日"), so no month or weekday name is written by hand anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton, get_day_names, get_month_names
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

FALLBACK = "en"
# English dates read day-first ("Sun 22 Nov, 17:00"), as membot always wrote them; numbers and
# money stay plain "en" ("$49", "1,234.5").
DATE_LOCALES = {"en": "en_GB"}
CLDR_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


@lru_cache(maxsize=64)
def babel_locale(locale: str | None) -> Locale:
    """The Babel locale for a membot locale code ("nb", "zh", "en-GB"); English when unknown."""
    try:
        return Locale.parse((locale or FALLBACK).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK)


def _date_locale(locale: str | None) -> Locale:
    code = str(babel_locale(locale))
    return babel_locale(DATE_LOCALES.get(code, code))


def plural_category(count: int | float | Decimal, locale: str | None) -> str:
    """CLDR's plural category for `count`: "one" for 1 in English, always "other" in Chinese."""
    return str(babel_locale(locale).plural_form(abs(Decimal(count))))


def language_name(locale: str) -> str:
    """A language's name in that language, as its speakers write it: "Dansk", "Norsk bokmål", "中文"."""
    name = babel_locale(locale).get_display_name() or locale
    return name[:1].upper() + name[1:]


def format_number(value: int | float | Decimal, locale: str | None, *, places: int | None = None) -> str:
    """1234.5 -> "1,234.5" (en), "1.234,5" (da, nl), "1 234,5" (nb); `places` fixes the decimals."""
    if places is None:
        return format_decimal(value, locale=babel_locale(locale))
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=babel_locale(locale), decimal_quantization=True)


def format_items(items: Sequence[str], locale: str | None) -> str:
    """["a", "b", "c"] -> "a, b and c" (en), "a, b og c" (nb), "a、b和c" (zh)."""
    return format_list(list(items), locale=babel_locale(locale)) if items else ""


def format_percent_of(value: float, locale: str | None) -> str:
    """0.425 -> "42%" (en), "42 %" (da, nb)."""
    return format_percent(value, locale=babel_locale(locale))


# "NOK300" -> "NOK 300": a currency code is kept apart from the amount (CLDR currencySpacing).
CURRENCY_LETTERS_TOUCHING_DIGITS = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def format_money(amount: Decimal | int | float, currency: str, locale: str | None, *, signed: bool = False) -> str:
    """49 USD -> "$49" (en), "49 US$" / "49,00 USD" as each locale writes it; whole amounts drop the cents."""
    value = Decimal(amount)
    whole = value == value.to_integral_value()
    loc = babel_locale(locale)
    text = format_currency(
        value, currency.upper(), locale=loc, format=_whole_pattern(loc) if whole else None, currency_digits=not whole
    )
    text = CURRENCY_LETTERS_TOUCHING_DIGITS.sub("\xa0", text)  # CLDR's currency spacing, which Babel skips
    return f"+{text}" if signed and value > 0 else text


def _whole_pattern(loc: Locale) -> str:
    """The locale's currency pattern without its decimals ("¤#,##0.00" -> "¤#,##0")."""
    pattern = loc.currency_formats["standard"].pattern.split(";")[0]
    return pattern.replace(".00", "").replace(",00", "")


def format_date(when: datetime | date, locale: str | None, tz: ZoneInfo | None = None, *, long: bool = False) -> str:
    """A day: "22 Nov 2026", "22. nov. 2026", "2026年11月22日"; `long` spells the month ("22 November 2026")."""
    return format_skeleton("yMMMMd" if long else "yMMMd", _local(when, tz), locale=_date_locale(locale))


def format_day(when: datetime | date, locale: str | None, tz: ZoneInfo | None = None, *, long: bool = False) -> str:
    """A day this year, without the year: "22 Nov", "22. nov.", "11月22日"; `long`: "22 November"."""
    return format_skeleton("MMMMd" if long else "MMMd", _local(when, tz), locale=_date_locale(locale))


def format_datetime(when: datetime, locale: str | None, tz: ZoneInfo) -> str:
    """A moment a member reads at a glance: "Sun 22 Nov, 17:00 CET", "søn. 22. nov. 17.00 CET"."""
    local = when.astimezone(tz)
    loc = _date_locale(locale)
    day = format_skeleton("MMMEd", local, locale=loc)
    clock = format_skeleton("Hm", local, locale=loc)
    pattern = loc.datetime_formats["medium"]
    combined = pattern.format(clock, day) if isinstance(pattern, str) else f"{day} {clock}"
    return f"{combined} {local.strftime('%Z')}".strip()


def format_month(when: datetime | date, locale: str | None, tz: ZoneInfo | None = None) -> str:
    """A month of a year: "Nov 2026", "nov. 2026", "2026年11月"."""
    return format_skeleton("yMMM", _local(when, tz), locale=_date_locale(locale))


def month_name(month: int, locale: str | None) -> str:
    """A month on its own, as a word: "November", "november", "十一月"."""
    return str(get_month_names("wide", context="stand-alone", locale=_date_locale(locale))[month])


def weekday_name(when: datetime | date, locale: str | None, tz: ZoneInfo | None = None) -> str:
    """A weekday, short: "Mon", "man.", "ma", "周一"."""
    return str(get_day_names("abbreviated", context="format", locale=_date_locale(locale))[_local(when, tz).weekday()])


def _local(when: datetime | date, tz: ZoneInfo | None) -> datetime | date:
    return when.astimezone(tz) if isinstance(when, datetime) and tz is not None else when
