"""Grounded FAQ answers written by an OpenAI-compatible chat model (the client is `openai_chat`).

The system message holds standing instructions only. The passages and the member's question
go in the user message, each inside markers the quoted text cannot close. What comes back is
not trusted here: the answer service checks it (`bot.services.faq.grounding.check_draft`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.integrations.openai_chat import ChatClient, ChatError, PromptFiles, earlier_block, quote
from bot.services.faq.grounding import Passage, WriterError

MAX_TOKENS = 400
TEMPERATURE = 0.2


def passage_block(passage: Passage) -> str:
    return f"<<<PASSAGE [{passage.number}] {quote(passage.title)}\n{quote(passage.text)}\nPASSAGE>>>"


class OpenAIWriter:
    """Writes answers from passages; any API error, timeout or empty reply becomes a `WriterError`."""

    def __init__(self, client: ChatClient, *, prompts: Path, community: str, creator: str, locale: str = "en") -> None:
        files = PromptFiles(prompts)
        self._system = files.load("faq_system", locale).format(community=community, creator=creator)
        self._user = files.load("faq_user", locale)
        self._client = client

    @property
    def instructions(self) -> str:
        return self._system

    def messages(
        self, question: str, passages: Sequence[Passage], *, earlier: str | None = None
    ) -> list[dict[str, str]]:
        """The request: instructions in the system message; data, including the question, in the user message."""
        user = self._user.format(
            passages="\n\n".join(passage_block(p) for p in passages),
            earlier=earlier_block(earlier),
            question=quote(question),
        )
        return [{"role": "system", "content": self._system}, {"role": "user", "content": user}]

    async def write(self, question: str, passages: Sequence[Passage], *, earlier: str | None = None) -> str:
        try:
            content = await self._client.complete(
                self.messages(question, passages, earlier=earlier), temperature=TEMPERATURE, max_tokens=MAX_TOKENS
            )
        except ChatError as exc:
            raise WriterError(str(exc)) from exc
        if not content:
            raise WriterError("empty content")
        return content

    async def aclose(self) -> None:
        await self._client.aclose()
