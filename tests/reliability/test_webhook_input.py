"""Random bytes at the HTTP endpoints: the Slack events endpoint and the Stripe webhook answer 4xx
(never 5xx) and record nothing, whether the signature is missing, wrong, stale, or valid over garbage.

Absurd headers get 401, signed bodies Slack would never send get 400, and strangers' junk logs
one line a minute per cause, not one per request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.clock import FakeClock
from bot.platforms.slack.adapter import SlackPlatform
from bot.testing.fake_slack import FakeSlack
from bot.testing.fake_stripe import FakeStripe
from bot.web import WebServer
from storage.models import StripeEvent
from tests.kits.billing import stripe_events
from tests.kits.database import table_counts
from tests.kits.slack import SECRET, TEAM, Reply, SlackRequests

HTTP_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=8,
)
EVENT_LIKE = st.fixed_dictionaries(
    {},
    optional={
        "object": st.sampled_from(["event", "list", 1]) | JSONISH,
        "id": JSONISH,
        "type": JSONISH,
        "data": JSONISH,
    },
)
BODIES = (
    st.binary(max_size=2000)
    | JSONISH.map(lambda v: json.dumps(v).encode())
    | EVENT_LIKE.map(lambda v: json.dumps(v).encode())
)


@HTTP_SETTINGS
@given(body=BODIES, signing=st.sampled_from(["none", "garbage", "stale", "wrong-secret", "valid"]))
async def test_random_bodies_at_the_stripe_webhook_get_4xx_and_record_nothing_unless_signed_events(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, body: bytes, signing: str
) -> None:
    headers = {"Content-Type": "application/json"}
    if signing == "garbage":
        headers["Stripe-Signature"] = (
            "".join(c for c in body[:40].decode("latin-1") if c.isprintable() and c.isascii()) or "x"
        )
    elif signing == "stale":
        headers["Stripe-Signature"] = stripe_fake.sign(body, timestamp=int(time.time()) - 301)
    elif signing == "wrong-secret":
        headers["Stripe-Signature"] = stripe_fake.sign(body, secret="whsec_not_ours")
    elif signing == "valid":
        headers["Stripe-Signature"] = stripe_fake.sign(body)
    before = len(await stripe_events(paid_app))
    response = await webhook.post("/stripe/webhook", data=body, headers=headers)
    await response.read()
    assert response.status < 500
    recorded = len(await stripe_events(paid_app)) - before
    if signing != "valid":
        assert response.status == 400 and recorded == 0
    else:
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        is_event = isinstance(event, dict) and event.get("object") == "event" and event.get("id") and event.get("type")
        assert response.status == (200 if is_event else 400)
        assert recorded <= (1 if is_event else 0)
    # Whatever was recorded, processing it never raises (a bad one is marked failed and retried later).
    await paid_app.services.billing.process_events()


async def test_a_replayed_stripe_event_older_than_five_minutes_is_rejected(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe
) -> None:
    event = stripe_fake.event("customer.subscription.updated", {"id": "sub_x", "object": "subscription"})
    body = FakeStripe.body(event)
    fresh = await webhook.post("/stripe/webhook", data=body, headers={"Stripe-Signature": stripe_fake.sign(body)})
    assert fresh.status == 200
    replay = await webhook.post(
        "/stripe/webhook",
        data=body,
        headers={"Stripe-Signature": stripe_fake.sign(body, timestamp=int(time.time()) - 301)},
    )
    assert replay.status == 400
    async with paid_app.database.session() as session:
        rows = (await session.execute(StripeEvent.__table__.select())).all()
    assert len(rows) == 1


SLACK_BODIES = st.one_of(
    st.dictionaries(st.text(max_size=10), JSONISH, max_size=5).map(lambda d: ("application/json", json.dumps(d))),
    st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=5).map(
        lambda d: ("application/x-www-form-urlencoded", urlencode(d))
    ),
    st.fixed_dictionaries({"payload": st.dictionaries(st.text(max_size=10), JSONISH, max_size=5).map(json.dumps)}).map(
        lambda d: ("application/x-www-form-urlencoded", urlencode(d))
    ),
    st.text(max_size=500).map(lambda t: ("application/x-www-form-urlencoded", t)),
)


@HTTP_SETTINGS
@given(body=SLACK_BODIES, signing=st.sampled_from(["none", "garbage", "stale", "wrong-secret", "valid"]))
async def test_random_bodies_at_the_slack_endpoint_get_4xx_and_change_nothing(
    slack_app: App, requests: SlackRequests, body: tuple[str, str], signing: str
) -> None:
    content_type, text = body
    reply = await _post_slack(requests, content_type, text, signing)
    assert reply.status < 500, reply
    if signing != "valid":
        assert reply.status == 401, reply


@HTTP_SETTINGS
@given(body=SLACK_BODIES, signing=st.sampled_from(["none", "garbage", "stale", "wrong-secret"]))
async def test_unsigned_slack_requests_change_nothing(
    slack_app: App, requests: SlackRequests, body: tuple[str, str], signing: str
) -> None:
    before = await table_counts(slack_app)
    await _post_slack(requests, *body, signing)
    assert await table_counts(slack_app) == before


async def _post_slack(
    requests: SlackRequests, content_type: str, text: str, signing: str, *, timestamp: str = "1"
) -> Reply:
    if signing == "none":
        headers = {"content-type": content_type}
    elif signing == "garbage":
        headers = {"content-type": content_type, "x-slack-request-timestamp": timestamp, "x-slack-signature": "v0=00"}
    elif signing == "stale":
        headers = requests.headers(text, content_type=content_type, timestamp=int(time.time()) - 301)
    elif signing == "wrong-secret":
        headers = requests.headers(text, content_type=content_type, secret="not-our-secret")
    else:
        headers = requests.headers(text, content_type=content_type)
    return await requests.send(text, headers)


@pytest.mark.parametrize(
    ("content_type", "body", "timestamp"),
    [
        ("application/json", "null", "1"),
        ("application/json", "{not json", "1"),
        ("application/json", "{}", "nope"),
        ("application/x-www-form-urlencoded", "payload=null", "1"),
    ],
)
async def test_malformed_unsigned_slack_requests_get_4xx(
    slack_app: App, requests: SlackRequests, content_type: str, body: str, timestamp: str
) -> None:
    reply = await _post_slack(requests, content_type, body, "garbage", timestamp=timestamp)
    assert reply.status < 500


# -- absurd headers and malformed signed bodies (issue 14, item 8) -----------------------------

GOOD_TS = str(int(time.time()))
ABSURD_TIMESTAMPS = [
    "9" * 400,
    "²",
    "",
    "-5",
    "-1790000000",
    "٣",
    "1e9",
    " " + GOOD_TS,
    GOOD_TS + "\x00",
    "0x10",
    "1" * 13,
]
EVENT_BODY = json.dumps(
    {
        "type": "event_callback",
        "team_id": TEAM,
        "event": {"type": "team_join", "user": {"id": "U0X"}},
        "event_id": "Ev0ABSURD",
    }
)


async def test_absurd_timestamps_and_odd_signatures_get_401_signed_or_not(
    slack_app: App, requests: SlackRequests
) -> None:
    for timestamp in ABSURD_TIMESTAMPS:
        garbage = {
            "content-type": "application/json",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": "v0=" + "0" * 64,
        }
        signed = {
            **garbage,
            "x-slack-signature": _sign(EVENT_BODY, timestamp),
        }  # a correct HMAC over the absurd timestamp
        for headers in (garbage, signed):
            assert await requests.send(EVENT_BODY, headers) == Reply(401, "invalid signature"), repr(timestamp)
    for signature in ("v0=ü", "v0=" + "é" * 64, "", "v0=", "v1=" + "0" * 64):
        headers = {**requests.headers(EVENT_BODY, content_type="application/json"), "x-slack-signature": signature}
        assert (await requests.send(EVENT_BODY, headers)).status == 401, repr(signature)
    assert await slack_app.services.membership.summaries() == []


def _sign(body: str, timestamp: str) -> str:
    return "v0=" + hmac.new(SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()


def _malformed(requests: SlackRequests) -> dict[str, tuple[str, str]]:
    """Signed bodies Slack would never send, each one field off (the issue's list, and neighbours)."""

    def envelope(event: object) -> tuple[str, str]:
        return "application/json", json.dumps(
            {"type": "event_callback", "team_id": TEAM, "event": event, "event_id": "Ev0BAD"}
        )

    def payload(value: object) -> tuple[str, str]:
        return "application/x-www-form-urlencoded", urlencode({"payload": json.dumps(value)})

    click = requests.block_actions({"type": "button", "action_id": "help.show", "value": ""})
    submit = requests.view_submission("feedback.send", {"text": {"text": {"type": "plain_text_input", "value": "hi"}}})
    no_user = {k: v for k, v in click.items() if k != "user"}
    untyped_view = {**submit, "view": {k: v for k, v in submit["view"].items() if k != "type"}}
    return {
        "event is null": envelope(None),
        "event is a string": envelope("team_join"),
        "event without type": envelope({"user": "U0X"}),
        "message user is an object": envelope(
            {"type": "message", "user": {"id": "U0X"}, "channel": "C0GENERAL", "text": "hi", "ts": "1.2"}
        ),
        "team_join user is a string": envelope({"type": "team_join", "user": "U0X"}),
        "reaction item is a list": envelope({"type": "reaction_added", "user": "U0X", "reaction": "tada", "item": []}),
        "actions is an object": payload({**click, "actions": {}}),
        "actions is empty": payload({**click, "actions": []}),
        "action_id is a number": payload({**click, "actions": [{"type": "button", "action_id": 7}]}),
        "block_actions without user": payload(no_user),
        "user is a string": payload({**click, "user": "U0DANA"}),
        "view without type": payload(untyped_view),
        "view is a list": payload({**submit, "view": []}),
        "form value is a number": payload(
            {**submit, "view": {**submit["view"], "state": {"values": {"text": {"text": {"type": "x", "value": 5}}}}}}
        ),
        "payload is not JSON": ("application/x-www-form-urlencoded", "payload=%7Bnot+json"),
        "payload is null": ("application/x-www-form-urlencoded", "payload=null"),
        "body is a JSON list": ("application/json", "[1, 2]"),
        "deeply nested JSON": ("application/json", "[" * 5000 + "]" * 5000),
    }


MALFORMED_NAMES = [
    "event is null",
    "event is a string",
    "event without type",
    "message user is an object",
    "team_join user is a string",
    "reaction item is a list",
    "actions is an object",
    "actions is empty",
    "action_id is a number",
    "block_actions without user",
    "user is a string",
    "view without type",
    "view is a list",
    "form value is a number",
    "payload is not JSON",
    "payload is null",
    "body is a JSON list",
    "deeply nested JSON",
]


async def test_signed_malformed_bodies_get_400_and_change_nothing(
    slack_app: App, requests: SlackRequests, fake_slack: FakeSlack
) -> None:
    cases = _malformed(requests)
    assert list(cases) == MALFORMED_NAMES
    before = await table_counts(slack_app)
    for name, (content_type, body) in cases.items():
        reply = await requests.send(body, requests.headers(body, content_type=content_type))
        assert reply.status == 400, (name, reply)
    await slack_app.settle()
    assert await table_counts(slack_app) == before
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


async def test_the_http_surface_never_answers_500(slack_app: App, slack: SlackPlatform) -> None:
    """Over real HTTP: bytes that are not UTF-8, an unknown charset, absurd headers."""
    server = WebServer(0)
    slack.add_routes(server)
    client = TestClient(TestServer(server.application))
    await client.start_server()
    try:
        cases = [
            (b"\xff\xfe\xfd", {"content-type": "application/json"}),
            (
                b"{}",
                {
                    "content-type": "application/json; charset=klingon",
                    "x-slack-request-timestamp": GOOD_TS,
                    "x-slack-signature": "v0=00",
                },
            ),
            (
                EVENT_BODY.encode(),
                {
                    "content-type": "application/json",
                    "x-slack-request-timestamp": "9" * 400,
                    "x-slack-signature": "v0=00",
                },
            ),
            (
                EVENT_BODY.encode(),
                {"content-type": "application/json", "x-slack-request-timestamp": "²", "x-slack-signature": "v0=00"},
            ),
        ]
        for body, headers in cases:
            response = await client.post("/slack/events", data=body, headers=headers)
            assert response.status == 401, (body[:20], headers)
    finally:
        await client.close()


async def test_unsigned_junk_logs_one_line_a_minute_per_cause(
    slack_app: App, requests: SlackRequests, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.platforms.slack.adapter")

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "bot.platforms.slack.adapter"]

    for _ in range(30):
        await _post_slack(requests, "application/json", "{}", "garbage", timestamp=GOOD_TS)  # wrong signature
        await _post_slack(requests, "application/json", "{}", "garbage", timestamp="²")  # bad timestamp
        await _post_slack(requests, "application/json", "{}", "none")  # no signature at all
    assert sorted(lines()) == [
        "slack: refused a request: bad timestamp",
        "slack: refused a request: no signature",
        "slack: refused a request: stale or wrong signature",
    ]

    clock.advance(timedelta(seconds=59))
    await _post_slack(requests, "application/json", "{}", "garbage", timestamp=GOOD_TS)
    assert len(lines()) == 3
    clock.advance(timedelta(seconds=2))
    await _post_slack(requests, "application/json", "{}", "garbage", timestamp=GOOD_TS)
    assert lines()[3:] == ["slack: refused a request: stale or wrong signature (and 30 more like it, not logged)"]


async def test_rejected_stripe_deliveries_log_one_line_a_minute(
    paid_app: App, webhook: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.handlers.billing")
    for index in range(25):
        response = await webhook.post(
            "/stripe/webhook", data=b"{}", headers={"Stripe-Signature": f"t=1,v1={index:064d}"}
        )
        assert response.status == 400
    assert [r.getMessage() for r in caplog.records if r.name == "bot.handlers.billing"] == [
        "stripe webhook rejected: SignatureVerificationError"
    ]


# -- properties: no header or body combination yields a 5xx ----------------------------------------

HEADER_TEXT = st.text(max_size=40) | st.integers().map(str) | st.sampled_from(["9" * 400, "²", "", "-5", GOOD_TS])


@HTTP_SETTINGS
@given(body=SLACK_BODIES, timestamp=HEADER_TEXT, signature=st.text(max_size=80) | st.just("v0=" + "0" * 64))
async def test_any_headers_without_our_signature_get_401(
    slack_app: App, requests: SlackRequests, body: tuple[str, str], timestamp: str, signature: str
) -> None:
    content_type, text = body
    headers = {"content-type": content_type, "x-slack-request-timestamp": timestamp, "x-slack-signature": signature}
    assert (await requests.send(text, headers)).status == 401


def _templates(requests: SlackRequests) -> list[tuple[str, dict]]:
    """Real-shaped signed requests of every kind membot reads, to be bent out of shape."""

    def envelope(event: dict) -> tuple[str, dict]:
        return "json", {
            "type": "event_callback",
            "team_id": TEAM,
            "event": event,
            "event_id": "Ev0PROP",
            "authorizations": [],
        }

    return [
        envelope(
            {"type": "message", "user": "U0DANA", "channel": "D0DANA", "channel_type": "im", "text": "hi", "ts": "1.2"}
        ),
        envelope(
            {"type": "app_mention", "user": "U0DANA", "channel": "C0GENERAL", "text": "<@U0MEMBOT> hi", "ts": "1.3"}
        ),
        envelope(
            {
                "type": "reaction_added",
                "user": "U0DANA",
                "reaction": "tada",
                "item": {"type": "message", "channel": "C0DROPS", "ts": "1.4"},
            }
        ),
        envelope({"type": "member_joined_channel", "user": "U0DANA", "channel": "C0GENERAL", "channel_type": "C"}),
        envelope({"type": "app_home_opened", "user": "U0DANA", "tab": "home"}),
        ("payload", requests.block_actions({"type": "button", "action_id": "help.show", "value": "x"})),
        (
            "payload",
            requests.view_submission("feedback.send", {"text": {"text": {"type": "plain_text_input", "value": "hi"}}}),
        ),
        (
            "form",
            {
                "command": "/membot",
                "text": "help",
                "user_id": "U0DANA",
                "team_id": TEAM,
                "channel_id": "C0GENERAL",
                "trigger_id": "1.2.t",
            },
        ),
    ]


def _bend(value: dict, path: list[str], replacement: object, delete: bool) -> dict:
    """A copy of `value` with the field at `path` (as far as it exists) replaced or removed."""
    bent = json.loads(json.dumps(value))
    node = bent
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            break
        node = node[key]
    if delete:
        node.pop(path[-1], None)
    else:
        node[path[-1]] = replacement
    return bent


FIELD_PATHS = st.lists(
    st.sampled_from(
        [
            "event",
            "type",
            "user",
            "id",
            "channel",
            "text",
            "item",
            "actions",
            "view",
            "state",
            "values",
            "callback_id",
            "team",
            "container",
            "message",
            "trigger_id",
            "command",
            "user_id",
            "tab",
            "ts",
            "authorizations",
        ]
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(which=st.integers(0, 7), path=FIELD_PATHS, replacement=JSONISH, delete=st.booleans())
async def test_signed_bodies_bent_out_of_shape_never_get_5xx(
    slack_app: App, requests: SlackRequests, which: int, path: list[str], replacement: object, delete: bool
) -> None:
    kind, template = _templates(requests)[which]
    bent = _bend(template, path, replacement, delete)
    if kind == "json":
        content_type, body = "application/json", json.dumps(bent)
    elif kind == "payload":
        content_type, body = "application/x-www-form-urlencoded", urlencode({"payload": json.dumps(bent)})
    else:
        content_type, body = (
            "application/x-www-form-urlencoded",
            urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in bent.items()}),
        )
    reply = await requests.send(body, requests.headers(body, content_type=content_type))
    assert reply.status < 500, (reply, bent)
