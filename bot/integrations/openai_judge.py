"""The FAQ judge on an OpenAI-compatible chat model: which of the top candidates answers the message.

Standing instructions go in the system message; the candidates and the member's message go in
the user message inside marker blocks the quoted text cannot close. The reply is parsed strictly
(`bot.services.faq.judge.parse_pick`): one candidate id or "none", nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bot.integrations.openai_chat import ChatClient, ChatError, PromptFiles, earlier_block, quote
from bot.services.faq.judge import Candidate, JudgeError, parse_pick

MAX_TOKENS = 40  # an id, or "none"
TEMPERATURE = 0.0


def candidate_block(candidate: Candidate) -> str:
    return (
        f"<<<CANDIDATE {quote(candidate.id)}\nQuestion: {quote(candidate.question)}\n"
        f"Answer: {quote(candidate.answer)}\nCANDIDATE>>>"
    )


class OpenAIJudge:
    """Picks a candidate with one short completion; errors, timeouts and bad replies become `JudgeError`."""

    def __init__(self, client: ChatClient, *, prompts: Path, locale: str = "en") -> None:
        files = PromptFiles(prompts)
        self._system = files.load("judge_system", locale)
        self._user = files.load("judge_user", locale)
        self._client = client

    def messages(
        self, message: str, candidates: Sequence[Candidate], *, earlier: str | None = None
    ) -> list[dict[str, str]]:
        """The request: instructions in the system message; the candidates and the message in the user message."""
        user = self._user.format(
            candidates="\n\n".join(candidate_block(c) for c in candidates),
            earlier=earlier_block(earlier),
            message=quote(message),
        )
        return [{"role": "system", "content": self._system}, {"role": "user", "content": user}]

    async def pick(self, message: str, candidates: Sequence[Candidate], *, earlier: str | None = None) -> str | None:
        try:
            reply = await self._client.complete(
                self.messages(message, candidates, earlier=earlier), temperature=TEMPERATURE, max_tokens=MAX_TOKENS
            )
        except ChatError as exc:
            raise JudgeError("unavailable") from exc
        return parse_pick(reply, {c.id for c in candidates})

    async def aclose(self) -> None:
        await self._client.aclose()
