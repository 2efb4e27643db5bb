"""Neutral messages and forms -> Slack Block Kit dicts, within Slack's limits. Pure functions.

How limits are kept (Slack rejects the whole message otherwise):
- Section text over 3,000 characters is split into several sections, at a line break
  when one is in the second half of the chunk, else at a space, else mid-word.
- Headers are cut to 150 characters, button labels and option labels to 75, placeholders
  to 150, modal titles and submit labels to 24; cut text ends with "…".
- Fields go 10 to a section, each cut to 2,000 characters; buttons 25 to an actions block.
- Selects keep their first 100 options; option values are cut to 150 characters.
- More blocks than the limit (50 in a message, 100 in a modal or App Home): the content is
  cut and a "…" context block marks the cut; the trailing buttons/context are kept, so a
  long message still ends with its actions.
- The fallback `text` is cut to 4,000 characters.

Markdown: section text and the fallback are converted to mrkdwn first (mrkdwn.py: headings,
**bold**, [links](…), lists), so a creator's drop body or FAQ answer reads as they wrote it.

Escaping: all mrkdwn text is escaped (`&`, `<`, `>`), so member-provided text can never
form `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>` or `<#C…>`. Only our own link syntax
`<https://…|label>` and `<mailto:…|label>` passes through (its label escaped). Messages are
sent without `link_names`, so a bare `@here` stays plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from bot.messages import (
    Block,
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
from bot.platforms.slack.mrkdwn import to_mrkdwn

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
ELEMENTS_PER_ACTIONS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS_PER_SELECT = 100
PLACEHOLDER = 150
FALLBACK_TEXT = 4000
VIEW_TITLE = 24
ACTION_ID = 255
ELLIPSIS = "…"
LINK_ACTION_PREFIX = "membot-link-"  # link buttons: Slack still sends block_actions; inbound ignores them

_LINK = re.compile(r"<((?:https?://|mailto:)[^\s<>|]+)(?:\|([^<>]*))?>")
_DUP_SUFFIX = re.compile(r"~\d+$")
_TOKEN = re.compile(r"<(?:https?://|mailto:)[^\s<>|]+(?:\|[^<>]*)?>|\s+|[^\s<]+|<")


# -- text ---------------------------------------------------------------------------------


def _escape_plain(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_mrkdwn(text: str) -> str:
    """Escape `&`, `<` and `>`, keeping our `<url|label>` links (with the label escaped)."""
    return "".join(_escape_token(t) for t in _TOKEN.findall(text))


def _escape_token(token: str) -> str:
    match = _LINK.fullmatch(token)
    if match is None:
        return _escape_plain(token)
    url, label = match.group(1), match.group(2)
    url = url.replace("&", "&amp;")
    return f"<{url}|{label.replace('&', '&amp;')}>" if label is not None else f"<{url}>"


def truncate(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def truncate_escaped(text: str, limit: int) -> str:
    """Escape `text` for mrkdwn and cut it to `limit`, never inside an entity or a link."""
    tokens = _TOKEN.findall(text)
    escaped = [_escape_token(t) for t in tokens]
    if sum(len(e) for e in escaped) <= limit:
        return "".join(escaped)
    out, used, budget = [], 0, limit - len(ELLIPSIS)
    for token, piece in zip(tokens, escaped, strict=True):
        if used + len(piece) <= budget:
            out.append(piece)
            used += len(piece)
            continue
        if not _LINK.fullmatch(token):  # fill what room is left, character by character
            for char in token:
                small = _escape_plain(char)
                if used + len(small) > budget:
                    break
                out.append(small)
                used += len(small)
        break
    return "".join(out).rstrip() + ELLIPSIS


def split_mrkdwn(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Escape `text` and split it into chunks of at most `limit` characters (see module docstring)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for token in _TOKEN.findall(text):
        pieces = [_escape_token(token)]
        if len(pieces[0]) > limit:  # one giant word: cut between escaped characters
            pieces = [_escape_plain(c) for c in token]
        for piece in pieces:
            if size + len(piece) > limit:
                current, size = _flush(chunks, current, limit)
            current.append(piece)
            size += len(piece)
    _flush(chunks, current, limit, final=True)
    return [c for c in chunks if c.strip()]


def _flush(chunks: list[str], current: list[str], limit: int, *, final: bool = False) -> tuple[list[str], int]:
    """Emit `current` as a chunk; carry over what follows its last line break in the second half."""
    if final:
        chunks.append("".join(current).strip())
        return [], 0
    cut = len(current)
    running = 0
    for index, piece in enumerate(current):
        running += len(piece)
        if "\n" in piece and running >= limit // 2:
            cut = index + 1
    chunks.append("".join(current[:cut]).strip())
    rest = current[cut:]
    while rest and not rest[0].strip():
        rest.pop(0)
    return rest, sum(len(p) for p in rest)


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": True}


# -- action ids ---------------------------------------------------------------------------


class _ActionIds:
    """Keeps Slack action ids unique within one message: a repeat gets `~2`, `~3`...

    An id that already ends in `~<digits>` always gets a suffix, so stripping exactly one
    trailing `~<digits>` on the way in (`decode_action_id`) is unambiguous.
    """

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    def encode(self, action_id: str) -> str:
        count = self._seen.get(action_id, 0) + 1
        self._seen[action_id] = count
        if count == 1 and not _DUP_SUFFIX.search(action_id):
            return action_id
        return f"{action_id}~{count}"


def decode_action_id(slack_action_id: str) -> str:
    """Our action id back from Slack's (drops the uniqueness suffix `render` added)."""
    return _DUP_SUFFIX.sub("", slack_action_id)


