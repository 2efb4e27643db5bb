"""How live Q&A sessions look in chat: announcements, reminders, lists, forms. Pure functions.

Channel posts and DMs are views of the notices in `bot.notices.live` (gathered in `VIEWS`);
the rest are the replies a handler gives one person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.messages import (
    Attachment,
    Block,
    Button,
    Buttons,
    Context,
    Form,
    FormField,
    Header,
    OutboundMessage,
    Section,
)
from bot.notices import Notice
from bot.notices.content import ContentPiece
from bot.notices.live import (
    Asked,
    Attendee,
    QuestionDigest,
    RecordingForRsvp,
    RecordingPosted,
    RecordingTeaser,
    RsvpCanceled,
    RsvpMoved,
    SessionAnnounced,
    SessionCanceled,
    SessionInfo,
    SessionLiveNow,
    SessionMoved,
    SessionReminder,
    Upcoming,
)
from bot.views.common import first_name, local_time
from bot.views.live import parts, series

SCHEDULE_FORM = "qa.schedule"
MAX_LISTED = 50


# -- posts in the live channel ------------------------------------------------------------


def announcement(notice: SessionAnnounced, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live = notice.session
    values = parts.values(live, tz, t)
    return parts.message(
        t("live.announce.fallback", **values),
        Header(t("live.announce.header", **values)),
        Section(t("live.announce.when", **values)),
        Section(live.description) if live.description else None,
        parts.buttons(parts.rsvp(live, t), parts.calendar(live, t)),
        Context(t("live.announce.context", **values)),
    )


def live_now_post(notice: SessionLiveNow, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live = notice.session
    text = t("live.now.post", title=live.title)
    return parts.message(text, Section(text), parts.buttons(parts.here(live, t)))


def moved_post(notice: SessionMoved, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live = notice.session
    text = t("live.moved.post", old=local_time(notice.old_start, tz, t), **parts.values(live, tz, t))
    return parts.message(text, Section(text), parts.buttons(parts.rsvp(live, t), parts.calendar(live, t)))


def canceled_post(notice: SessionCanceled, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live = notice.session
    text = t("live.canceled.post", **parts.values(live, tz, t))
    return parts.message(text, Section(text))


def recording_post(notice: RecordingPosted, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    text = t("live.recording.post", title=notice.session.title)
    return parts.message(
        text,
        Section(text),
        parts.buttons(
            Button(t("live.buttons.watch"), url=notice.url),
            Button(t("live.buttons.library"), action_id=f"library.open:{notice.item_id}"),
        ),
    )


# -- direct messages ----------------------------------------------------------------------


def reminder(notice: SessionReminder, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live, label = notice.session, notice.label
    values = parts.values(live, tz, t)
    starting = label == "start"
    return parts.message(
        t(f"live.remind.{label}.header", **values),
        Header(t(f"live.remind.{label}.header", **values)),
        Section(t(f"live.remind.{label}.body", **values)),
        parts.buttons(
            parts.join(live, t),
            parts.here(live, t) if starting else None,
            parts.calendar(live, t) if label == "24h" else None,
            None if starting else parts.unrsvp(live, t),
        ),
        None if starting else Context(t("live.remind.ask_hint", **values)),
    )


def digest(notice: QuestionDigest, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live, questions, rsvps = notice.session, notice.questions, notice.rsvps
    values = parts.values(live, tz, t)
    counted = t.plural("live.count.rsvps", rsvps)
    summary = (
        t.plural("live.digest.summary", len(questions), rsvps=counted, **values)
        if questions
        else t("live.digest.none", rsvps=counted, **values)  # not "0 questions so far:" and nothing after it
    )
    lines = [t("live.digest.line", number=n, text=q) for n, q in enumerate(questions[:MAX_LISTED], start=1)]
    return parts.message(
        summary,
        Header(t("live.digest.header", **values)),
        Section(summary),
        Section("\n".join(lines)) if lines else None,
        _more(len(questions), t),
    )


def moved_dm(notice: RsvpMoved, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live = notice.session
    text = t("live.moved.dm", old=local_time(notice.old_start, tz, t), **parts.values(live, tz, t))
    return parts.message(text, Section(text), parts.buttons(parts.calendar(live, t), parts.unrsvp(live, t)))


def canceled_dm(notice: RsvpCanceled, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    live = notice.session
    text = t("live.canceled.dm", **parts.values(live, tz, t))
    return parts.message(text, Section(text))


def recording_dm(notice: RecordingForRsvp, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    key = "live.recording.attended" if notice.attended else "live.recording.missed"
    text = t(key, title=notice.session.title)
    return parts.message(
        text,
        Section(text),
        Section(notice.teaser) if notice.teaser else None,
        parts.buttons(Button(t("live.buttons.watch"), url=notice.url, style="primary")),
    )


def recording_teaser(notice: RecordingTeaser, t: Translator, tz: ZoneInfo) -> OutboundMessage:
    """The library blurb of a recording shared without a description (stored, not sent)."""
    return OutboundMessage(text=t("live.recording.teaser", when=local_time(notice.starts_at, tz, t)))


# -- replies to one person ----------------------------------------------------------------


def _reminders(key: str, ahead: Sequence[str], t: Translator) -> str:
    """What `ahead` (the labels of `rules.reminders_ahead`) promises, as one sentence of `key`."""
    which = {("24h", "1h", "start"): "all", ("1h", "start"): "hour", ("start",): "start"}.get(tuple(ahead), "none")
    return t(f"{key}.{which}")


def scheduled_reply(
    live: SessionInfo,
    t: Translator,
    tz: ZoneInfo,
    channel: str,
    ahead: Sequence[str],
    *,
    clock_change: str | None = None,
    typed: str = "",
    clash: SessionInfo | None = None,
) -> OutboundMessage:
    """`clock_change`: the time typed fell in an hour a clock change skips or repeats (`rules.clock_change`);
    `clash`: another session already at that time."""
    values = parts.values(live, tz, t)
    reminders = _reminders("live.scheduled_reminders", ahead, t)
    text = t("live.scheduled", channel=channel, link=live.link or t("live.no_link"), reminders=reminders, **values)
    if clock_change is not None:
        text += "\n" + t(f"live.clock_{clock_change}", typed=typed.strip(), **values)
    if clash is not None:
        other = parts.values(clash, tz, t)
        text += "\n" + t("live.clash", other_id=clash.id, other_title=clash.title, other_when=other["when"], **values)
    return parts.message(text, Section(text), Context(t("live.scheduled_hint", **values)))


def rsvp_reply(
    live: SessionInfo, t: Translator, tz: ZoneInfo, *, new: bool, ahead: Sequence[str], running: bool = False
) -> OutboundMessage:
    """`ahead`: the reminders still to come (`rules.reminders_ahead`); only those are promised.
    `running`: the session has started, so the reply points at the join link instead of "see you at"."""
    values = parts.values(live, tz, t)
    if running:
        text = t("live.rsvp.running" if live.link else "live.rsvp.running_no_link", **values)
        return parts.message(text, Section(text), parts.buttons(parts.join(live, t)))
    reminders = _reminders("live.rsvp.remind", ahead, t)
    text = t("live.rsvp.new" if new else "live.rsvp.already", reminders=reminders, **values).strip()
    return parts.message(
        text,
        Section(text),
        parts.buttons(parts.join(live, t), parts.calendar(live, t), parts.unrsvp(live, t)),
        Context(t("live.rsvp.hint", **values)),
    )


def here_reply(live: SessionInfo, t: Translator, *, new: bool) -> OutboundMessage:
    text = t("live.here.new" if new else "live.here.already", title=live.title)
    return parts.message(text, Section(text), parts.buttons(parts.join(live, t)))


def calendar_file(summary: str, file: Attachment, t: Translator) -> OutboundMessage:
    text = t("live.calendar.file", summary=summary)
    return OutboundMessage(text=text, blocks=(Section(text),), attachment=file)


def calendar_links(t: Translator, *, google: str, outlook: str) -> OutboundMessage:
    text = t("live.calendar.links")
    return parts.message(
        text,
        Section(text),
        parts.buttons(Button(t("live.buttons.google"), url=google), Button(t("live.buttons.outlook"), url=outlook)),
    )


def upcoming_list(
    rows: Sequence[Upcoming],
    t: Translator,
    tz: ZoneInfo,
    *,
    staff: bool,
    live_drops: Sequence[ContentPiece] = (),
    member: bool = True,
) -> OutboundMessage:
    """The sessions to come; with none, the live sessions queued as weekly drops (what `/next` shows).
    Someone who is not a member (never was, or no longer) sees them without RSVP buttons, and how to join."""
    if not rows:
        text = t("live.list.empty_staff" if staff else "live.list.empty")
        if live_drops:
            lines = [
                t("live.list.drop_line", title=d.title, when=local_time(d.publish_at, tz, t))
                for d in live_drops
                if d.publish_at is not None
            ]
            text = "\n".join(
                [
                    t("live.list.from_drops"),
                    *lines,
                    t("live.list.drops_hint_staff" if staff else "live.list.drops_hint"),
                ]
            )
        return parts.message(text, Section(text))
    lines = []
    for row in rows:
        values = parts.values(row.session, tz, t)
        if row.running:
            values["when"] = t("live.list.running", when=values["when"])
        key = "live.list." + ("staff_" if staff else "") + ("line_going" if row.going else "line")
        rsvps, questions = t.plural("live.count.rsvps", row.rsvps), t.plural("live.count.questions", row.questions)
        lines.append(t(key, rsvps=rsvps, questions=questions, **values))
    header = t("live.list.header")
    rsvp_buttons = [
        Button(  # with the list's #id: a weekly series lists the same title several times
            t("live.buttons.rsvp_to", id=r.session.id, title=parts.short(r.session.title)),
            action_id=f"qa.rsvp:{r.session.id}",
        )
        for r in rows
        if not r.going and member
    ][:5]
    hint = Context(t("live.list.hint" if member else "live.errors.members_only"))
    return parts.message(header, Header(header), Section("\n".join(lines)), parts.buttons(*rsvp_buttons), hint)


def questions_list(live: SessionInfo, asked: Sequence[Asked], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    values = parts.values(live, tz, t)
    header = t.plural("live.questions.header", len(asked), **values)
    if not asked:
        return parts.message(header, Header(header), Section(t("live.questions.none", **values)))
    someone = t("live.questions.someone")
    lines = [
        t("live.questions.line", number=a.number, text=a.text, asker=first_name(a.asker) if a.asker else someone)
        for a in asked[:MAX_LISTED]
    ]
    return parts.message(header, Header(header), Section("\n".join(lines)), _more(len(asked), t))


def attendance_list(live: SessionInfo, rows: Sequence[Attendee], t: Translator, tz: ZoneInfo) -> OutboundMessage:
    values = parts.values(live, tz, t)
    came = sum(r.attended for r in rows)
    header = t("live.attendance.header", came=came, total=len(rows), **values)
    if not rows:
        return parts.message(header, Header(header), Section(t("live.attendance.none", **values)))
    lines = [
        t("live.attendance.came" if r.attended else "live.attendance.rsvped", name=r.name) for r in rows[:MAX_LISTED]
    ]
    buttons = [
        Button(t("live.buttons.mark", name=parts.short(first_name(r.name), 20)), f"qa.mark:{live.id}-{r.member_id}")
        for r in rows
        if not r.attended
    ][:10]
    hint = Context(t("live.attendance.hint", **values))
    return parts.message(header, Header(header), Section("\n".join(lines)), parts.buttons(*buttons), hint)


def next_blocks(live: SessionInfo, t: Translator, tz: ZoneInfo) -> tuple[Block, ...]:
    """What `/next` adds about the next live session."""
    return (
        Section(t("live.next", **parts.values(live, tz, t))),
        Buttons((parts.rsvp(live, t), parts.calendar(live, t))),
    )


def usage(t: Translator, *, staff: bool, creator: bool, date: str) -> OutboundMessage:
    """What `/live` can do for this reader; `date` is the day the creator's examples name (one ahead)."""
    sections = [t("live.usage.member")]
    if staff:
        sections.append(t("live.usage.moderator"))
    if creator:
        sections.append(t("live.usage.creator", date=date))
    header = t("live.usage.header")
    return parts.message(header, Header(header), *(Section(p) for p in sections))


