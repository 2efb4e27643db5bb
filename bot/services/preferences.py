"""A member's preferences: how drops reach them, when, in which language, and whether to nudge."""

from __future__ import annotations

from datetime import time

from bot.clock import Clock
from bot.i18n_format import language_name
from bot.notices.member import CELEBRATE_CHOICES, Preferences
from bot.notices.onboarding import DROP_CHOICES
from bot.services.errors import UserError
from bot.services.intake import TIMES, check_zone
from storage.database import Database
from storage.repositories import members

DROPS = dict(
    zip(DROP_CHOICES, (("channel", "every"), ("dm", "every"), ("dm", "weekly")), strict=True)
)  # (delivery, digest)
CELEBRATE = CELEBRATE_CHOICES
SETTINGS = ("drops", "time", "timezone", "language", "nudges", "celebrate")

__all__ = ["CELEBRATE", "DROPS", "SETTINGS", "Preferences", "PreferencesService", "time_key"]


def time_key(value: time | None) -> str:
    return next((k for k, v in TIMES.items() if v == value), "any")


class PreferencesService:
    def __init__(self, database: Database, clock: Clock, locales: tuple[str, ...]) -> None:
        self._database = database
        self._clock = clock
        self._locales = locales

    async def get(self, member_id: int) -> Preferences:
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            prefs = await members.preferences(session, member_id)
            assert member is not None
            drops = "channel" if prefs.delivery == "channel" else f"dm-{prefs.digest}"
            return Preferences(
                drops, time_key(prefs.time_of_day), member.timezone, member.locale, prefs.nudges, prefs.celebrate
            )

    async def set(self, member_id: int, setting: str, value: str) -> Preferences:
        """Change one setting; a bad name or value is a UserError and changes nothing."""
        setting, value = setting.strip().lower(), value.strip()
        if setting != "timezone":  # "NB", "Evening", "On": the choices are words, not names to get right
            value = value.lower()
        if setting not in SETTINGS:
            raise UserError("prefs.errors.unknown", settings=", ".join(SETTINGS))
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            prefs = await members.preferences(session, member_id)
            assert member is not None
            if setting == "drops":
                if value not in DROPS:
                    raise UserError("prefs.errors.choice", setting=setting, choices=", ".join(DROPS))
                prefs.delivery, prefs.digest = DROPS[value]
            elif setting == "time":
                if value != "any" and value not in TIMES:
                    raise UserError("prefs.errors.choice", setting=setting, choices=", ".join((*TIMES, "any")))
                prefs.time_of_day = TIMES.get(value)
            elif setting == "timezone":
                member.timezone = check_zone(value)
            elif setting == "language":
                named = {language_name(locale).lower(): locale for locale in self._locales}  # "norsk bokmål"
                if value not in self._locales and value not in named:
                    choices = ", ".join(f"{locale} ({language_name(locale)})" for locale in self._locales)
                    raise UserError("prefs.errors.choice", setting=setting, choices=choices)
                member.locale = named.get(value, value)
            elif setting == "nudges":
                if value not in ("on", "off"):
                    raise UserError("prefs.errors.choice", setting=setting, choices="on, off")
                prefs.nudges = value == "on"
                if prefs.nudges:
                    await members.wake_nudges(session, member_id)
            else:
                if value not in CELEBRATE:
                    raise UserError("prefs.errors.choice", setting=setting, choices=", ".join(CELEBRATE))
                prefs.celebrate = value
        return await self.get(member_id)
