"""Onboarding: the intake, the "start here" path, the quick win, and the drip sequence.

Drip steps are timed from the start of the membership (arriving in the workspace is not
joining): `day` days later, at their preferred time of day in their time zone, never in
quiet hours, one at a time: later days count from when day 0 actually went out (`_Plan`).
A step with a condition (`unless`) is queued only once its time has come, so the condition
is read when it goes (a member who posts before their evening slot gets no "introduce yourself").
Progress is recorded per step id, so editing or reordering the sequence never resends a
step a member already had. The public welcome greets people when they become
members, whichever way (/join, Stripe, a creator's grant).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.community.schema import OnboardingStep
from bot.messages import Target
from bot.notices.live import SessionInfo
from bot.notices.onboarding import DripStep, MemberIntroduced, MemberProfile, PublicWelcome, QuickWin, StartPath
from bot.outbox import Outgoing
from bot.services.audience import dm_target
from bot.services.base import DomainService
from bot.services.billing.access import has_access
from bot.services.content.service import content_piece
from bot.services.errors import UserError
from bot.services.experiments.picker import VariantPicker
from bot.services.intake import IntakeAnswers
from bot.services.live.base import info as live_info
from bot.services.onboarding_checks import DripChecks
from bot.services.timing import member_zone, next_send_time
from storage.database import Session
from storage.models import Member, MemberPreferences
from storage.repositories import content, members, memberships
from storage.repositories import live as live_repo
from storage.repositories import onboarding as repo

log = logging.getLogger(__name__)

QUICK_WIN_STEP = "quick-win"
QUICK_WIN_AFTER = timedelta(hours=2)  # long enough not to pile onto the welcome, well inside the first day
DAY_ZERO_AFTER = timedelta(hours=1)  # day-0 steps follow the welcome instead of arriving with it
MISSED_AFTER = timedelta(days=3)  # a step added to the sequence later never reaches long-time members
STEP_GAP = timedelta(hours=1)  # the least time between two drip DMs to one member


class OnboardingService(DomainService):
    """The intake, the start path, the drip and the public welcome; for current members only."""

    async def save_intake(self, member_id: int, answers: IntakeAnswers) -> StartPath:
        """Store the answers (level, segments, preferred time, time zone) and pick the start path."""
        now = self._clock.now()
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            assert member is not None
            prefs = await members.preferences(session, member_id)
            member.level = answers.level
            member.segments = answers.segments
            if answers.timezone:
                member.timezone = answers.timezone
            first_time = prefs.intake_done_at is None
            prefs.answers = {"why": answers.why, "goal": answers.goal, "format": answers.format}
            prefs.time_of_day = answers.time_of_day
            prefs.delivery = answers.delivery
            prefs.digest = answers.digest
            prefs.intake_done_at = now
            found = await memberships.latest(session, member_id)
            joined = found is not None and has_access(found[0], now, self._grace.days)
            if first_time and member.role == "member":
                await self._introduce(session, member, answers, joined)
            return replace(await self._start_path(session, answers.level), member=joined)

    async def _introduce(self, session: Session, member: Member, answers: IntakeAnswers, joined: bool) -> None:
        """Tell the creator who joined and why, in the member's words (once per member, outside quiet hours).

        Someone who answers before joining is introduced as not a member yet: a lead the creator
        may want to greet, not a "joined" that the membership figures do not show."""
        now = self._clock.now()
        notice = MemberIntroduced(
            member.id,
            member.display_name,
            answers.why,
            answers.goal,
            answers.level,
            answers.format,
            self._community.name,
            joined,
        )
        at = next_send_time(now, zone=self._community.tz, quiet=self._community.config.quiet_hours)
        key = f"onboard:intro:member:{member.id}"
        await self._tell_creators(session, key, notice, not_before=lambda _: at if at > now else None)

    async def profile(self, member_id: int) -> MemberProfile:
        """What the creator sees on `/member show`: who they are, their membership, and their intake answers."""
        async with self._database.session() as session:
            member = await members.get(session, member_id)
            if member is None or member.community_id != self._community.id:
                raise UserError("membership.show.unknown")
            prefs = await members.preferences(session, member_id)
            found = await memberships.latest(session, member_id)
        answers = prefs.answers or {}
        held, tier = found if found is not None else (None, None)
        return MemberProfile(
            member_id=member.id,
            name=member.display_name,
            role=member.role,
            joined_at=member.joined_at,
            last_active_at=member.last_active_at,
            status=held.status if held is not None else None,
            plan=held.plan if held is not None else None,
            tier=tier.name if tier is not None else None,
            since=held.started_at if held is not None else None,
            ended=held.ended_at if held is not None else None,
            level=member.level,
            why=str(answers.get("why") or ""),
            goal=str(answers.get("goal") or ""),
            format=str(answers["format"]) if answers.get("format") else None,
            intake_at=prefs.intake_done_at,
        )

    async def start_path(self, level: int | None) -> StartPath:
        async with self._database.session() as session:
            return await self._start_path(session, level)

    async def _start_path(self, session: Session, level: int | None) -> StartPath:
        paths = self._community.config.onboarding.paths
        chosen = next((p for p in paths if level in p.levels), paths[0] if paths else None)
        if chosen is None:
            return StartPath((), ())
        items = [await content.by_slug(session, self._community.id, slug) for slug in chosen.items]
        found = [i for i in items if i is not None]
        return StartPath(
            available=tuple(content_piece(i) for i in found if i.published_at is not None),
            coming=tuple(content_piece(i) for i in found if i.published_at is None),
        )

    async def send_due_steps(self) -> int:
        """Queue every drip step (and the quick win) that has come due. Returns how many were queued."""
        now = self._clock.now()
        config = self._community.config
        steps: list[tuple[str, timedelta, OnboardingStep | None]] = []
        if config.onboarding.quick_win:
            steps.append((QUICK_WIN_STEP, QUICK_WIN_AFTER, None))
        for drip in config.onboarding.steps:
            steps.append(
                (drip.id, timedelta(days=drip.day) + (DAY_ZERO_AFTER if drip.day == 0 else timedelta(0)), drip)
            )
        steps.sort(key=lambda entry: entry[1])  # in the order they go: each is spaced from the one before
        timings = [(step_id, offset) for step_id, offset, _ in steps]
        checks = DripChecks(self._database, self._community.id, MISSED_AFTER)
        welcome = bool(config.channels.welcome and config.welcome.public)
        await checks.prepare(timings, welcome, now)
        queued = await self.welcome_new_members()
        async with self._database.session() as session:
            windows = {step_id: (now - offset - MISSED_AFTER, now - offset) for step_id, offset, _ in steps}
            due_by_step = await repo.due_for_steps(session, self._community.id, windows, now=now, grace=self._grace)
            due_ids = {m.id for due in due_by_step.values() for m, _ in due}
            plan = _Plan(steps, await repo.step_times(session, list(due_ids), [step_id for step_id, _, _ in steps]))
            for step_id, _, step in steps:
                due = due_by_step.get(step_id, [])
                if not due:
                    continue
                # One query each for the whole batch instead of up to three per member.
                ids = [m.id for m, _ in due]
                unless = step.unless if step is not None else None
                skip = (
                    await repo.posted_among(session, ids)
                    if unless == "posted"
                    else await repo.rsvped_among(session, ids)
                    if unless == "rsvped"
                    else set()
                )
                prefs = await members.preferences_for(session, ids)
                queued += await self._deliver_steps(session, due, step_id, step, plan, now, skip=skip, prefs=prefs)
        await checks.advance(timings, welcome, now)
        return queued

    async def _deliver_steps(
        self,
        session: Session,
        due: list[tuple[Member, datetime]],
        step_id: str,
        step: OnboardingStep | None,
        plan: _Plan,
        now: datetime,
        *,
        skip: set[int],
        prefs: dict[int, MemberPreferences],
    ) -> int:
        """Record and queue one step for a batch of members: one INSERT for the progress marks of each
        outcome and one for the outbox rows (as `Outbox.enqueue_many`), not two per member."""
        await repo.mark_many(session, [m.id for m, _ in due if m.id in skip], step_id, "skipped", now)  # `unless` holds
        targets = {m.id: t for m, _ in due if m.id not in skip and (t := dm_target(m, self._presence)) is not None}
        send_at: dict[int, datetime] = {}
        for member, started in due:
            if member.id in targets:
                member_prefs = prefs.get(member.id) or await members.preferences(session, member.id)
                due_at, same_day = plan.due(member.id, step_id, started, spaced=member_prefs.time_of_day is not None)
                send_at[member.id] = self._send_at(member, None if same_day else member_prefs.time_of_day, due_at, now)
        if step is not None and step.unless is not None:
            # Its condition is read when it goes, not hours before: a step waiting for the member's time
            # of day (or for quiet hours to end) is neither marked nor queued yet; a later run looks again.
            targets = {member_id: t for member_id, t in targets.items() if send_at[member_id] <= now}
        # Not on a running platform now: no mark, so a later run tries again.
        marked = await repo.mark_many(session, [m.id for m, _ in due if m.id in targets], step_id, "sent", now)
        live = await self._next_live(session, step, now) if step is not None else None
        messages: list[Outgoing] = []
        for member, _ in due:
            if member.id not in marked:
                continue  # skipped, no platform, held for later, or marked by another process meanwhile
            plan.scheduled(member.id, step_id, send_at[member.id])
            notice = await self._step_notice(session, member, step, send_at[member.id], live)
            message = self._outbox.render(notice, self._reader(member))
            key = f"onboard:{step_id}:member:{member.id}"
            messages.append((key, targets[member.id], message, member.id, send_at[member.id]))
        await self._outbox.enqueue_many(session, messages)
        return len(messages)

    def _send_at(self, member: Member, preferred: time | None, due: datetime, now: datetime) -> datetime:
        """The member's preferred time of day in their zone, outside quiet hours; now (if not quiet) when found late."""
        zone = member_zone(member.timezone, self._community.tz)
        quiet = self._community.config.quiet_hours
        send_at = next_send_time(due, zone=zone, quiet=quiet, preferred=preferred)
        if send_at < now:  # found late (downtime, a long tick): send now, unless it is quiet now
            send_at = next_send_time(now, zone=zone, quiet=quiet)
        return send_at

    async def _step_notice(
        self, session: Session, member: Member, step: OnboardingStep | None, send_at: datetime, live: SessionInfo | None
    ) -> QuickWin | DripStep:
        name, creator, community = member.display_name.split()[0], self._community.creator_name, self._community.name
        if step is None:
            return QuickWin(self._community.config.onboarding.quick_win, name, creator, community)
        variant = await VariantPicker(self._community).choose(session, f"onboarding:{step.id}", member.id, send_at)
        title, body = (variant.title or step.title, variant.text) if variant is not None else (step.title, step.body)
        return DripStep(title, body, name, creator, community, live=live)

    async def _next_live(self, session: Session, step: OnboardingStep, now: datetime) -> SessionInfo | None:
        """For a step that asks for an RSVP ("rsvped"): the next live session, so the step can offer its RSVP."""
        live = await live_repo.next_open(session, self._community.id, now) if step.unless == "rsvped" else None
        return live_info(live) if live is not None else None

    async def welcome_new_members(self) -> int:
        """Greet in the welcome channel everyone who became a member lately and has not been greeted,
        in each workspace of theirs the bot runs in. Returns how many posts were queued."""
        channel = self._community.config.channels.welcome
        if not channel or not self._community.config.welcome.public:
            return 0
        now = self._clock.now()
        reader = self._public_reader()
        spaces = set(self._presence.spaces)
        async with self._database.session() as session:
            due = await repo.due_public_welcome(
                session, self._community.id, now - MISSED_AFTER, now=now, grace=self._grace
            )
            posts: list[Outgoing] = []
            for member in due:
                post = self._outbox.render(PublicWelcome(member.display_name, self._community.name), reader)
                for identity in member.identities:
                    if (identity.platform, identity.workspace_id) not in spaces:
                        continue
                    key = repo.public_welcome_key(member.id, identity.platform, identity.workspace_id)
                    target = Target(identity.platform, identity.workspace_id, channel=channel)
                    posts.append((key, target, post, member.id, None))
            await self._outbox.enqueue_many(session, posts)  # one INSERT; `due` left out who was greeted
        return len(posts)


