"""Grounded FAQ answers written by an OpenAI-compatible chat model: the only module that imports `openai`.

The system message holds standing instructions only. The passages and the member's question
go in the user message, each inside markers the quoted text cannot close. What comes back is
not trusted here: the answer service checks it (`bot.services.faq_grounding.check_draft`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

import openai

from bot.services.faq_grounding import Passage, WriterError

log = logging.getLogger(__name__)

PROMPT_DIR = "llm"
MAX_TOKENS = 400
TEMPERATURE = 0.2


class PromptFiles:
    """LLM prompts in `prompts/<locale>/llm/*.md`, falling back to English (the Catalog skips them)."""

    def __init__(self, root: Path) -> None:
        self._root = root

    def load(self, name: str, locale: str = "en") -> str:
        for candidate in (locale, locale.split("-")[0], "en"):
            path = self._root / candidate / PROMPT_DIR / f"{name}.md"
            if path.is_file():
                return path.read_text(encoding="utf-8").strip()
        raise FileNotFoundError(f"no LLM prompt {name!r} under {self._root}/*/{PROMPT_DIR}/")


def quote(text: str) -> str:
    """Quoted text cannot open or close a marker block."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def passage_block(passage: Passage) -> str:
    return f"<<<PASSAGE [{passage.number}] {quote(passage.title)}\n{quote(passage.text)}\nPASSAGE>>>"


class OpenAIWriter:
    """Writes answers with `chat.completions`; any API error or timeout becomes a `WriterError`."""

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        prompts: Path,
        community: str,
        creator: str,
        base_url: str | None = None,
        timeout: float = 8.0,
        max_retries: int = 0,
        locale: str = "en",
    ) -> None:
        files = PromptFiles(prompts)
        self._system = files.load("faq_system", locale).format(community=community, creator=creator)
        self._user = files.load("faq_user", locale)
        self._model = model
        self._timeout = timeout
        # No retries by default: the member is waiting, and the local answer is a good fallback.
        self._client = openai.AsyncOpenAI(api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries)

    @property
    def instructions(self) -> str:
        return self._system

    def messages(self, question: str, passages: Sequence[Passage], *, earlier: str | None = None) -> list[dict[str, str]]:
        """The request: instructions in the system message; data, including the question, in the user message."""
        before = f"Earlier in this conversation the member asked (quoted data):\n<<<EARLIER\n{quote(earlier)}\nEARLIER>>>\n\n" if earlier else ""
        user = self._user.format(
            passages="\n\n".join(passage_block(p) for p in passages), earlier=before, question=quote(question)
        )
        return [{"role": "system", "content": self._system}, {"role": "user", "content": user}]

    async def write(self, question: str, passages: Sequence[Passage], *, earlier: str | None = None) -> str:
        try:
            async with asyncio.timeout(self._timeout + 1.0):  # the SDK's own timeout should fire first
                response = await self._client.chat.completions.create(
                    model=self._model,
                    messages=self.messages(question, passages, earlier=earlier),  # type: ignore[arg-type]
                    temperature=TEMPERATURE,
                    max_tokens=MAX_TOKENS,
                )
        except (openai.OpenAIError, TimeoutError) as exc:
            raise WriterError(type(exc).__name__) from exc
        if not response.choices:
            raise WriterError("no choices")
        content = response.choices[0].message.content
        if not content:
            raise WriterError("empty content")
        return content

    async def aclose(self) -> None:
        await self._client.close()
