"""Slack adapter: membot as a Slack app (slack-bolt, Socket Mode or HTTP).

Only this package imports slack_bolt / slack_sdk, and only `adapter`, `errors` and
`access` do so at import time; `commands`, `inbound`, `render` and `manifest` are pure.
The composition root builds it with `bot.platforms.slack.adapter.create_slack_platform`.
"""
