"""Clients for outside services (an LLM, payments); each SDK is imported in exactly one module here."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.community import CommunityContext
    from bot.services.faq.semantic import Encoder
    from bot.services.faq_grounding import AnswerWriter
    from bot.settings import Settings


def answer_writer(settings: Settings, community: CommunityContext) -> AnswerWriter | None:
    """The LLM answer writer when `MEMBOT_OPENAI_API_KEY` is set, else None (local answers only).

    The SDK is imported only then, so a bot without a key never loads it.
    """
    if settings.openai_api_key is None:
        return None
    from bot.integrations.openai_writer import OpenAIWriter

    return OpenAIWriter(
        api_key=settings.openai_api_key.get_secret_value(),
        model=settings.openai_model,
        prompts=settings.prompts_path,
        community=community.name,
        creator=community.creator_name,
        base_url=settings.openai_base_url,
        timeout=settings.openai_timeout_seconds,
        locale=community.locale,
    )


def faq_encoder(settings: Settings) -> Encoder | None:
    """The local sentence encoder for `MEMBOT_FAQ_ENGINE=hybrid` (the default), else None."""
    from bot.integrations.local_embeddings import load_encoder

    return load_encoder(settings.faq_engine)
