"""membot: a self-hosted membership bot for creators, on Slack and Discord."""

__version__ = "0.1.0"
