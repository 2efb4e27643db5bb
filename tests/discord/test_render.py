"""Neutral messages -> Discord embeds and components, checked against golden dicts."""

from __future__ import annotations

import pytest

from bot.i18n import Catalog
from bot.messages import (
    Button,
    Buttons,
    Context,
    Divider,
    Fields,
    Form,
    FormField,
    Header,
    Image,
    Option,
    OutboundMessage,
    Section,
    Select,
    text_message,
)
from bot.notices.content import ContentPiece
from bot.platforms.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    decode_custom_id,
    encode_custom_id,
    markdown,
    render_form,
    render_message,
)
from bot.services.content.editing import parse_changes
from bot.services.intake import parse_answers
from bot.settings import REPO_ROOT
from bot.views.content import add_form, edit_form
from bot.views.live import schedule_form
from bot.views.onboarding import intake_form

WELCOME = OutboundMessage(
    text="Welcome, Dana!",
    blocks=(
        Header("Welcome to Strategy Club, Dana"),
        Section("I'm *so* glad you're here. Read <https://example.com/start|the start guide>."),
        Divider(),
        Section("Your first drop arrives Sat 21 Nov, 10:00 CET."),
        Buttons(
            (
                Button("What's next", action_id="content.next", style="primary"),
                Button("Library", action_id="library.browse"),
                Button("Help", action_id="help.show"),
            )
        ),
        Context("- Maya"),
    ),
)


def test_welcome_becomes_one_embed_with_a_row_of_buttons() -> None:
    rendered = render_message(WELCOME)
    assert rendered.content is None
    assert rendered.embed is not None and rendered.view is not None
    assert rendered.embed.to_dict() == {
        "type": "rich",
        "flags": 0,
        "color": 0x5865F2,
        "title": "Welcome to Strategy Club, Dana",
        "description": "I'm **so** glad you're here. Read [the start guide](https://example.com/start).\n\n"
        "Your first drop arrives Sat 21 Nov, 10:00 CET.",
        "footer": {"text": "- Maya"},
    }
    assert rendered.view.to_components() == [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 1, "disabled": False, "label": "What's next", "custom_id": "content.next"},
                {"type": 2, "style": 2, "disabled": False, "label": "Library", "custom_id": "library.browse"},
                {"type": 2, "style": 2, "disabled": False, "label": "Help", "custom_id": "help.show"},
            ],
        },
    ]


def test_plain_text_is_sent_as_content_without_an_embed() -> None:
    rendered = render_message(text_message("Sorry: *that* did not work."))
    assert rendered.embed is None and rendered.view is None
    assert rendered.content == "Sorry: **that** did not work."


def test_fields_image_select_and_link_button() -> None:
    message = OutboundMessage(
        text="Live Q&A",
        blocks=(
            Header("Live Q&A"),
            Fields((("When", "Thu 17:00"), ("Where", "<https://zoom.example/j/1|Zoom>"))),
            Image("https://cdn.example/a.png", "chart"),
            Image("https://cdn.example/b.png", "second chart"),
            Buttons(
                (
                    Button("RSVP", action_id="qa.rsvp:42", value="yes", style="danger"),
                    Button("Open", url="https://zoom.example/j/1"),
                )
            ),
            Select("qa.topic", "Pick a topic", (Option("Pricing", "pricing"), Option("Hiring", "hiring"))),
        ),
    )
    rendered = render_message(message)
    embed = rendered.embed.to_dict()
    assert embed["fields"] == [
        {"name": "When", "value": "Thu 17:00", "inline": True},
        {"name": "Where", "value": "[Zoom](https://zoom.example/j/1)", "inline": True},
    ]
    assert embed["image"] == {"url": "https://cdn.example/a.png"}
    assert embed["description"] == "[second chart](https://cdn.example/b.png)"
    assert rendered.view.to_components() == [
        {
            "type": 1,
            "components": [
                {"type": 2, "style": 4, "disabled": False, "label": "RSVP", "custom_id": "qa.rsvp:42 yes"},
                {"type": 2, "style": 5, "disabled": False, "label": "Open", "url": "https://zoom.example/j/1"},
            ],
        },
        {
            "type": 1,
            "components": [
                {
                    "type": 3,
                    "custom_id": "qa.topic",
                    "min_values": 1,
                    "max_values": 1,
                    "disabled": False,
                    "required": True,
                    "placeholder": "Pick a topic",
                    "options": [
                        {"label": "Pricing", "value": "pricing", "default": False},
                        {"label": "Hiring", "value": "hiring", "default": False},
                    ],
                },
            ],
        },
    ]


def test_buttons_wrap_at_five_per_row_and_repeats_are_dropped() -> None:
    buttons = tuple(Button(f"Item {n}", action_id=f"library.open:{n}") for n in range(7))
    message = OutboundMessage(text="x", blocks=(Section("pick"), Buttons((*buttons, buttons[0]))))
    rows = render_message(message).view.to_components()
    assert [len(r["components"]) for r in rows] == [5, 2]
    ids = [c["custom_id"] for r in rows for c in r["components"]]
    assert len(ids) == len(set(ids)) == 7


