"""/stats, /stats cohorts, /stats forecast and /members at-risk in chat, on the real app with the memory platform."""

from __future__ import annotations

import threading
from collections.abc import Mapping

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.messages import Buttons, Fields, OutboundMessage
from bot.notices.analytics import Snapshot
from bot.platforms.memory import MemoryPlatform
from bot.views import charts
from storage.models import Activity, FaqQuestion, Member, Membership, Tier
from tests.kits.analytics import add_member, ago, check_png, membership_dataset


def fields(message: OutboundMessage) -> dict[str, str]:
    found: dict[str, str] = {}
    for block in message.blocks:
        if isinstance(block, Fields):
            found.update(dict(block.items))
    return found


def body(message: OutboundMessage) -> str:
    return "\n".join(getattr(b, "text", "") for b in message.blocks)


async def test_stats_answers_with_exact_figures_and_a_chart(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await membership_dataset(app.database, app.services.community)
    reply = await memory.command("creator", "stats")
    message, ephemeral = reply.replies[0]
    assert ephemeral  # revenue is for the creator's eyes only
    shown = fields(message)
    assert shown["Members"] == "8 (+0 since the start)"
    assert shown["New members"] == "4"
    assert shown["Churned"] == "4 (2 canceled, 2 failed payment)"
    assert shown["Retention over 30 days"] == "62% (5 of 8 stayed)"
    assert shown["MRR"] == "$265.83 (-$49)"
    assert shown["Founding members"] == "1"
    assert shown["Trial conversion"] == "50% (2 of 4)"
    assert shown["Weekly active"] == "0 of 8 (0%)"  # of the members, as "Members" counts them
    assert shown["FAQ deflection"] == "–"
    assert message.text.startswith("Strategy Club: 8 members, MRR $265.83")
    assert message.attachment is not None and message.attachment.mime == "image/png"
    assert check_png(message.attachment.data) == (1100, 700)
    footer = getattr(message.blocks[-1], "text", "")  # found as an outsider: "Since 2026-10-31" in every language
    assert footer.startswith("Since 21 Oct 2026 ·"), footer


async def test_stats_is_for_the_creator_and_explains_itself(app: App, memory: MemoryPlatform) -> None:
    await memory.join("u1", "Dana Smith")
    assert "for the creator" in (await memory.command("u1", "stats")).texts[0]
    assert "/stats cohorts" in (await memory.command("creator", "stats", "what")).texts[0]
    assert "between 1 and 365" in (await memory.command("creator", "stats", "400")).texts[0]
    for typed in ("-5", "0", "−5"):  # found as an outsider: "-5" got the usage, as if an unknown word
        said = (await memory.command("creator", "stats", typed)).texts
        assert said == ["Pick a number of days between 1 and 365."], typed
    assert "between 1 and 24" in (await memory.command("creator", "stats", "forecast 99")).texts[0]
    help_text = body((await memory.command("creator", "help")).replies[0][0])
    assert "`/members at-risk`" in help_text and "`/stats [days]`" in help_text


async def test_cohorts_and_forecast(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await membership_dataset(app.database, app.services.community)
    cohorts = (await memory.command("creator", "stats", "cohorts 4")).replies[0][0]
    # Found as an outsider: months read "2026-08" in every language; the reader's way now.
    assert "Aug 2026: 2 joined, 50% still members" in body(cohorts)
    assert "Nov 2026: 2 joined, 50% still members" in body(cohorts)
    assert cohorts.attachment is not None
    check_png(cohorts.attachment.data)

    forecast = (await memory.command("creator", "stats", "forecast 2")).replies[0][0]
    table = body(forecast)
    # 8 members, +4 a month, churn 1 − 5/8; revenue per member 265.83 ÷ 8
    lines = [line for line in table.splitlines() if line.startswith(("Nov", "Dec", "Jan", "Month"))]
    assert [line.split() for line in lines] == [
        ["Month", "Members", "Revenue"],
        ["Nov", "2026", "(now)", "8", "$265.83"],  # "next 2 months" and where they start from
        ["Dec", "2026", "9", "$299.06"],  # 8 × 0.625 + 4 = 9 members × 33.22875
        ["Jan", "2027", "10", "$319.83"],  # 9 × 0.625 + 4 = 9.625 members: people are counted whole
    ]
    # The columns line up under their headings (numbers to the right), and no "4.0 new members".
    two_columns = [len(line.rstrip().rsplit(None, 1)[0]) for line in lines]  # where the Members column ends
    assert set(two_columns) == {two_columns[0]} and {len(line) for line in lines} == {len(lines[0])}
    # "new members 4", not "4.0 new members" (nor, found as an outsider, "1 new members")
    assert "At the current pace, each month: new members 4, churn 38%; $33.23 per member" in table
    assert forecast.attachment is not None
    assert check_png(forecast.attachment.data) == (900, 450)


async def test_one_day_or_one_month_is_said_in_the_singular(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: `/stats 1` said "the last 1 days", `/stats forecast 1` "next 1 months"."""

    def header(message: OutboundMessage) -> str:
        return str(getattr(message.blocks[0], "text", ""))

    await memory.command("creator", "help")
    day = (await memory.command("creator", "stats", "1")).replies[0][0]
    assert header(day).endswith(": the last 1 day")
    assert day.text.endswith("in the last 1 day.")
    assert header((await memory.command("creator", "stats")).replies[0][0]).endswith(": the last 30 days")
    empty = await memory.command("creator", "stats", "cohorts 1")
    assert empty.texts == ["No members have joined in the last 1 month yet, so there is nothing to compare."]
    forecast = (await memory.command("creator", "stats", "forecast 1")).replies[0][0]
    assert header(forecast) == "Revenue forecast: next 1 month"
    assert forecast.text.endswith("a month in 1 month.")
    assert header((await memory.command("creator", "stats", "forecast 3")).replies[0][0]).endswith("next 3 months")
    await membership_dataset(app.database, app.services.community)
    cohorts = (await memory.command("creator", "stats", "cohorts 1")).replies[0][0]
    assert cohorts.text == "Cohort retention, last 1 month"


async def test_members_at_risk_explains_and_sends_a_personal_note(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    await memory.join("u1", "Dana Smith")
    await memory.join("u2", "Eli Park")
    await app.settle()
    async with app.database.session() as session:
        await session.execute(update(Member).where(Member.display_name == "Dana Smith").values(joined_at=ago(100)))
        dana = (
            await session.execute(
                update(Member)
                .where(Member.display_name == "Dana Smith")
                .values(last_active_at=ago(12))
                .returning(Member.id)
            )
        ).scalar_one()
        session.add_all(Activity(member_id=dana, kind="message", occurred_at=ago(20 + 2 * i)) for i in range(16))
        session.add(Activity(member_id=dana, kind="message", occurred_at=ago(12)))
        tier = (await session.scalars(select(Tier.id).where(Tier.key == "member"))).one()
        for mid in (
            await session.scalars(select(Member.id).where(Member.role == "member"))
        ).all():  # members, not visitors
            session.add(Membership(member_id=mid, tier_id=tier, status="active", started_at=ago(100)))

    reply = await memory.command("creator", "members", "at-risk")
    message = reply.replies[0][0]
    text = body(message)
    assert "*Dana Smith*: 42/100" in text
    assert "activity down 75%: 1 in the last 14 days, usually 4.0 (+30)" in text
    assert "quiet for 12 days (+12)" in text
    assert "Eli" not in text  # just joined: quiet for 0 days, no usual yet
    buttons = [b for block in message.blocks if isinstance(block, Buttons) for b in block.buttons]
    assert [b.action_id for b in buttons] == [f"analytics.note:{dana}"]

    refused = await memory.click("u2", f"analytics.note:{dana}")
    assert refused.texts == ["Only the creator can do that."] and not refused.forms

    opened = await memory.click("creator", f"analytics.note:{dana}")
    form = opened.forms[0]
    assert form.form_id == "analytics.note" and form.fields[0].initial == str(dana)
    sent = await memory.submit(
        "creator", "analytics.note", {"member_id": str(dana), "note": "Hi Dana, we miss you at the Thursday live!"}
    )
    assert sent.texts == ["Sent to Dana Smith. 💌 If they reply within a day, I'll pass it on to you."]
    await app.settle()
    note = memory.dms_to("u1")[-1]
    assert note.text == "A note from Maya Lindqvist\nHi Dana, we miss you at the Thursday live!"
    assert (
        (await memory.submit("creator", "analytics.note", {"member_id": str(dana), "note": "  "}))
        .texts[0]
        .startswith("The note is empty")
    )


async def test_members_inactive_still_belongs_to_engagement(app: App, memory: MemoryPlatform) -> None:
    await memory.command("creator", "help")
    assert "members" in app.router.commands and "stats" in app.router.commands
    assert "Nobody has been quiet" in (await memory.command("creator", "members", "inactive")).texts[0]
    one = await memory.command("creator", "members", "inactive 1")  # found as an outsider: "for 1 days"
    assert one.texts[0] == "Nobody has been quiet for a day or more. 🎉"


async def test_charts_are_drawn_off_the_event_loop(
    app: App, memory: MemoryPlatform, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    draw = charts.dashboard

    def spy(snapshot: Snapshot, labels: Mapping[str, str]) -> bytes:
        threads.append(threading.get_ident())
        return draw(snapshot, labels)

    monkeypatch.setattr(charts, "dashboard", spy)
    await memory.command("creator", "stats")
    assert threads and threads[0] != threading.get_ident()


async def test_a_chinese_reader_gets_charts_in_words_the_font_can_draw(
    app: App, memory: MemoryPlatform, recwarn: pytest.WarningsRecorder
) -> None:
    """Found as an outsider: with `/prefs language zh` every chart word was an empty box (no CJK font
    comes with matplotlib), and each missing glyph printed a warning into the console's chat."""
    await memory.command("creator", "help")
    await membership_dataset(app.database, app.services.community)
    await memory.command("creator", "prefs", "language zh")
    for args in ("", "forecast 2", "cohorts 4"):
        message = (await memory.command("creator", "stats", *([args] if args else []))).replies[0][0]
        assert message.attachment is not None and check_png(message.attachment.data)
    forecast = body((await memory.command("creator", "stats", "forecast 2")).replies[0][0])
    assert "月份" in forecast  # the message itself stays in Chinese
    assert [str(w.message) for w in recwarn if "missing from font" in str(w.message)] == []
    assert charts.drawable("Members, revenue: ø é") and not charts.drawable("会员")


async def test_a_chinese_report_page_keeps_its_words_and_draws_english_charts(
    app: App, recwarn: pytest.WarningsRecorder
) -> None:
    from bot.views.report import report_files

    await membership_dataset(app.database, app.services.community)
    community = app.services.community
    zh = app.services.catalog.for_locale("zh")
    files = await report_files(await app.services.analytics.report(), community.name, community.tz, zh, locale="zh")
    assert zh("analytics.chart.cohorts_title") in files["report.html"].decode("utf-8")
    assert all(check_png(files[name]) for name in ("stats.png", "cohorts.png", "forecast.png"))
    assert [str(w.message) for w in recwarn if "missing from font" in str(w.message)] == []


async def test_a_character_the_chart_font_lacks_is_left_out_not_warned_about(
    app: App, recwarn: pytest.WarningsRecorder
) -> None:
    """Found as an outsider: an emoji in the community's name printed "UserWarning: Glyph 127881
    missing from font(s)" into the console's chat, and drew a box in the chart's title."""
    from bot.views import analytics as views

    await membership_dataset(app.database, app.services.community)
    labels = views.chart_labels("Party Club 🎉", "usd", 30, app.services.catalog.for_locale("en"))
    check_png(await charts.dashboard_png(await app.services.analytics.snapshot(30), labels))
    check_png(await charts.forecast_png((await app.services.analytics.forecast(2)).months, labels, ["a 🎈", "b", "c"]))
    assert [str(w.message) for w in recwarn if "missing from font" in str(w.message)] == []
    assert charts.fitted("Party Club 🎉 ") == "Party Club" and charts.fitted("Årsmøte ø") == "Årsmøte ø"


async def test_stats_lists_only_topics_that_recur(app: App, memory: MemoryPlatform) -> None:
    """Found as an outsider: "Top unanswered topics" listed "krijg (1)" and "alert (1)", words of one
    Dutch question. A topic is a word in two unanswered questions from two people."""
    await memory.command("creator", "help")
    db, cid = app.database, app.services.community.id
    bea, cas, dee = [await add_member(db, cid, name) for name in ("Bea", "Cas", "Dee")]
    async with db.session() as session:
        session.add_all(
            FaqQuestion(community_id=cid, member_id=m, question=q, status=s, asked_at=ago(d))
            for m, q, s, d in (
                (bea, "Hoe krijg ik een alert als de live begint?", "unanswered", 1),
                (bea, "Can I get the recording?", "unanswered", 2),
                (bea, "Is the recording online yet?", "forwarded", 3),  # the same member again: not a topic
                (cas, "Is there an invoice for my company?", "unanswered", 4),
                (dee, "Where do I find my invoices?", "forwarded", 5),
            )
        )
    shown = fields((await memory.command("creator", "stats")).replies[0][0])
    assert shown["Top unanswered topics"] == "invoice (2)"
