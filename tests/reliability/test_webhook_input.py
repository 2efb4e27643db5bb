"""Random bytes at the HTTP endpoints: the Slack events endpoint and the Stripe webhook answer 4xx
(never 5xx) and record nothing, whether the signature is missing, wrong, stale, or valid over garbage."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest

from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.testing.fake_stripe import FakeStripe
from storage.models import StripeEvent
from tests.slack.conftest import Reply, SlackRequests, fake_slack, requests, slack, slack_app  # noqa: F401  (fixtures)
from tests.test_authorisation import table_counts
from tests.test_billing_kit import paid_app, paid_settings, stripe_events, stripe_fake, webhook  # noqa: F401

HTTP_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=8,
)
EVENT_LIKE = st.fixed_dictionaries(
    {}, optional={"object": st.sampled_from(["event", "list", 1]) | JSONISH, "id": JSONISH, "type": JSONISH, "data": JSONISH}
)
BODIES = st.binary(max_size=2000) | JSONISH.map(lambda v: json.dumps(v).encode()) | EVENT_LIKE.map(lambda v: json.dumps(v).encode())


@HTTP_SETTINGS
@given(body=BODIES, signing=st.sampled_from(["none", "garbage", "stale", "wrong-secret", "valid"]))
async def test_random_bodies_at_the_stripe_webhook_get_4xx_and_record_nothing_unless_signed_events(
    paid_app: App, webhook: TestClient, stripe_fake: FakeStripe, body: bytes, signing: str
) -> None:
    headers = {"Content-Type": "application/json"}
    if signing == "garbage":
        headers["Stripe-Signature"] = "".join(c for c in body[:40].decode("latin-1") if c.isprintable() and c.isascii()) or "x"
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
    replay = await webhook.post("/stripe/webhook", data=body,
                                headers={"Stripe-Signature": stripe_fake.sign(body, timestamp=int(time.time()) - 301)})
    assert replay.status == 400
    async with paid_app.database.session() as session:
        rows = (await session.execute(StripeEvent.__table__.select())).all()
    assert len(rows) == 1


SLACK_BODIES = st.one_of(
    st.dictionaries(st.text(max_size=10), JSONISH, max_size=5).map(lambda d: ("application/json", json.dumps(d))),
    st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=5).map(
        lambda d: ("application/x-www-form-urlencoded", urlencode(d))
    ),
    st.fixed_dictionaries({"payload": st.dictionaries(st.text(max_size=10), JSONISH, max_size=5).map(json.dumps)}).map(lambda d: ("application/x-www-form-urlencoded", urlencode(d))),
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


async def _post_slack(requests: SlackRequests, content_type: str, text: str, signing: str, *, timestamp: str = "1") -> Reply:
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
    [("application/json", "null", "1"), ("application/json", "{not json", "1"), ("application/json", "{}", "nope"),
     ("application/x-www-form-urlencoded", "payload=null", "1")],
)
async def test_malformed_unsigned_slack_requests_get_4xx(
    slack_app: App, requests: SlackRequests, content_type: str, body: str, timestamp: str
) -> None:
    reply = await _post_slack(requests, content_type, body, "garbage", timestamp=timestamp)
    assert reply.status < 500
