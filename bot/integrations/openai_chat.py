"""One chat-completions call to an OpenAI-compatible server: the only module that imports `openai`.

Shared by the FAQ's answer writer and its judge: the client set-up (no retries, a hard
timeout), the prompt files and the quoting of data into marker blocks live here once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import openai

PROMPT_DIR = "llm"
NO_KEY = "not-needed"  # what the SDK is given for a server that takes no key (Ollama, vLLM)


class ChatError(Exception):
    """No reply in time (network, timeout, API error); the message is an exception name, safe to log."""


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


def earlier_block(earlier: str | None) -> str:
    """The thread's first question, quoted, for a follow-up ("" when there is none)."""
    if not earlier:
        return ""
    return f"Earlier in this conversation the member asked (quoted data):\n<<<EARLIER\n{quote(earlier)}\nEARLIER>>>\n\n"


class ChatClient:
    """`chat.completions` with one model; any API error or timeout becomes a `ChatError`."""

    def __init__(
        self,
        *,
        api_key: str | None,
        model: str,
        base_url: str | None = None,
        timeout: float = 8.0,
        max_retries: int = 0,
    ) -> None:
        self._model = model
        self._timeout = timeout
        # No retries by default: the member is waiting, and the local answer is a good fallback.
        self._client = openai.AsyncOpenAI(
            api_key=api_key or NO_KEY, base_url=base_url or None, timeout=timeout, max_retries=max_retries
        )

    async def complete(self, messages: Sequence[dict[str, str]], *, temperature: float, max_tokens: int) -> str:
        """The first choice's text ("" when the model said nothing)."""
        try:
            async with asyncio.timeout(self._timeout + 1.0):  # the SDK's own timeout should fire first
                response = await self._client.chat.completions.create(
                    model=self._model,
                    messages=list(messages),  # type: ignore[arg-type]  # plain role/content dicts: the SDK's message params in shape
                    temperature=temperature,
                    max_tokens=max_tokens,
                )
        except (openai.OpenAIError, TimeoutError) as exc:
            raise ChatError(type(exc).__name__) from exc
        if not response.choices:
            raise ChatError("no choices")
        return response.choices[0].message.content or ""

    async def aclose(self) -> None:
        await self._client.close()
