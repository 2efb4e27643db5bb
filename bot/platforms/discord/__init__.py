"""The Discord adapter (discord.py): the only package in membot that imports `discord`."""

from __future__ import annotations