# -- blocks -------------------------------------------------------------------------------


def render_message(message: OutboundMessage, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> dict[str, Any]:
    """`{"text": ..., "blocks": [...]}` for chat.postMessage / chat.update / respond()."""
    return {
        "text": truncate_escaped(to_mrkdwn(message.text), FALLBACK_TEXT),
        "blocks": render_blocks(message.blocks, max_blocks=max_blocks),
    }


def render_home(message: OutboundMessage) -> dict[str, Any]:
    """An App Home view for views.publish."""
    blocks = render_blocks(message.blocks, max_blocks=MAX_VIEW_BLOCKS)
    if not blocks and message.text:
        blocks = render_blocks((Section(message.text),), max_blocks=MAX_VIEW_BLOCKS)
    return {"type": "home", "blocks": blocks}


def render_blocks(blocks: Sequence[Block], *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    ids = _ActionIds()
    rendered: list[dict[str, Any]] = []
    for block in blocks:
        rendered.extend(_render_block(block, ids))
    return _fit(rendered, max_blocks)


def _fit(blocks: list[dict[str, Any]], max_blocks: int) -> list[dict[str, Any]]:
    if len(blocks) <= max_blocks:
        return blocks
    tail_start = len(blocks)
    while tail_start > 0 and blocks[tail_start - 1]["type"] in ("actions", "context"):
        tail_start -= 1
    tail = blocks[tail_start:][-(max_blocks // 2) :]
    room = max_blocks - len(tail) - 1
    return [*blocks[:room], {"type": "context", "elements": [{"type": "mrkdwn", "text": ELLIPSIS}]}, *tail]


def _render_block(block: Block, ids: _ActionIds) -> list[dict[str, Any]]:
    if isinstance(block, Header):
        return [{"type": "header", "text": _plain(block.text, HEADER_TEXT)}] if block.text.strip() else []
    if isinstance(block, Section):
        chunks = split_mrkdwn(to_mrkdwn(block.text))
        return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in chunks]
    if isinstance(block, Fields):
        return [
            {
                "type": "section",
                "fields": [_field(label, value) for label, value in block.items[i : i + FIELDS_PER_SECTION]],
            }
            for i in range(0, len(block.items), FIELDS_PER_SECTION)
        ]
    if isinstance(block, Image):
        return [{"type": "image", "image_url": block.url, "alt_text": truncate(block.alt, 2000) or "image"}]
    if isinstance(block, Divider):
        return [{"type": "divider"}]
    if isinstance(block, Context):
        if not block.text.strip():
            return []
        return [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate_escaped(block.text, SECTION_TEXT)}]}
        ]
    if isinstance(block, Buttons):
        elements = [_button(b, n, ids) for n, b in enumerate(block.buttons)]
        return [
            {"type": "actions", "elements": elements[i : i + ELEMENTS_PER_ACTIONS]}
            for i in range(0, len(elements), ELEMENTS_PER_ACTIONS)
        ]
    if isinstance(block, Select):
        if not block.options:
            return []
        return [{"type": "actions", "elements": [_select(block, ids)]}]
    raise TypeError(f"cannot render {type(block).__name__} for Slack")


