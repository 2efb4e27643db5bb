"""Babel (CLDR) writes plurals, numbers, money, dates and language names in all five locales."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Catalog
from bot.i18n_format import format_datetime, format_money, format_number, language_name
from bot.messages import Select
from bot.notices.member import Preferences
from bot.settings import REPO_ROOT
from bot.views.member import prefs

OSLO = ZoneInfo("Europe/Oslo")
SUNDAY = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
CATALOG = Catalog.load(REPO_ROOT / "prompts")


@pytest.mark.parametrize(
    ("locale", "when", "money", "number"),
    [
        ("en", "Sun 22 Nov, 17:00 CET", "$49", "1,234.5"),
        ("nb", "søn. 22. nov., 17:00 CET", "49\xa0USD", "1\xa0234,5"),
        ("da", "søn. 22. nov. 17.00 CET", "49\xa0USD", "1.234,5"),
        ("nl", "zo 22 nov, 17:00 CET", "US$\xa049", "1.234,5"),
        ("zh", "11月22日周日 17:00 CET", "US$49", "1,234.5"),
    ],
)
def test_dates_money_and_numbers_read_the_locales_way(locale: str, when: str, money: str, number: str) -> None:
    assert format_datetime(SUNDAY, locale, OSLO) == when
    assert format_money(Decimal(49), "usd", locale) == money
    assert format_number(Decimal("1234.5"), locale, places=1) == number


@pytest.mark.parametrize(
    ("locale", "one", "two"),
    [
        ("en", "1 question answered", "2 questions answered"),
        ("nb", "1 spørsmål besvart", "2 spørsmål besvart"),
        ("da", "1 spørgsmål besvaret", "2 spørgsmål besvaret"),
        ("nl", "1 vraag beantwoord", "2 vragen beantwoord"),
        ("zh", "1 个问题得到解答", "2 个问题得到解答"),
    ],
)
def test_questions_answered_is_a_real_plural(locale: str, one: str, two: str) -> None:
    t = CATALOG.for_locale(locale)
    assert t.plural("member.me.answered", 1) == one
    assert t.plural("member.me.answered", 2) == two


def test_chinese_plurals_use_cldrs_only_category() -> None:
    """zh has no `one`: the `.other` text is used even for 1 (CLDR), so a count is never dropped."""
    t = CATALOG.for_locale("zh")
    assert t.plural("poll.results.closed", 1, id=3) == "共 1 票 · 投票 #3 已结束"


def test_counts_are_written_with_the_locales_digits_grouping() -> None:
    assert CATALOG.for_locale("da").plural("member.me.answered", 1234) == "1.234 spørgsmål besvaret"


def test_a_leading_space_in_a_template_is_kept() -> None:
    """' · last check-in' used to lose its space ("2026· last check-in")."""
    assert CATALOG.for_locale("en")("engagement.quiet.nudged", days=7) == " · last check-in: the 7-day one"


def test_language_choices_show_each_languages_own_name() -> None:
    assert [language_name(x) for x in ("da", "en", "nb", "nl", "zh")] == [
        "Dansk", "English", "Norsk bokmål", "Nederlands", "中文",
    ]  # fmt: skip
    page = prefs(
        Preferences(drops="dm-weekly", time="any", timezone=None, language="nb", nudges=True, celebrate="dm"),
        CATALOG.locales,
        "Europe/Oslo",
        CATALOG.for_locale("en"),
    )
    [select] = [b for b in page.blocks if isinstance(b, Select) and b.action_id == "prefs.set:language"]
    assert {o.label: o.value for o in select.options} == {
        "Dansk": "da", "English": "en", "Norsk bokmål": "nb", "Nederlands": "nl", "中文": "zh",
    }  # fmt: skip
