"""What each table holds about a member, and what forgetting them does to it.

Every table must appear here: a test fails when a new table has no policy, so personal
data in a new table cannot be forgotten by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ERASED = "[erased]"

Action = Literal["delete", "anonymise", "keep", "none"]


@dataclass(frozen=True)
class TablePolicy:
    """`link` is the column naming the member (None: the table holds nothing about members).

    `forget` says what happens to that member's rows: delete them; anonymise them (set the
    `erase` columns, keeping the row for anonymous aggregates such as churn or attendance);
    or keep them as they are because they hold no personal data once the member row and
    identities are gone.
    """

    link: str | None
    forget: Action
    erase: dict[str, Any] = field(default_factory=dict)


POLICIES: dict[str, TablePolicy] = {
    "communities": TablePolicy(None, "none"),
    "tiers": TablePolicy(None, "none"),
    "content_items": TablePolicy(None, "none"),
    # learned_questions may hold a member's own wording: forgetting them removes it whole
    # (storage.repositories.privacy.forget_learned_wordings), the entry stays.
    "faq_entries": TablePolicy(None, "none"),
    "live_sessions": TablePolicy(None, "none"),
    "live_series": TablePolicy(None, "none"),  # a weekly timetable: no member in it
    "inbound_events": TablePolicy(None, "none"),  # platform delivery ids only
    "members": TablePolicy(
        "id", "anonymise", {"display_name": ERASED, "locale": None, "timezone": None, "segments": []}
    ),
    "platform_identities": TablePolicy("member_id", "delete"),
    "member_preferences": TablePolicy("member_id", "delete"),
    "memberships": TablePolicy(
        "member_id", "anonymise", {"stripe_customer_id": None, "stripe_subscription_id": None, "cancel_reason": None}
    ),
    "activity": TablePolicy("member_id", "anonymise", {"ref": None}),
    "rsvps": TablePolicy("member_id", "keep"),
    "onboarding_progress": TablePolicy("member_id", "keep"),
    "nudges": TablePolicy("member_id", "keep"),
    "milestones": TablePolicy("member_id", "keep"),
    "poll_votes": TablePolicy("member_id", "keep"),
    "referrals": TablePolicy("referrer_id", "keep"),
    "live_questions": TablePolicy("member_id", "anonymise", {"text": ERASED, "member_id": None}),
    "feedback": TablePolicy("member_id", "delete"),
    "member_replies": TablePolicy("member_id", "delete"),  # their words, and the creator's answer to them
    "faq_questions": TablePolicy(
        "member_id", "anonymise", {"question": ERASED, "answer": None, "place": {}, "member_id": None}
    ),
    "outbox": TablePolicy(
        "member_id", "anonymise", {"payload": {"text": ERASED, "blocks": []}, "target": {}, "member_id": None}
    ),
    "announcements": TablePolicy("author_id", "anonymise", {"author_id": None}),
    "polls": TablePolicy("created_by", "anonymise", {"created_by": None}),
    "referral_codes": TablePolicy("member_id", "delete"),
    "waitlist": TablePolicy("member_id", "delete"),
    "link_codes": TablePolicy("member_id", "delete"),
    "send_budgets": TablePolicy(None, "none"),  # a platform workspace's pacing: no person in it
    "stripe_events": TablePolicy(None, "none"),  # payloads are scrubbed by customer id, see services.privacy
    "erasures": TablePolicy(None, "none"),  # keyed hashes of erased ids only
    "launch_windows": TablePolicy(None, "none"),  # the doors' timetable: no member in it
    "experiments": TablePolicy(None, "none"),  # which experiments ran, and their winners
    # which copy a member got: nothing personal once they are forgotten, and it keeps the results honest
    "experiment_assignments": TablePolicy("member_id", "keep"),
}

# Rows that point at the member from another column too (a referral names two people).
SECOND_LINKS: dict[str, str] = {"referrals": "referred_id"}

# Where the member's name, their handle on each platform and their own words are kept:
# (table, column or `column.key` in a JSON column, shortest value worth searching for). Read
# before the erasure and searched for in QUOTED. Words shorter than 8 characters ("grow")
# would match other people's messages, so only names and handles are searched for when short.
FINGERPRINTS: tuple[tuple[str, str, int], ...] = (
    ("members", "display_name", 2),
    ("platform_identities", "user_id", 2),
    ("feedback", "text", 8),
    ("member_replies", "text", 8),
    ("faq_questions", "question", 8),
    ("live_questions", "text", 8),
    ("memberships", "cancel_reason", 8),
    ("member_preferences", "answers.why", 8),
    ("member_preferences", "answers.goal", 8),
)

# JSON columns of rows addressed to someone else that may quote any member (a creator's
# notice of feedback, a forwarded question, a list of quiet members, a channel welcome).
# Forgetting a member replaces their fingerprints there; a clipped quote loses the whole text.
QUOTED: dict[str, tuple[str, ...]] = {"outbox": ("payload", "target"), "inbound_events": ("payload",)}