def test_limits_are_enforced_by_truncating() -> None:
    long = "word " * 2000
    embed = render_message(OutboundMessage(text="t", blocks=(Header("H" * 300), Section(long)))).embed
    assert len(embed.title) == 256 and embed.title.endswith("…")
    assert len(embed.description) <= DESCRIPTION_LIMIT and embed.description.endswith("…")
    assert len(embed) <= 6000
    content = render_message(text_message(long)).content
    assert len(content) == CONTENT_LIMIT


def test_role_mention_prefix_goes_in_content() -> None:
    assert render_message(WELCOME, prefix="<@&1> ").content == "<@&1>"
    assert render_message(text_message("New drop"), prefix="<@&1> ").content == "<@&1> New drop"


def test_custom_ids_round_trip_and_reject_what_does_not_fit() -> None:
    assert decode_custom_id(encode_custom_id("qa.rsvp:42", "maybe later")) == ("qa.rsvp:42", "maybe later")
    assert decode_custom_id("content.next") == ("content.next", "")
    assert decode_custom_id("someone-elses-button") is None
    with pytest.raises(ValueError):
        encode_custom_id("qa.rsvp:42", "x" * 95)


def test_markdown_subset() -> None:
    assert markdown("*bold* _it_ `code` <https://a.b>") == "**bold** _it_ `code` https://a.b"
    assert markdown("* a bullet, 2 * 3") == "* a bullet, 2 * 3"


def test_form_becomes_a_modal() -> None:
    form = Form(
        form_id="qa.ask",
        title="Ask Maya a question before Thursday's live session",
        fields=(
            FormField("question", "Your question", kind="multiline", placeholder="What should I…"),
            FormField("topic", "Topic", kind="select", options=(Option("Pricing", "pricing"),), required=False),
        ),
    )
    assert render_form(form).to_dict() == {
        "custom_id": "qa.ask",
        "title": "Ask Maya a question before Thursday's live s…",
        "components": [
            {
                "type": 18,
                "label": "Your question",
                "component": {
                    "type": 4,
                    "style": 2,
                    "label": None,
                    "custom_id": "question",
                    "required": True,
                    "placeholder": "What should I…",
                    "max_length": 4000,
                },
            },
            {
                "type": 18,
                "label": "Topic",
                "component": {
                    "type": 3,
                    "custom_id": "topic",
                    "min_values": 1,
                    "max_values": 1,
                    "disabled": False,
                    "required": False,
                    "options": [{"label": "Pricing", "value": "pricing", "default": False}],
                },
            },
        ],
    }


def test_a_form_longer_than_five_fields_is_not_a_modal() -> None:
    form = Form("x.y", "Long", tuple(FormField(f"f{n}", f"F{n}") for n in range(6)))
    with pytest.raises(ValueError):
        render_form(form)


def test_the_intake_keeps_its_essential_questions_in_a_discord_modal() -> None:
    """Found as an outsider: the intake has seven questions, so it never opened on Discord, and the
    fallback's "type /start" opened the same form again."""
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    form = intake_form(t, "Europe/Oslo")
    assert len(form.fields) > 5
    inputs = [row["component"]["custom_id"] for row in render_form(form).to_dict()["components"]]
    assert inputs == ["why", "goal", "level", "time_of_day", "drops"]
    answers = parse_answers(
        {"why": "steady clients", "goal": "three clients", "level": "2", "time_of_day": "morning", "drops": "dm-every"}
    )
    assert (answers.format, answers.timezone, answers.delivery) == ("mixed", None, "dm")


def test_the_creators_long_forms_open_as_discord_modals() -> None:
    """Found as an outsider: `/live schedule`, `/drop add` and `/drop edit SLUG` have six or seven
    fields, so on Discord they never opened and the creator got the one-line syntax instead."""
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    item = ContentPiece(1, "hot-seats", "Hot seats", "live", levels=(2,), topics=("pricing",), teaser="Bring one offer")
    forms = {
        "schedule": (schedule_form(t, "Europe/Oslo", "2026-11-27"), ["title", "date", "time", "duration", "link"]),
        "add": (add_form(t, ("mini-training", "live")), ["title", "kind", "levels", "url", "body"]),
        "edit": (edit_form(item, t), ["slug", "title", "teaser", "url", "levels"]),
    }
    for form, expected in forms.values():
        assert len(form.fields) > 5
        assert [row["component"]["custom_id"] for row in render_form(form).to_dict()["components"]] == expected
    # What the edit modal leaves out stays as it is; what the schedule modal leaves out takes its default.
    changes = parse_changes({"title": "Hot seats, live", "teaser": "", "url": "", "levels": "2"})
    assert changes.topics is None and changes.title == "Hot seats, live"


def test_a_form_stops_answers_longer_than_the_service_takes() -> None:
    """Found as an outsider: a 600-character "why" passed the form and was turned down afterwards,
    with the other answers; the form itself now stops at the service's limit."""
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    inputs = {
        row["component"]["custom_id"]: row["component"]
        for row in render_form(intake_form(t, "UTC")).to_dict()["components"]
    }
    assert (inputs["why"]["max_length"], inputs["goal"]["max_length"]) == (500, 200)  # a short input holds 200
