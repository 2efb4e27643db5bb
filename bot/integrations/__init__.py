"""Clients for outside services (an LLM, payments); each SDK is imported in exactly one module here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.integrations.openai_chat import ChatClient
    from bot.services.community import CommunityContext
    from bot.services.faq.grounding import AnswerWriter
    from bot.services.faq.judge import Judge
    from bot.services.faq.semantic import Encoder
    from bot.settings import Settings


def llm_configured(settings: Settings) -> bool:
    """An OpenAI-compatible server is set: a key (OpenAI), a base URL (Ollama, vLLM: no key needed) or both."""
    return settings.openai_api_key is not None or bool(settings.openai_base_url)


def _chat_client(settings: Settings) -> ChatClient:
    """A client for the configured server; the SDK is imported only here, so a bot without an LLM never loads it."""
    from bot.integrations.openai_chat import ChatClient

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key is not None else None
    return ChatClient(
        api_key=key,
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout_seconds,
    )


def answer_writer(settings: Settings, community: CommunityContext) -> AnswerWriter | None:
    """The LLM answer writer when an LLM is configured (`MEMBOT_OPENAI_API_KEY` or `_BASE_URL`), else None."""
    if not llm_configured(settings):
        return None
    from bot.integrations.openai_writer import OpenAIWriter

    return OpenAIWriter(
        _chat_client(settings),
        prompts=settings.prompts_path,
        community=community.name,
        creator=community.creator_name,
        locale=community.locale,
    )


def llm_judge(settings: Settings, locale: str = "en") -> Judge | None:
    """The LLM judge when an LLM is configured, whatever `MEMBOT_FAQ_JUDGE` says (`membot faq --engine llm`)."""
    if not llm_configured(settings):
        return None
    from bot.integrations.openai_judge import OpenAIJudge

    return OpenAIJudge(_chat_client(settings), prompts=settings.prompts_path, locale=locale)


def answer_judge(settings: Settings, community: CommunityContext) -> Judge | None:
    """The FAQ's judge for the app: an LLM is configured and `MEMBOT_FAQ_JUDGE` is on (the default)."""
    return llm_judge(settings, community.locale) if settings.faq_judge else None


def faq_encoder(settings: Settings) -> Encoder | None:
    """The local sentence encoder for `MEMBOT_FAQ_ENGINE=hybrid` (the default), else None."""
    from bot.integrations.local_embeddings import load_encoder

    return load_encoder(settings.faq_engine)
