"""How weekly live series look in chat: the creator's replies and list, and what members are told
when a series is called off. Each occurrence is a session, worded by the session views."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import Context, Header, OutboundMessage, Section
from bot.notices import Notice
from bot.notices.live import SeriesCanceledForRsvp, SeriesEnded, SeriesInfo
from bot.views.common import local_time
from bot.views.live.parts import message
from bot.views.live.parts import values as session_values


def rule(series: SeriesInfo, t: Translator) -> str:
    """ "every Thursday at 17:00 (Europe/Oslo), 60 min", in the reader's language."""
    return t(
        "live.series.rule",
        day=t(f"live.series.days.{series.weekday}"),
        time=series.local_time.strftime("%H:%M"),
        zone=series.timezone,
        duration=series.duration_min,
    )


def _values(series: SeriesInfo, t: Translator) -> dict[str, object]:
    return {"id": series.id, "title": series.title, "rule": rule(series, t)}


def _occurrences(series: SeriesInfo, t: Translator, tz: ZoneInfo) -> str:
    lines = [t("live.series.next_line", **session_values(live, tz, t)) for live in series.next]
    lines += [t("live.series.skipped_line", **session_values(live, tz, t)) for live in series.skipped]
    return "\n".join(lines) or t("live.series.none_coming")


def created_reply(series: SeriesInfo, t: Translator, tz: ZoneInfo, *, channel: str, by_slot: bool) -> OutboundMessage:
    values = _values(series, t)
    text = t("live.series.created", **values)
    announced = t("live.series.announced_by_slot" if by_slot else "live.series.announced_ahead", channel=channel)
    return message(
        text,
        Section(text),
        Section(_occurrences(series, t, tz)),
        Context(announced + " " + t("live.series.hint", **values)),
    )


def series_list(rows: Sequence[SeriesInfo], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    header = t("live.series.header")
    if not rows:
        text = t("live.series.empty")
        return message(text, Section(text))
    sections = []
    for series in rows:
        values = _values(series, t)
        if not series.active:
            sections.append(Section(t("live.series.line_canceled", **values)))
            continue
        key = "live.series.line_file" if series.from_file else "live.series.line"
        sections.append(Section(t(key, **values) + "\n" + _occurrences(series, t, tz)))
    return message(header, Header(header), *sections, Context(t("live.series.list_hint")))


def ended_post(notice: SeriesEnded, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    text = t("live.series.ended_post", **_values(notice.series, t))
    return message(text, Section(text))


def canceled_dm(notice: SeriesCanceledForRsvp, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    whens = ", ".join(local_time(live.starts_at, tz, t) for live in notice.sessions)
    text = t.plural("live.series.canceled_dm", len(notice.sessions), whens=whens, **_values(notice.series, t))
    return message(text, Section(text))


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    SeriesEnded: ended_post,
    SeriesCanceledForRsvp: canceled_dm,
}
