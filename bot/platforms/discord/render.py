"""Neutral messages and forms -> Discord embeds, components (`discord.ui.View`) and modals.

Pure: no I/O. Enforces Discord's limits (content 2,000, embed description 4,096, 25 fields,
5 buttons per row, 5 rows, custom_id 100 characters) by truncating, never by failing a send.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import discord

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
    OutboundMessage,
    Section,
    Select,
)

log = logging.getLogger(__name__)

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
# Fields may use this much of the 6,000: the rest is the title's and at least 1,000 for the text.
FIELDS_BUDGET = EMBED_TOTAL_LIMIT - TITLE_LIMIT - 1000
BUTTONS_PER_ROW = 5
ROWS = 5
LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
SELECT_OPTIONS = 25
MODAL_FIELDS = 5
MODAL_TITLE_LIMIT = 45
EMBED_COLOUR = 0x5865F2

# A component's custom_id is the namespaced action id, optionally followed by one space and
# the button's value: `qa.rsvp:42` or `content.next week-3`. Action ids never contain spaces.
ACTION_PART = r"[a-z][a-z0-9_-]*\.[a-z][a-z0-9_-]*(?::\S{1,80})?"
CUSTOM_ID_TEMPLATE = re.compile(rf"(?P<action>{ACTION_PART})(?: (?P<value>.+))?", re.DOTALL)

_STYLES = {
    "default": discord.ButtonStyle.secondary,
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
}
_BOLD = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_LINK = re.compile(r"<(https?://[^|>\s]+)\|([^>]+)>")
_BARE_LINK = re.compile(r"<(https?://[^|>\s]+)>")


@dataclass(frozen=True)
class Rendered:
    """What to send: `content` and/or one embed, and a view of components (or None)."""

    content: str | None
    embed: discord.Embed | None
    view: discord.ui.View | None


def encode_custom_id(action_id: str, value: str = "") -> str:
    custom_id = f"{action_id} {value}" if value else action_id
    if len(custom_id) > CUSTOM_ID_LIMIT or not CUSTOM_ID_TEMPLATE.fullmatch(custom_id):
        raise ValueError(f"action {action_id!r} with its value does not fit a Discord custom_id (100 characters)")
    return custom_id


def decode_custom_id(custom_id: str) -> tuple[str, str] | None:
    """(action_id, value) for one of our custom ids, None for anything else."""
    match = CUSTOM_ID_TEMPLATE.fullmatch(custom_id)
    if match is None:
        return None
    return match["action"], match["value"] or ""


def markdown(text: str) -> str:
    """Our markdown subset (Slack-flavoured: *bold*, <url|label>) -> Discord markdown."""
    text = _LINK.sub(lambda m: f"[{m[2]}]({m[1]})", text)
    text = _BARE_LINK.sub(lambda m: m[1], text)
    return _BOLD.sub(lambda m: f"**{m[1]}**", text)


def clip(text: str, limit: int) -> str:
    if limit <= 0:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def needs_embed(message: OutboundMessage) -> bool:
    return any(isinstance(b, (Header, Fields, Image, Context)) for b in message.blocks)


def render_message(message: OutboundMessage, *, prefix: str = "") -> Rendered:
    """A message as Discord would show it. `prefix` (a role mention) goes before the content."""
    view = render_view(message)
    if not needs_embed(message):
        sections = [markdown(b.text) for b in message.blocks if isinstance(b, Section)]
        body = "\n\n".join(sections) if sections else message.text
        return Rendered(clip(f"{prefix}{body}", CONTENT_LIMIT), None, view)
    return Rendered(prefix.strip() or None, render_embed(message), view)


def render_embed(message: OutboundMessage) -> discord.Embed:
    title: str | None = None
    paragraphs: list[str] = []
    footers: list[str] = []
    embed = discord.Embed(colour=EMBED_COLOUR)
    for block in message.blocks:
        if isinstance(block, Header):
            if title is None:
                title = clip(block.text, TITLE_LIMIT)
            else:
                paragraphs.append(f"**{block.text}**")
        elif isinstance(block, Section):
            paragraphs.append(markdown(block.text))
        elif isinstance(block, Fields):
            for name, value in block.items:
                room = FIELDS_BUDGET - sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
                name = clip(name, min(FIELD_NAME_LIMIT, room // 2))
                value = clip(markdown(value), min(FIELD_VALUE_LIMIT, room - len(name)))
                if len(embed.fields) < FIELDS_PER_EMBED and name and value:
                    embed.add_field(name=name, value=value, inline=True)
        elif isinstance(block, Image):
            if embed.image.url is None:
                embed.set_image(url=block.url)
            else:  # one image per embed: further images become links
                paragraphs.append(f"[{block.alt}]({block.url})")
        elif isinstance(block, Context):
            footers.append(block.text)
        elif isinstance(block, Divider):
            continue  # embeds have no rule; paragraphs are already separated
    embed.title = title
    budget = EMBED_TOTAL_LIMIT - len(title or "") - sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    footer = clip(" · ".join(footers), min(FOOTER_LIMIT, max(0, budget // 4))) if footers else ""
    description = "\n\n".join(paragraphs) or (message.text if title is None else "")
    if description:
        embed.description = clip(description, min(DESCRIPTION_LIMIT, budget - len(footer)))
    if footer:
        embed.set_footer(text=footer)
    return embed


def render_view(message: OutboundMessage) -> discord.ui.View | None:
    """Buttons and selects as rows of components; None when the message has none."""
    view = discord.ui.View(timeout=None)
    rows = 0
    seen: set[str] = set()
    for block in message.blocks:
        if isinstance(block, Buttons):
            buttons = [b for b in block.buttons if b.url or b.action_id]
            for start in range(0, len(buttons), BUTTONS_PER_ROW):
                chunk = [
                    item for b in buttons[start : start + BUTTONS_PER_ROW] if (item := _button(b, seen)) is not None
                ]
                if not chunk:
                    continue
                if rows == ROWS:
                    log.warning("message has more than %d rows of components; the rest are dropped", ROWS)
                    return view
                for item in chunk:
                    item.row = rows
                    view.add_item(item)
                rows += 1
        elif isinstance(block, Select) and block.options:
            if rows == ROWS or block.action_id in seen:
                continue
            seen.add(block.action_id)
            options = [
                discord.SelectOption(label=clip(o.label, 100), value=o.value[:100])
                for o in block.options[:SELECT_OPTIONS]
            ]
            view.add_item(
                discord.ui.Select(
                    custom_id=encode_custom_id(block.action_id),
                    placeholder=clip(block.placeholder, 150),
                    options=options,
                    row=rows,
                )
            )
            rows += 1
    return view if view.children else None


def _button(button: Button, seen: set[str]) -> discord.ui.Button | None:
    label = clip(button.label, LABEL_LIMIT)
    if button.url:
        return discord.ui.Button(label=label, url=button.url, style=discord.ButtonStyle.link)
    custom_id = encode_custom_id(button.action_id, button.value)
    if custom_id in seen:  # Discord rejects a message whose custom_ids repeat
        return None
    seen.add(custom_id)
    return discord.ui.Button(
        label=label, custom_id=custom_id, style=_STYLES.get(button.style, discord.ButtonStyle.secondary)
    )


def render_form(form: Form) -> discord.ui.Modal:
    """A form as a modal. Discord shows at most five inputs: a longer form keeps its `essential`
    fields (found as an outsider: the 7-question intake never opened on Discord), else cannot be a modal."""
    fields = form.fields
    if len(fields) > MODAL_FIELDS and form.essential:
        fields = tuple(f for f in fields if f.name in form.essential)
    if len(fields) > MODAL_FIELDS:
        raise ValueError(f"form {form.form_id!r} has {len(fields)} fields; a Discord modal holds {MODAL_FIELDS}")
    if len(form.form_id) > CUSTOM_ID_LIMIT:
        raise ValueError(f"form id {form.form_id!r} is longer than a Discord custom_id")
    modal = discord.ui.Modal(title=clip(form.title, MODAL_TITLE_LIMIT), custom_id=form.form_id, timeout=15 * 60)
    for field in fields:
        modal.add_item(discord.ui.Label(text=clip(field.label, 45), component=_form_input(field)))
    return modal


def _form_input(field: FormField) -> discord.ui.Item[discord.ui.Modal]:
    if field.kind == "select" and field.options:
        options = [
            discord.SelectOption(label=clip(o.label, 100), value=o.value[:100], default=o.value == field.initial)
            for o in field.options[:SELECT_OPTIONS]
        ]
        return discord.ui.Select(
            custom_id=field.name,
            options=options,
            required=field.required,
            placeholder=clip(field.placeholder, 150) or None,
        )
    style = discord.TextStyle.paragraph if field.kind == "multiline" else discord.TextStyle.short
    return discord.ui.TextInput(
        custom_id=field.name,
        style=style,
        required=field.required,
        default=field.initial or None,
        placeholder=clip(field.placeholder, 100) or None,
        max_length=min(field.max_length or 4000, 4000 if field.kind == "multiline" else 200),
    )
