"""Announcements: the service (draft, preview, send once) and its segments (who, and when)."""

from __future__ import annotations

from bot.services.announcements.service import AnnouncementService, Preview, Sent

__all__ = ["AnnouncementService", "Preview", "Sent"]
