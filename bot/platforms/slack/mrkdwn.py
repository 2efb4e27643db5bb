"""Markdown (as creators write drop bodies and FAQ answers) -> Slack mrkdwn. A pure function.

Our own texts use a subset both read alike (`*bold*`, `_italic_`, `code`, `<url|label>`, bullet
lines), so they pass through unchanged. What differs is converted:

- `# Heading` (any level) -> a bold line; `**bold**` and `__bold__` -> `*bold*`; `***both***` ->
  `*_both_*`; `~~struck~~` -> `~struck~`. A single `*word*` stays bold, as everywhere in membot.
- `[text](https://…)` and `![alt](https://…)` -> `<https://…|text>`; a link to anything but http(s)
  or mailto stays words: `text (target)`, so nothing clickable is made of it.
- `-`, `*` and `+` list items -> `•` bullets (nested ones `◦`, indented); `- [ ]` / `- [x]` -> ☐ / ☑;
  numbered items stay numbered; `---` rules -> a line; a backslash escape -> the bare character.
- Code spans and fenced blocks are kept exactly as written.

Escaping `&`, `<` and `>` happens afterwards, in render.py, which keeps only the `<url|label>`
links made here (so member text can still never form `<!channel>` or a mention).
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^(\s*)[-*+]\s+(?:\[([ xX])\]\s+)?(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,9})[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(
    r"(!?)\[([^\]\n]*)\]\(\s*<?([^\s()<>]*(?:\([^\s()<>]*\)[^\s()<>]*)*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"
)
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]+>")
_BOTH = re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
_MARKERS = re.compile(r"\*\*\*|\*\*|__|~~|(?<!\w)[*_~](?=\S)|(?<=\S)[*_~](?!\w)")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s<>|]+$", re.IGNORECASE)
_HOLD = "\x00{}\x00"
_HELD = re.compile("\x00(\\d+)\x00")
RULE = "──────────"
INDENT = "    "


def to_mrkdwn(markdown: str) -> str:
    """Slack mrkdwn for `markdown` (not yet escaped: render.py escapes it)."""
    out: list[str] = []
    lines = markdown.replace("\r\n", "\n").split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:
            closing = opening is not None and opening.group(1) == fence and not line.strip()[3:].strip()
            out.append("```" if closing else line)
            fence = None if closing else fence
            continue
        if opening:
            fence = opening.group(1)
            out.append("```")  # Slack shows no language tag
            continue
        if line == "\x01":
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip() and not _ITEM.match(line) and _SETEXT.match(following) and not _RULE.match(line):
            out.append(_heading(line.strip()))
            lines[index + 1] = "\x01"  # the underline is used up
            continue
        out.append(_line(line))
    return "\n".join(out)


def _line(line: str) -> str:
    if match := _HEADING.match(line):
        return _heading(match.group(1))
    if _RULE.match(line):
        return RULE
    if match := _ITEM.match(line):
        depth = len(match.group(1).expandtabs(4)) // 2
        box = match.group(2)
        mark = ("☑" if box.lower() == "x" else "☐") if box is not None else ("◦" if depth else "•")
        return f"{INDENT * min(depth, 3)}{mark} {inline(match.group(3))}"
    if match := _NUMBERED.match(line):
        depth = len(match.group(1).expandtabs(4)) // 3
        return f"{INDENT * min(depth, 3)}{match.group(2)}. {inline(match.group(3))}"
    if match := _QUOTE.match(line):
        return f"> {inline(match.group(1))}"
    return inline(line)


def _heading(text: str) -> str:
    plain = _MARKERS.sub("", inline(text)).strip()
    return f"*{plain}*" if plain else ""


def inline(text: str) -> str:
    """Bold, struck and linked words of one line; code spans and links are held aside meanwhile."""
    held: list[str] = []

    def hold(value: str) -> str:
        held.append(value)
        return _HOLD.format(len(held) - 1)

    text = _CODE.sub(lambda m: hold(m.group(0)), text)
    text = _AUTOLINK.sub(lambda m: hold(m.group(0)), text)
    text = _LINK.sub(lambda m: hold(_link(m.group(2), m.group(3))), text)
    text = _ESCAPE.sub(lambda m: hold(m.group(1)), text)
    text = _BOTH.sub(r"*_\1_*", text)
    text = _BOLD.sub(r"*\2*", text)
    text = _STRIKE.sub(r"~\1~", text)
    while _HELD.search(text):  # a link label may hold a code span: restore until none is left
        text = _HELD.sub(lambda m: held[int(m.group(1))], text)
    return text


def _link(label: str, url: str) -> str:
    words = _MARKERS.sub("", _ESCAPE.sub(r"\1", label)).strip()
    if not _SAFE_URL.match(url):
        return f"{words} ({url})" if words and url else words or url
    if not words or "<" in words or ">" in words:
        return f"<{url}>" if not words else f"{words} <{url}>"
    return f"<{url}|{words}>"
