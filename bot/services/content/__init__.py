"""Content: drops (the queue, publishing, DMs and the weekly digest) and the library they become."""

from __future__ import annotations

from bot.services.content.placement import follow_new_slots
from bot.services.content.queue import NewDrop, schedule_queue
from bot.services.content.service import ContentService

__all__ = ["ContentService", "NewDrop", "follow_new_slots", "schedule_queue"]
