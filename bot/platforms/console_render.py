"""Turn a neutral message into terminal text, numbering every choice so it can be picked."""

from __future__ import annotations

from collections.abc import Callable

from bot.messages import (
    Buttons,
    Context,
    Divider,
    Fields,
    Header,
    Image,
    OutboundMessage,
    Section,
    Select,
)

INDENT = "    "


def render_text(message: OutboundMessage, number: Callable[[str, str], int]) -> str:
    """Lines for a message; `number(action_id, value)` hands out the choice numbers."""
    if not message.blocks:
        return message.text
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, Header):
            lines.append(f"** {block.text} **")
        elif isinstance(block, Section):
            lines.extend(block.text.strip().splitlines())
        elif isinstance(block, Fields):
            lines.extend(f"{label}: {value}" for label, value in block.items)
        elif isinstance(block, Image):
            lines.append(f"[image: {block.alt}]")
        elif isinstance(block, Divider):
            lines.append("-" * 40)
        elif isinstance(block, Context):
            lines.append(f"({block.text})")
        elif isinstance(block, Buttons):
            parts = []
            for button in block.buttons:
                if button.url:
                    parts.append(f"{button.label} <{button.url}>")
                else:
                    parts.append(f"[{number(button.action_id, button.value)}] {button.label}")
            lines.append("   ".join(parts))
        elif isinstance(block, Select):
            lines.append(block.placeholder)
            lines.extend(f"  [{number(block.action_id, o.value)}] {o.label}" for o in block.options)
    return "\n".join(lines)


def indent(text: str) -> str:
    return "\n".join(INDENT + line if line else line for line in text.splitlines())
