"""Answers one Slack interaction: through its response_url when it has one, else in the channel or DMs.

Replies are best effort (the member is waiting; nothing is queued): a failure is logged by
error name and swallowed, so the handler's own work still counts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import Form, OutboundMessage
from bot.platforms.slack.directory import SlackDirectory
from bot.platforms.slack.errors import call
from bot.platforms.slack.render import render_form, render_message
from bot.ports import PlatformError

log = logging.getLogger(__name__)

Respond = Callable[..., Awaitable[Any]]


@dataclass
class SlackResponder:
    client: AsyncWebClient
    directory: SlackDirectory
    user_id: str
    channel_id: str | None = None
    thread_ts: str | None = None
    is_dm: bool = False
    respond: Respond | None = None  # Bolt's respond(), bound to the interaction's response_url
    trigger_id: str | None = None

    async def reply(self, message: OutboundMessage, *, ephemeral: bool = True) -> None:
        payload = render_message(message)
        try:
            if message.attachment is not None:
                await self._upload(message)
                return
            if self.respond is not None:
                response = await self.respond(
                    **payload, response_type="ephemeral" if ephemeral else "in_channel", replace_original=False
                )
                status = getattr(response, "status_code", 200)
                if status == 200:
                    return
                log.warning("slack: response_url answered %s; replying by message instead", status)
            await self._post(payload, ephemeral=ephemeral)
        except PlatformError as exc:
            log.warning("slack: could not reply to an interaction: %s", exc)

    async def _upload(self, message: OutboundMessage) -> None:
        """Slack files cannot be ephemeral, so a file answering an interaction goes to the person's DMs."""
        file = message.attachment
        assert file is not None
        channel = self.channel_id if self.is_dm and self.channel_id else await self.directory.dm_channel(self.user_id)
        await call(
            self.client.files_upload_v2(
                channel=channel,
                file=file.data,
                filename=file.filename,
                title=file.filename,
                initial_comment=message.text,
            )
        )

    async def _post(self, payload: dict[str, Any], *, ephemeral: bool) -> None:
        if self.channel_id and not self.is_dm:
            if ephemeral:
                await call(
                    self.client.chat_postEphemeral(
                        channel=self.channel_id, user=self.user_id, thread_ts=self.thread_ts, **payload
                    )
                )
            else:
                await call(self.client.chat_postMessage(channel=self.channel_id, thread_ts=self.thread_ts, **payload))
            return
        channel = self.channel_id if self.is_dm and self.channel_id else await self.directory.dm_channel(self.user_id)
        await call(self.client.chat_postMessage(channel=channel, **payload))

    async def open_form(self, form: Form) -> bool:
        """views.open with this interaction's trigger id (valid for 3 s); False without one."""
        if not self.trigger_id:
            return False
        metadata = json.dumps({"channel": self.channel_id, "dm": self.is_dm}) if self.channel_id else ""
        try:
            await call(
                self.client.views_open(trigger_id=self.trigger_id, view=render_form(form, private_metadata=metadata))
            )
        except PlatformError as exc:
            log.warning("slack: could not open form %s: %s", form.form_id, exc)
            return False
        return True


def origin_from_metadata(raw: str | None) -> tuple[str | None, bool]:
    """The channel a form was opened from (stored in the modal's private_metadata)."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None, False
    if not isinstance(data, dict):
        return None, False
    channel = data.get("channel")
    return (channel if isinstance(channel, str) else None), bool(data.get("dm"))
