"""Translations keep up with English: nb, da, nl and zh are complete, placeholders match English
exactly, every file parses, and a Norwegian member really gets Norwegian.

When English gains a key, `test_locale_is_complete` names it for every locale: add it to
prompts/nb/, prompts/da/, prompts/nl/ and prompts/zh/ too.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.events import MemberJoined
from bot.messages import OutboundMessage
from bot.platforms.memory import MemoryPlatform
from bot.settings import REPO_ROOT
from storage.repositories import members

PROMPTS = REPO_ROOT / "prompts"
ENGLISH = "en"
COMPLETE = ("nb", "da", "nl", "zh")  # every key of every English file
TRANSLATED = COMPLETE


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, str], where: Path) -> None:
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, Mapping):
            _flatten(key, value, into, where)
        else:
            assert isinstance(value, str), f"{where}: {key} must be text, not {type(value).__name__}"
            into[key] = value


def templates(locale: str, stem: str | None = None) -> dict[str, str]:
    """`file.table.key` -> text for one locale (one file of it when `stem` is given), as the Catalog flattens them."""
    flat: dict[str, str] = {}
    for file in sorted((PROMPTS / locale).glob("*.toml")):
        if stem is None or file.stem == stem:
            _flatten(file.stem, tomllib.loads(file.read_text(encoding="utf-8")), flat, file)
    return flat


def placeholders(text: str) -> set[str]:
    """Placeholder names, `{name}` -> "name"; attribute and index access count as the bare name."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return names


def describe(keys: set[str], limit: int = 40) -> str:
    listed = sorted(keys)
    more = f" … and {len(listed) - limit} more" if len(listed) > limit else ""
    return ", ".join(listed[:limit]) + more


@pytest.fixture(scope="module")
def english() -> dict[str, str]:
    return templates(ENGLISH)


# -- (d) every translated file parses, and mirrors an English file -----------------------------------


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_translated_file_parses_as_toml(locale: str) -> None:
    files = sorted((PROMPTS / locale).glob("*.toml"))
    assert files, f"prompts/{locale}/ has no templates"
    for file in files:
        try:
            tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            pytest.fail(f"{file.relative_to(REPO_ROOT)} does not parse: {exc}")
        assert (PROMPTS / ENGLISH / file.name).exists(), f"{file.relative_to(REPO_ROOT)} has no English original"


# -- (a) every locale is complete ----------------------------------------------------------------------


def test_every_locale_directory_is_held_complete() -> None:
    """A new prompts/<locale>/ is covered by the completeness test, not silently left partial."""
    shipped = {p.name for p in PROMPTS.iterdir() if p.is_dir() and any(p.glob("*.toml"))}
    assert shipped == {ENGLISH, *COMPLETE}


@pytest.mark.parametrize("locale", COMPLETE)
def test_every_english_file_exists_in_every_locale(locale: str) -> None:
    missing = sorted(f.name for f in (PROMPTS / ENGLISH).glob("*.toml") if not (PROMPTS / locale / f.name).exists())
    assert not missing, f"prompts/{locale}/ lacks file(s): {missing}"


@pytest.mark.parametrize("locale", COMPLETE)
def test_locale_is_complete(locale: str, english: dict[str, str]) -> None:
    translated = templates(locale)
    missing = set(english) - set(translated)
    extra = set(translated) - set(english)
    assert not missing, f"prompts/{locale}/ lacks {len(missing)} English key(s): {describe(missing)}"
    assert not extra, f"prompts/{locale}/ has key(s) English no longer has: {describe(extra)}"


# -- (c) placeholders are exactly the English ones -------------------------------------------------------


@pytest.mark.parametrize("locale", TRANSLATED)
def test_placeholders_match_english(locale: str, english: dict[str, str]) -> None:
    wrong = []
    for key, text in sorted(templates(locale).items()):
        if key not in english:
            continue  # reported by the key tests
        try:
            ours = placeholders(text)
        except ValueError as exc:  # a stray { or }
            wrong.append(f"{key}: not a valid template ({exc})")
            continue
        theirs = placeholders(english[key])
        if ours != theirs:
            lost, added = sorted(theirs - ours), sorted(ours - theirs)
            wrong.append(f"{key}: missing {lost}, unknown {added}")
    assert not wrong, f"prompts/{locale}/ placeholders differ from English:\n" + "\n".join(wrong)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_plural_tables_have_both_forms(locale: str, english: dict[str, str]) -> None:
    """`t.plural` asks for `.one` and `.other`; a translated table must have both or neither."""
    translated = set(templates(locale))
    plural = {
        key.rsplit(".", 1)[0] for key in english if key.endswith(".other") and key[: -len("other")] + "one" in english
    }
    broken = [
        table for table in sorted(plural)
        if {f"{table}.one", f"{table}.other"} & translated and not {f"{table}.one", f"{table}.other"} <= translated
    ]  # fmt: skip
    assert not broken, f"prompts/{locale}/ has half a plural table: {broken}"


