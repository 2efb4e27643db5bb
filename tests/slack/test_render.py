"""render.py: golden Block Kit dicts, Slack's limits, and escaping of member-provided text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

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
)
from bot.platforms.slack.render import (
    ELLIPSIS,
    action_ids_in,
    decode_action_id,
    escape_mrkdwn,
    render_blocks,
    render_form,
    render_home,
    render_message,
    split_mrkdwn,
)
from bot.settings import REPO_ROOT
from bot.views.faq import entry_form
from bot.views.feedback import feedback_form
from bot.views.onboarding import intake_form


def test_message_golden() -> None:
    message = OutboundMessage(
        text="New drop: Pricing",
        blocks=(
            Header("New drop"),
            Section("*Pricing* for <https://example.com/p?a=1&b=2|workshops & retreats>"),
            Fields((("When", "Thu 17:00"), ("Where", "#live"))),
            Image("https://example.com/chart.png", "A chart"),
            Divider(),
            Buttons(
                (Button("RSVP", "qa.rsvp:42", value="yes", style="primary"), Button("Open", url="https://example.com"))
            ),
            Select("prefs.level", "Your stage", (Option("Idea", "1"), Option("Growing", "3"))),
            Context("Sent by Maya"),
        ),
    )
    assert render_message(message) == {
        "text": "New drop: Pricing",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "New drop", "emoji": True}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Pricing* for <https://example.com/p?a=1&amp;b=2|workshops &amp; retreats>",
                },
            },
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": "*When*\nThu 17:00"},
                    {"type": "mrkdwn", "text": "*Where*\n#live"},
                ],
            },
            {"type": "image", "image_url": "https://example.com/chart.png", "alt_text": "A chart"},
            {"type": "divider"},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "RSVP", "emoji": True},
                        "action_id": "qa.rsvp:42",
                        "value": "yes",
                        "style": "primary",
                    },
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open", "emoji": True},
                        "url": "https://example.com",
                        "action_id": "membot-link-1",
                    },
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "prefs.level",
                        "placeholder": {"type": "plain_text", "text": "Your stage", "emoji": True},
                        "options": [
                            {"text": {"type": "plain_text", "text": "Idea", "emoji": True}, "value": "1"},
                            {"text": {"type": "plain_text", "text": "Growing", "emoji": True}, "value": "3"},
                        ],
                    }
                ],
            },
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Sent by Maya"}]},
        ],
    }


def test_member_text_cannot_ping_everyone_or_mention() -> None:
    hostile = "hi <!channel> <!here|here> <!everyone> <@U0BOSS> <#C0SECRET> & a<b>c"
    escaped = escape_mrkdwn(hostile)
    assert "<!" not in escaped and "<@" not in escaped and "<#" not in escaped
    assert escaped == (
        "hi &lt;!channel&gt; &lt;!here|here&gt; &lt;!everyone&gt; &lt;@U0BOSS&gt; &lt;#C0SECRET&gt; &amp; a&lt;b&gt;c"
    )
    [block] = render_blocks((Section(hostile),))
    assert "<!" not in block["text"]["text"]
    assert "<!" not in render_message(OutboundMessage(text=hostile))["text"]


def test_link_label_cannot_smuggle_a_mention() -> None:
    assert escape_mrkdwn("<https://x.io|<!channel>>") == "&lt;https://x.io|&lt;!channel&gt;&gt;"
    assert escape_mrkdwn("see <https://x.io> now") == "see <https://x.io> now"
    assert escape_mrkdwn("<javascript:alert(1)|x>") == "&lt;javascript:alert(1)|x&gt;"


@given(st.text(alphabet=st.sampled_from(list("<>!&@#|:/ abchtps.")), max_size=80))
def test_no_special_mention_survives_escaping(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<!" not in escaped and "<@" not in escaped and "<#" not in escaped


def test_long_section_splits_at_line_breaks_within_3000_chars() -> None:
    paragraph = "word " * 100  # 500 characters
    text = "\n".join([paragraph.strip()] * 10)  # ~5,000 characters
    blocks = render_blocks((Section(text),))
    assert len(blocks) == 2
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert all(b["text"]["text"].endswith("word") for b in blocks)  # cut at a line break, not mid-word
    assert " ".join(b["text"]["text"] for b in blocks).split() == text.split()  # nothing lost


def test_giant_word_is_cut_between_escaped_characters() -> None:
    chunks = split_mrkdwn("&" * 1000, 3000)  # escapes to 5,000 characters
    assert [len(c) for c in chunks] == [3000, 2000]
    assert all(c.replace("&amp;", "") == "" for c in chunks)  # never half an entity


def test_header_button_and_option_labels_are_cut() -> None:
    [header] = render_blocks((Header("H" * 200),))
    assert len(header["text"]["text"]) == 150 and header["text"]["text"].endswith(ELLIPSIS)
    [actions] = render_blocks((Buttons((Button("B" * 100, "a.b"),)),))
    assert len(actions["elements"][0]["text"]["text"]) == 75


def test_buttons_go_25_to_an_actions_block_and_duplicates_get_a_suffix() -> None:
    buttons = tuple(Button(f"Pick {n}", "poll.vote:7", value=str(n)) for n in range(30))
    blocks = render_blocks((Buttons(buttons),))
    assert [len(b["elements"]) for b in blocks] == [25, 5]
    ids = action_ids_in(blocks)
    assert len(set(ids)) == 30
    assert ids[:3] == ["poll.vote:7", "poll.vote:7~2", "poll.vote:7~3"]
    assert {decode_action_id(i) for i in ids} == {"poll.vote:7"}


def test_an_id_that_looks_suffixed_round_trips() -> None:
    [actions] = render_blocks((Buttons((Button("x", "a.b:v~2"),)),))
    [encoded] = action_ids_in([actions])
    assert encoded == "a.b:v~2~1" and decode_action_id(encoded) == "a.b:v~2"


def test_fields_go_10_to_a_section() -> None:
    blocks = render_blocks((Fields(tuple((f"k{n}", "v") for n in range(12))),))
    assert [len(b["fields"]) for b in blocks] == [10, 2]


def test_select_keeps_100_options() -> None:
    [block] = render_blocks((Select("a.b", "Pick", tuple(Option(str(n), str(n)) for n in range(120))),))
    assert len(block["elements"][0]["options"]) == 100


def test_more_than_50_blocks_are_cut_keeping_the_trailing_actions() -> None:
    blocks = (*tuple(Section(f"line {n}") for n in range(80)), Buttons((Button("Next", "content.next"),)))
    rendered = render_blocks(blocks)
    assert len(rendered) == 50
    assert rendered[-2] == {"type": "context", "elements": [{"type": "mrkdwn", "text": ELLIPSIS}]}
    assert action_ids_in(rendered[-1:]) == ["content.next"]
    assert rendered[47]["text"]["text"] == "line 47"
    assert len(render_home(OutboundMessage("x", blocks))["blocks"]) == 81  # App Home allows 100


def test_fallback_text_is_cut_to_4000() -> None:
    assert len(render_message(OutboundMessage(text="a" * 5000))["text"]) == 4000


def test_form_golden() -> None:
    form = Form(
        "feedback",
        "Tell us how the week went, please",
        (
            FormField(
                "mood",
                "How was it?",
                kind="select",
                options=(Option("Great", "great"), Option("Meh", "meh")),
                initial="meh",
            ),
            FormField("story", "What happened?", kind="multiline", required=False, placeholder="A few lines"),
            FormField("hours", "Hours spent", kind="number", initial="3"),
        ),
        submit_label="Send",
    )
    assert render_form(form, private_metadata='{"channel": "C1"}') == {
        "type": "modal",
        "callback_id": "feedback",
        "title": {"type": "plain_text", "text": "Tell us how the week we…", "emoji": True},
        "submit": {"type": "plain_text", "text": "Send", "emoji": True},
        "private_metadata": '{"channel": "C1"}',
        "blocks": [
            {
                "type": "input",
                "block_id": "mood",
                "label": {"type": "plain_text", "text": "How was it?", "emoji": True},
                "optional": False,
                "element": {
                    "type": "static_select",
                    "options": [
                        {"text": {"type": "plain_text", "text": "Great", "emoji": True}, "value": "great"},
                        {"text": {"type": "plain_text", "text": "Meh", "emoji": True}, "value": "meh"},
                    ],
                    "initial_option": {"text": {"type": "plain_text", "text": "Meh", "emoji": True}, "value": "meh"},
                    "action_id": "mood",
                },
            },
            {
                "type": "input",
                "block_id": "story",
                "label": {"type": "plain_text", "text": "What happened?", "emoji": True},
                "optional": True,
                "element": {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": 3000,
                    "action_id": "story",
                    "placeholder": {"type": "plain_text", "text": "A few lines", "emoji": True},
                },
            },
            {
                "type": "input",
                "block_id": "hours",
                "label": {"type": "plain_text", "text": "Hours spent", "emoji": True},
                "optional": False,
                "element": {
                    "type": "number_input",
                    "is_decimal_allowed": False,
                    "initial_value": "3",
                    "action_id": "hours",
                },
            },
        ],
    }
    assert len(render_form(form)["title"]["text"]) == 24


def test_a_form_stops_answers_longer_than_the_service_takes() -> None:
    """Found as an outsider: a 600-character "why" passed the modal and was turned down afterwards,
    with the other answers; the modal itself now stops at the service's limit."""
    t = Catalog.load(REPO_ROOT / "prompts").for_locale("en")
    limits = {
        block["block_id"]: block["element"].get("max_length")
        for block in render_form(intake_form(t, "UTC"))["blocks"]
        if block["type"] == "input"
    }
    assert (limits["why"], limits["goal"], limits["timezone"]) == (500, 500, 3000)
    [feedback] = render_form(feedback_form(t))["blocks"]
    assert feedback["element"]["max_length"] == 2000
    entry = {b["block_id"]: b["element"]["max_length"] for b in render_form(entry_form(t))["blocks"]}
    assert (entry["question"], entry["answer"]) == (300, 3000)