def _field(label: str, value: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate_escaped(f"*{label}*\n{value}" if label else value, FIELD_TEXT)}


def _button(button: Button, position: int, ids: _ActionIds) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": _plain(button.label, BUTTON_TEXT)}
    if button.url:
        element["url"] = button.url
        element["action_id"] = ids.encode(f"{LINK_ACTION_PREFIX}{position}")
    else:
        element["action_id"] = ids.encode(button.action_id)[:ACTION_ID]
    if button.value:
        element["value"] = button.value[:BUTTON_VALUE]
    if button.style != "default":
        element["style"] = button.style
    return element


def _option(option: Option) -> dict[str, Any]:
    return {"text": _plain(option.label, OPTION_TEXT), "value": option.value[:OPTION_VALUE]}


def _select(select: Select, ids: _ActionIds) -> dict[str, Any]:
    return {
        "type": "static_select",
        "action_id": ids.encode(select.action_id)[:ACTION_ID],
        "placeholder": _plain(select.placeholder or ELLIPSIS, PLACEHOLDER),
        "options": [_option(o) for o in select.options[:OPTIONS_PER_SELECT]],
    }


# -- forms --------------------------------------------------------------------------------


def render_form(form: Form, *, private_metadata: str = "") -> dict[str, Any]:
    """A modal for views.open: `callback_id` is the form id, each field an input block named by `name`.

    Raises ValueError beyond 100 fields: a form cannot be cut without losing answers.
    """
    if len(form.fields) > MAX_VIEW_BLOCKS:
        raise ValueError(f"form {form.form_id} has {len(form.fields)} fields; Slack modals take {MAX_VIEW_BLOCKS}")
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": form.form_id,
        "title": _plain(form.title, VIEW_TITLE),
        "submit": _plain(form.submit_label, VIEW_TITLE),
        "blocks": [_input(f) for f in form.fields],
    }
    if private_metadata:
        view["private_metadata"] = private_metadata[:3000]
    return view


def _input(field: FormField) -> dict[str, Any]:
    element: dict[str, Any]
    if field.kind == "select":
        element = {"type": "static_select", "options": [_option(o) for o in field.options[:OPTIONS_PER_SELECT]]}
        initial = next((o for o in field.options if o.value == field.initial), None)
        if initial is not None:
            element["initial_option"] = _option(initial)
    elif field.kind == "number":
        element = {"type": "number_input", "is_decimal_allowed": False}
        if field.initial:
            element["initial_value"] = field.initial
    else:
        limit = min(field.max_length or SECTION_TEXT, SECTION_TEXT)
        element = {"type": "plain_text_input", "multiline": field.kind == "multiline", "max_length": limit}
        if field.initial:
            element["initial_value"] = field.initial[:SECTION_TEXT]
    element["action_id"] = field.name
    if field.placeholder:
        element["placeholder"] = _plain(field.placeholder, PLACEHOLDER)
    return {
        "type": "input",
        "block_id": field.name,
        "label": _plain(field.label, 2000),
        "optional": not field.required,
        "element": element,
    }


def action_ids_in(blocks: Iterable[dict[str, Any]]) -> list[str]:
    """Every Slack action id in rendered blocks, in order (for tests and checks)."""
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