# -- (e) a Norwegian member gets Norwegian ----------------------------------------------------------------

SUNDAY = "2026-11-22 17:00 | Sunday hot seats"
SUNDAY_START = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # 17:00 in Oslo
SATURDAY_SLOT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # the first deep-dive, 10:00 in Oslo


def text_of(message: OutboundMessage) -> str:
    return " ".join([message.text, *(getattr(b, "text", "") or "" for b in message.blocks)])


async def join(app: App, memory: MemoryPlatform, user_id: str, name: str, locale: str | None) -> None:
    await memory.emit(MemberJoined(user=memory.user(user_id, name, locale=locale), event_id=f"join-{user_id}"))
    await app.settle()


@pytest.mark.parametrize(
    ("locale", "phrases"),
    [
        ("nb", ["Velkommen til Strategy Club, Kari!", "Det første slippet ditt kommer", "*Dette skjer nå*"]),
        ("da", ["Velkommen til Strategy Club, Kari!", "Din første udgivelse kommer", "*Det sker der nu*"]),
        ("nl", ["Welkom bij Strategy Club, Kari!", "Je eerste aflevering komt", "*Zo gaat het verder*"]),
        ("zh", ["欢迎加入 Strategy Club，Kari！", "你的第一份内容将于", "*接下来会发生什么*"]),
    ],
)
async def test_member_locale_picks_the_welcome_language(
    app: App, memory: MemoryPlatform, locale: str, phrases: list[str]
) -> None:
    await join(app, memory, "u1", "Kari Nordmann", locale)

    [dm] = memory.dms_to("u1")
    for phrase in phrases:
        assert phrase in text_of(dm), f"{locale} welcome lacks {phrase!r}: {text_of(dm)}"
    assert "Welcome to" not in text_of(dm)
    # The public greeting (once Kari becomes a member) is for everyone: the community's language.
    assert memory.posts_in("welcome") == []
    await memory.command("u1", "join", "")
    await app.settle()
    [greeting] = memory.posts_in("welcome")
    assert "give a warm welcome to Kari" in greeting.text


async def test_member_without_a_locale_gets_the_communitys_language(app: App, memory: MemoryPlatform) -> None:
    await join(app, memory, "u1", "Dana", None)
    [dm] = memory.dms_to("u1")
    assert "Welcome to Strategy Club, Dana!" in text_of(dm)


async def test_norwegian_member_gets_drops_by_dm_in_norwegian(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await join(app, memory, "u1", "Kari", "nb")
    await join(app, memory, "u2", "Dana", None)
    for user in ("u1", "u2"):
        await memory.command(user, "join")  # drops by DM are for members
        await memory.command(user, "prefs", "drops dm-every")

    clock.set(SATURDAY_SLOT)
    await app.tick()
    await app.settle()

    [norwegian] = [m for m in memory.dms_to("u1") if "niche paradox" in text_of(m)]
    assert text_of(norwegian).startswith("Nytt: Dypdykk – The niche paradox")
    assert "Dypdykk: The niche paradox" in text_of(norwegian)
    [english] = [m for m in memory.dms_to("u2") if "niche paradox" in text_of(m)]
    assert "Deep-dive: The niche paradox" in text_of(english)
    # The channel post is in the community's language.
    [post] = memory.posts_in("drops")
    assert "Deep-dive: The niche paradox" in text_of(post)


async def test_norwegian_member_set_by_prefs_gets_live_reminders_in_norwegian(
    app: App, memory: MemoryPlatform, clock: FakeClock
) -> None:
    await join(app, memory, "u1", "Kari", None)
    await memory.command("u1", "join")  # live sessions are for members
    async with app.database.session() as session:
        member = await members.by_identity(session, "memory", "W1", "u1")
    assert member is not None
    await app.services.preferences.set(member.id, "language", "nb")

    await memory.command("creator", "live", f"schedule {SUNDAY}")
    await app.settle()
    rsvp = await memory.click("u1", "qa.rsvp:1")
    assert rsvp.texts[0].startswith("Du er påmeldt! Vi ses på *Sunday hot seats*"), rsvp.texts

    for when in (SUNDAY_START - timedelta(hours=24), SUNDAY_START - timedelta(hours=1), SUNDAY_START):
        clock.set(when)
        for _ in range(3):
            await app.tick()
    reminders = [m for m in memory.dms_to("u1") if "Sunday hot seats" in text_of(m)]
    headers = [getattr(m.blocks[0], "text", m.text) if m.blocks else m.text for m in reminders]
    assert headers == ["I morgen: Sunday hot seats", "Om 1 time: Sunday hot seats", "Starter nå: Sunday hot seats"]
    assert "Jeg har holdt av en plass til deg." in text_of(reminders[0])
