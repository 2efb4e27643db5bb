"""The intake questions in the creator's words (`[intake]` in community.toml), and generic ones without.

Found as an outsider: a knitting club asked every member "Where is your business today?" with levels
from "Idea stage" to "Scaling a team", and a creator could not change that.
"""

from __future__ import annotations

import re

import pytest

from bot.app import App
from bot.community.intake import Intake
from bot.community.loader import load_community
from bot.i18n import Catalog
from bot.messages import Form
from bot.platforms.memory import MemoryPlatform
from bot.settings import REPO_ROOT
from tests.conftest import EditedApp
from tests.kits.members import become_member
from tests.onboarding.test_onboarding import GOOD

KNITTING = """[intake]
why_hint = "I want to finish a sweater {at last}"
level = "How long have you been knitting?"
levels = ["Just cast on", "A few scarves", "Sweaters and socks", "Lace and colourwork", "I design patterns"]
"""


def _own_intake(text: str) -> str:
    found = re.search(r"(?ms)^\[intake\]\n.*?(?=^\[)", text)
    assert found, "the sample's [intake] changed shape"
    return text.replace(found[0], KNITTING + "\n")


@pytest.fixture
async def knitting_app(edited_app: EditedApp) -> App:
    return await edited_app(_own_intake)


def field(form: Form, name: str):  # type: ignore[no-untyped-def]
    return next(f for f in form.fields if f.name == name)


async def test_the_form_and_the_creators_note_use_the_creators_words(knitting_app: App, memory: MemoryPlatform) -> None:
    await become_member(memory, "u1", "Dana Smith")
    [form] = (await memory.command("u1", "start")).forms
    level = field(form, "level")
    assert level.label == "How long have you been knitting?"
    assert [o.label for o in level.options] == [
        "1: Just cast on",
        "2: A few scarves",
        "3: Sweaters and socks",
        "4: Lace and colourwork",
        "5: I design patterns",
    ]
    assert field(form, "why").placeholder == "I want to finish a sweater {at last}"  # braces are the creator's text
    assert field(form, "goal").label == "What do you want to achieve in the next 3 months?"  # not given: built in
    await memory.command("creator", "help")
    await memory.submit("u1", "onboard.intake", GOOD)
    await knitting_app.settle()
    notes = [m for m in memory.dms_to("creator") if "told you why" in m.text or "Dana" in m.text]
    assert any("*Stage:* 2: A few scarves" in getattr(b, "text", "") for m in notes for b in m.blocks)


def test_without_intake_the_built_in_questions_are_not_about_a_business() -> None:
    catalog = Catalog.load(REPO_ROOT / "prompts")
    template = load_community(REPO_ROOT / "bot" / "community" / "template")
    assert template.config.intake == Intake()  # `membot init` leaves it to the built-in wording
    for locale in catalog.locales:
        t = catalog.with_overrides(template.config.intake.templates()).for_locale(locale)
        words = " ".join(
            t(key) for key in ("onboarding.intake.why_hint", "onboarding.intake.goal_hint", "onboarding.intake.level")
        )
        words += " ".join(t(f"onboarding.levels.l{n}") for n in range(1, 6))
        for business in (
            "business",
            "client",
            "kunde",
            "bedrift",
            "virksomhed",
            "klant",
            "bedrijf",
            "客户",
            "事业",
            "团队",
        ):
            assert business not in words.lower(), (locale, business)


def test_five_short_levels_or_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"give exactly 5 levels, lowest first \(there are 2\)"):
        Intake.model_validate({"levels": ["one", "two"]})
    with pytest.raises(ValueError, match="each level is 1 to 70 characters"):
        Intake.model_validate({"levels": ["a", "b", "c", "d", "x" * 71]})
