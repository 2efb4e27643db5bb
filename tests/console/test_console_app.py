"""The console on the real app: a form the bot turns down opens again with the answers kept, and
a calendar invite lands in the files folder, named in the chat."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.platforms.console import ConsolePlatform
from tests.kits.console import type_lines


async def test_a_form_the_bot_turns_down_opens_again_with_the_answers_kept(
    console_app: tuple[App, ConsolePlatform, list[str]],
) -> None:
    _, console, out = console_app
    await type_lines(console, "/as creator", "/live schedule", "Hot seats", "2026-11-30", "25:00", "", "", "", "")
    refusal = len(out)
    assert "Scheduled" not in "\n".join(out)

    refused = out[refusal - 1]
    assert refused.endswith("Change it and send again")
    await type_lines(console, refused.rsplit("[", 1)[1].split("]", 1)[0])  # the button's number
    assert out[-1] == "Title (e.g. Pricing clinic; Enter keeps: Hot seats)"
    await type_lines(console, "", "", "17:00", "", "", "", "")
    after = "\n".join(out[refusal:])
    assert "Start time (HH:MM) (e.g. 17:00; Enter keeps: 25:00)" in after
    assert "Scheduled #1 *Hot seats* for Mon 30 Nov, 17:00 CET" in after

    # Found as an outsider: once sent, the form started from the last answers, so Enter all the way
    # through scheduled the same session again. Sent, it starts afresh.
    await type_lines(console, "/live schedule")
    assert out[-1] == "Title (e.g. Pricing clinic)"


async def test_a_calendar_invite_is_written_to_the_files_folder(
    console_app: tuple[App, ConsolePlatform, list[str]], tmp_path: Path
) -> None:
    _, console, out = console_app
    await type_lines(console, "/as creator", "/live schedule 2026-11-30 17:00 Europe/Oslo 60 | Hot seats", "/as Alex")
    choice = next(line for line in out if "Add to calendar" in line)
    number = choice.split("Add to calendar")[0].rsplit("[", 1)[1].rstrip("] ")
    await type_lines(console, number)
    files = list((tmp_path / "membot-files").glob("*.ics"))
    assert len(files) == 1 and files[0].read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert f"{files[0].name}, " in "\n".join(out)


async def test_bea_cannot_press_the_intake_button_in_alexs_welcome(
    console_app: tuple[App, ConsolePlatform, list[str]],
) -> None:
    """Found as an outsider: Bea typing `1` pressed the first button of Alex's welcome DM and got
    the intake form; it is Alex's to press, and Bea's own welcome has its own numbers."""
    _, console, out = console_app
    await type_lines(console, "/as Alex", "/as Bea", "1")
    assert out[-1] == "[1] was shown to Alex, not to you: /as Alex to press it."
    theirs = next(line for line in reversed(out) if "Answer 7 quick questions" in line)
    number = theirs.split("] Answer 7 quick questions")[0].rsplit("[", 1)[1]
    await type_lines(console, number)
    assert out[-2].startswith("** A few quick questions **")