class _Plan:
    """When each drip step is due for a member, spaced from the steps they already have (one scan's view).

    A step goes `offset` after the membership began, shifted by how late the first day-0 step went
    out (a welcome that waited for tomorrow's preferred time moves the later days with it), and at
    least `STEP_GAP` after the member's latest step. The first step of a drip day waits for the
    preferred time; later steps of that day (the quick win) follow it instead of sharing its slot.
    So two steps never arrive together, and day 1 comes a day after day 0 actually did.
    """

    def __init__(
        self, steps: list[tuple[str, timedelta, OnboardingStep | None]], had: dict[int, dict[str, datetime]]
    ) -> None:
        self._offsets = {step_id: offset for step_id, offset, _ in steps}
        self._day_zero = next((step_id for step_id, _, step in steps if step is not None and step.day == 0), None)
        self._had = had

    def due(self, member_id: int, step_id: str, started: datetime, *, spaced: bool = True) -> tuple[datetime, bool]:
        """When the step is due for this member, and whether it follows another step of the same drip day.

        Not `spaced` (no preferred time: nothing waits for a slot, so nothing piles up in one) the step
        is due `offset` after the start, as ever: steps found late after downtime go out together."""
        had, offset = self._had.get(member_id, {}), self._offsets[step_id]
        if not spaced:
            return started + offset, False
        delay = timedelta(0)
        if self._day_zero is not None and step_id != self._day_zero and self._day_zero in had:
            delay = max(timedelta(0), had[self._day_zero] - (started + self._offsets[self._day_zero]))
        due = started + offset + delay
        if had:
            due = max(due, max(had.values()) + STEP_GAP)
        day = offset // timedelta(days=1)
        same_day = any(self._offsets[other] // timedelta(days=1) == day for other in had if other in self._offsets)
        return due, same_day

    def scheduled(self, member_id: int, step_id: str, at: datetime) -> None:
        self._had.setdefault(member_id, {})[step_id] = at