def schedule_form(t: Translator, zone: str, date: str) -> Form:
    """The form behind `/live schedule`; `date` is the example date, one ahead."""
    return Form(
        form_id=SCHEDULE_FORM,
        title=t("live.form.title"),
        submit_label=t("live.form.submit"),
        fields=(
            FormField("title", t("live.form.name"), placeholder=t("live.form.name_hint")),
            FormField("date", t("live.form.date"), placeholder=date),
            FormField("time", t("live.form.time"), placeholder="17:00"),
            FormField("zone", t("live.form.zone"), initial=zone),
            FormField("duration", t("live.form.duration"), kind="number", initial="60"),
            FormField("link", t("live.form.link"), required=False, placeholder="https://"),
            FormField("description", t("live.form.description"), kind="multiline", required=False),
        ),
        essential=("title", "date", "time", "duration", "link"),  # the zone is the community's; no description
    )


def _more(total: int, t: Translator) -> Context | None:
    return Context(t("live.more", count=total - MAX_LISTED)) if total > MAX_LISTED else None


def with_next_session(
    message: OutboundMessage, live: SessionInfo | None, t: Translator, tz: ZoneInfo
) -> OutboundMessage:
    """`/next` plus a line about the next live session, when there is one."""
    if live is None:
        return message
    return OutboundMessage(text=message.text, blocks=(*message.blocks, *next_blocks(live, t, tz)))


def calendar_wording(live: SessionInfo, community: str, t: Translator) -> tuple[str, str]:
    """A calendar event's summary and description (the session's own description when it has one)."""
    summary = t("live.calendar.summary", title=live.title, community=community)
    return summary, live.description or t("live.calendar.description", community=community)


VIEWS: dict[type[Notice], Callable[..., OutboundMessage]] = {
    SessionAnnounced: announcement,
    SessionLiveNow: live_now_post,
    SessionMoved: moved_post,
    SessionCanceled: canceled_post,
    RecordingPosted: recording_post,
    SessionReminder: reminder,
    QuestionDigest: digest,
    RsvpMoved: moved_dm,
    RsvpCanceled: canceled_dm,
    RecordingForRsvp: recording_dm,
    RecordingTeaser: recording_teaser,
    **series.VIEWS,
}
