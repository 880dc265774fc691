"""Sending due reminders: claim, re-check, render, rate-limit, send, record.

One run of :meth:`ReminderSender.run_once`:

1. Claims due rows in batches (``planned`` with ``send_at <= now``, or ``sending`` under an
   expired lease), only for deadlines whose sending window is open now: a working day (unless the
   deadline's policy says otherwise), from the policy's hour until ``send_until_hour`` local time.
2. For each row, right before sending: the deadline still has the due date the row was planned
   for, the unit has not fulfilled it (checked now, not when planned), the recipient still holds
   a role in the unit and has an active chat (the most recently used one on a channel we serve);
   a leaders' digest goes only to someone who is still a leader, and says how the city stands
   now.
3. Renders the Vietnamese text, waits for the channel's global and per-chat budget, sends.
   429: the whole channel waits ``retry_after`` and the row is tried again. 5xx and timeouts: a
   few tries with backoff, then the row goes back to ``planned`` for the next run; after several
   failures in a row the channel is left alone for the rest of the run. 403 (blocked): the chat
   is marked inactive, admins are told, and the person's other chat (if any) is used.
4. Commits the outcome at once, row by row: a crash between a send and its commit is the one
   window in which a reminder can go out twice (the row's lease expires and another run takes it
   over). A live process renews its lease before every attempt, so it never loses a row it is
   still sending unless one attempt outlasts the lease.

A row sent later than its first possible moment (plus ``late_grace``) says so in its text and is
recorded with ``late=True``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import ReminderPolicy
from core.campaign.schema import Unit as UnitDef
from core.channel import Channel, DeliveryError, Rejected, RetryAfter, Transient, Unreachable
from core.dates import local_date
from core.domain.digests import LeaderDigest
from core.domain.status import asked_period
from core.messages import Reply
from core.ratelimit import DEFAULT_LIMITS, Limits, RateLimiters, Sleep
from core.texts import leaders as tl
from core.texts import reminders as t
from schedules.calendar import (
    WorkCalendar,
    first_window_at_or_after,
    sending_window,
    zone,
)
from schedules.digests import leader_digest, render_digest
from schedules.planner import (
    DIGEST_CODE,
    LEADER,
    LEADER_DIGEST_CODE,
    NOTICE_CODE,
    admin_scope_kinds,
    slot_due,
    slot_name,
)
from storage.db import Database
from storage.queries import deadlines as dq
from storage.queries import reminders as rq
from storage.queries.deadlines import EffectiveDeadline

log = logging.getLogger(__name__)

MAX_RELEASED_PER_RUN = 5000


@dataclass(frozen=True, slots=True)
class SendSettings:
    """Knobs of the sender (defaults suit one process serving one bot per messenger)."""

    lease: timedelta = timedelta(minutes=5)
    batch_size: int = 50
    concurrency: int = 4
    late_grace: timedelta = timedelta(minutes=30)
    send_until_hour: int | None = 17
    max_attempts: int = 4  # transient failures of one row within one run
    max_rate_limited: int = 10  # 429 answers for one row within one run
    max_retry_after: float = 600.0
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    breaker_threshold: int = 5  # transient failures in a row before a channel is left alone
    limits: Mapping[str, Limits] = field(default_factory=lambda: dict(DEFAULT_LIMITS))


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"
    RELEASED = "released"
    LOST = "lost"  # another process took the row over
    UNREACHABLE = "unreachable"  # internal: the chat blocked the bot (never reported)


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    late: int = 0
    skipped: int = 0
    cancelled: int = 0
    failed: int = 0
    released: int = 0
    lost: int = 0
    blocked: int = 0
    seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        attr = outcome.value
        setattr(self, attr, getattr(self, attr) + 1)

    @property
    def progressed(self) -> int:
        return self.sent + self.skipped + self.cancelled + self.failed

    def __str__(self) -> str:
        return (
            f"reminders: {self.claimed} claimed, {self.sent} sent ({self.late} late), "
            f"{self.skipped} skipped, {self.cancelled} cancelled, {self.failed} failed, "
            f"{self.released} released, {self.lost} lost, {self.blocked} blocked "
            f"({self.seconds:.2f}s)"
        )


def default_worker_id() -> str:
    """host:pid:random — unique per sender instance."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class _Run:
    """What one run knows about the campaign, read once."""

    campaign: CampaignDef
    deadlines: dict[str, EffectiveDeadline]
    calendar: WorkCalendar
    tz: ZoneInfo
    units: dict[int, UnitDef]
    unit_ids: dict[str, int]
    report: SendReport
    failures: dict[str, int] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    released: set[int] = field(default_factory=set)
    admins: list[rq.MemberRow] | None = None
    # The leaders' digest figures, worked out once a run (by local day) for all the leaders.
    leader_figures: dict[date, LeaderDigest] = field(default_factory=dict)

    def policy(self, code: str) -> ReminderPolicy:
        eff = self.deadlines.get(code)
        return eff.policy if eff is not None else self.campaign.reminder_defaults


@dataclass(frozen=True, slots=True)
class _Message:
    chat: rq.ChatRow
    text: str
    late: bool


@dataclass(frozen=True, slots=True)
class _Stop:
    """The row is not to be sent: record this outcome."""

    outcome: Outcome
    reason: str


class ReminderSender:
    """Delivers due reminder rows through `channels` (name → Channel, e.g. the app's live
    dict: channels added later are used as they appear)."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        *,
        clock: Callable[[], datetime],
        settings: SendSettings | None = None,
        worker_id: str | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        limiters: RateLimiters | None = None,
        on_sent: Callable[[str], None] | None = None,
    ) -> None:
        self.db = db
        self.channels = channels
        self.clock = clock
        self.settings = settings or SendSettings()
        self.worker_id = worker_id or default_worker_id()
        self.sleep = sleep
        # The app passes the pipeline's limiters (shared by every worker with Redis): replies
        # and reminders then draw on one budget per messenger.
        self.limiters = limiters or RateLimiters(self.settings.limits, clock=monotonic, sleep=sleep)
        self.on_sent = on_sent  # counts delivered reminders (the app's metrics)
        self._claimed_at: dict[int, datetime] = {}

    # -- a run ----------------------------------------------------------------------------------

    async def run_once(self, campaign: CampaignDef) -> SendReport:
        """Send everything due now; returns what happened."""
        started = time.perf_counter()
        run = await self._prepare(campaign)
        while True:
            codes = self._open_codes(run)
            if not codes:
                break
            now = self.clock()
            async with self.db.transaction() as conn:
                rows = await rq.claim_due(
                    conn,
                    campaign_id=campaign.campaign.id,
                    codes=codes,
                    now=now,
                    worker=self.worker_id,
                    lease=self.settings.lease,
                    limit=self.settings.batch_size,
                    exclude=run.released,
                )
            if not rows:
                break
            run.report.claimed += len(rows)
            for r in rows:
                self._claimed_at[r.id] = now
            before = run.report.progressed
            await self._deliver_batch(run, rows)
            if run.report.progressed == before and len(run.released) > MAX_RELEASED_PER_RUN:
                break  # a messenger is down for many rows: the next run tries again
        run.report.seconds = time.perf_counter() - started
        if run.report.claimed:
            log.info("%s", run.report)
        return run.report

    async def _deliver_batch(self, run: _Run, rows: list[rq.ClaimedRow]) -> None:
        semaphore = asyncio.Semaphore(max(1, self.settings.concurrency))

        async def one(row: rq.ClaimedRow) -> None:
            async with semaphore:
                outcome = await self._deliver_safely(run, row)
            run.report.add(outcome)
            self._claimed_at.pop(row.id, None)
            if outcome is Outcome.RELEASED:
                run.released.add(row.id)

        await asyncio.gather(*(one(r) for r in rows))

    async def _prepare(self, campaign: CampaignDef) -> _Run:
        cid = campaign.campaign.id
        async with self.db.read() as conn:
            deadlines = await dq.effective_deadlines(conn, campaign=campaign)
            calendar = WorkCalendar(await dq.calendar_overrides(conn))
            ids = await dq.unit_ids(conn, campaign_id=cid)
        units = {ids[u.code]: u for u in campaign.units if u.code in ids}
        return _Run(
            campaign=campaign,
            deadlines={e.code: e for e in deadlines},
            calendar=calendar,
            tz=zone(campaign.campaign.timezone),
            units=units,
            unit_ids=ids,
            report=SendReport(),
        )

    def _window_open(self, run: _Run, policy: ReminderPolicy, moment: datetime) -> bool:
        return sending_window(
            moment,
            hour=policy.hour,
            until_hour=self.settings.send_until_hour,
            working_days_only=policy.working_days_only,
            calendar=run.calendar,
            tz=run.tz,
        )

    def _open_codes(self, run: _Run) -> list[str]:
        """Deadline codes whose reminders may go out now (plus digests and notices)."""
        now = self.clock()
        codes = [c for c, e in run.deadlines.items() if self._window_open(run, e.policy, now)]
        if self._window_open(run, run.campaign.reminder_defaults, now):
            codes += [DIGEST_CODE, LEADER_DIGEST_CODE, NOTICE_CODE]
        return codes

    # -- one row --------------------------------------------------------------------------------

    async def _deliver_safely(self, run: _Run, row: rq.ClaimedRow) -> Outcome:
        try:
            return await self._deliver(run, row)
        except Exception as exc:  # a bug must not stop the other rows
            log.exception("reminder %s failed", row.id)
            return await self._release(row, f"internal error: {exc!r}")

    async def _deliver(self, run: _Run, row: rq.ClaimedRow) -> Outcome:
        now = self.clock()
        if not await self._still_mine(row, now):
            return Outcome.LOST
        policy = run.policy(row.deadline_code)
        if not self._window_open(run, policy, now):
            return await self._release(row, "outside the sending window")
        eff = None
        if row.kind in ("remind", "escalate"):
            eff = run.deadlines.get(row.deadline_code)
            if eff is None:
                return await self._finish(row, Outcome.CANCELLED, "deadline removed")
            if slot_due(row.slot) != eff.due:
                return await self._finish(row, Outcome.CANCELLED, "deadline moved")
            if row.unit_id not in run.units:
                return await self._finish(row, Outcome.CANCELLED, "unit removed")
        late = self._is_late(run, row, policy, now)
        while True:
            message = await self._render(run, row, eff, policy, late)
            if isinstance(message, _Stop):
                return await self._finish(row, message.outcome, message.reason)
            result = await self._send(run, row, message)
            if result is not Outcome.UNREACHABLE:
                return result
            # The chat blocked the bot: mark it, tell the admins, try the person's other chat.
            run.report.blocked += 1
            await self._blocked(run, row, message.chat)

    def _is_late(
        self, run: _Run, row: rq.ClaimedRow, policy: ReminderPolicy, now: datetime
    ) -> bool:
        first = first_window_at_or_after(
            row.send_at,
            hour=policy.hour,
            until_hour=self.settings.send_until_hour,
            working_days_only=policy.working_days_only,
            calendar=run.calendar,
            tz=run.tz,
        )
        return now - first > self.settings.late_grace

    async def _still_mine(self, row: rq.ClaimedRow, now: datetime) -> bool:
        """Renew the claim when it is getting old; False if another process took the row."""
        claimed = self._claimed_at.get(row.id)
        if claimed is not None and now - claimed < self.settings.lease / 2:
            return True
        async with self.db.transaction() as conn:
            ok = await rq.renew_claim(conn, reminder_id=row.id, worker=self.worker_id, now=now)
        if ok:
            self._claimed_at[row.id] = now
        return ok

    async def _keep_claim(self, row: rq.ClaimedRow) -> None:
        """Renew the claim every third of the lease while a send is under way."""
        period = max(self.settings.lease.total_seconds() / 3, 0.01)
        while True:
            await asyncio.sleep(period)
            now = self.clock()
            try:
                async with self.db.transaction() as conn:
                    ok = await rq.renew_claim(
                        conn, reminder_id=row.id, worker=self.worker_id, now=now
                    )
            except Exception:
                log.warning("could not renew the claim on reminder %s", row.id)
                continue
            if ok:
                self._claimed_at[row.id] = now

    async def _finish(self, row: rq.ClaimedRow, outcome: Outcome, error: str | None) -> Outcome:
        async with self.db.transaction() as conn:
            ok = await rq.finish(
                conn,
                reminder_id=row.id,
                worker=self.worker_id,
                state=outcome.value,
                now=self.clock(),
                error=error,
            )
        return outcome if ok else Outcome.LOST

    async def _release(self, row: rq.ClaimedRow, error: str) -> Outcome:
        async with self.db.transaction() as conn:
            ok = await rq.release(conn, reminder_id=row.id, worker=self.worker_id, error=error)
        return Outcome.RELEASED if ok else Outcome.LOST

    # -- texts ----------------------------------------------------------------------------------

    async def _render(
        self,
        run: _Run,
        row: rq.ClaimedRow,
        eff: EffectiveDeadline | None,
        policy: ReminderPolicy,
        late: bool,
    ) -> _Message | _Stop:
        """Check the row against the database as it is now, and word it (one connection)."""
        now = self.clock()
        today = local_date(now, run.tz)
        planned_local = (
            first_window_at_or_after(
                row.send_at,
                hour=policy.hour,
                until_hour=self.settings.send_until_hour,
                working_days_only=policy.working_days_only,
                calendar=run.calendar,
                tz=run.tz,
            ).astimezone(run.tz)
            if late
            else None
        )
        unit = run.units.get(row.unit_id)
        unit_name = unit.name if unit is not None else ""
        async with self.db.read() as conn:
            state = None
            if eff is not None:
                state = await dq.fulfilment(
                    conn, campaign_id=row.campaign_id, unit_id=row.unit_id, deadline=eff.deadline
                )
                if state.done:
                    return _Stop(Outcome.SKIPPED, "fulfilled")
            who = await rq.recipient(
                conn,
                person_id=row.person_id,
                channels=list(self.channels),
                unit_id=None if row.kind == "notice" else row.unit_id,
            )
            if who is None:
                return _Stop(Outcome.CANCELLED, "recipient left the unit")
            if who.chat is None:
                return _Stop(Outcome.FAILED, "no active chat")
            chat, name, role = who.chat, who.name, who.role or "focal"
            if row.deadline_code == LEADER_DIGEST_CODE:
                if role != LEADER:  # no longer a leader, though still in the unit
                    return _Stop(Outcome.CANCELLED, "recipient is no longer a leader")
                figures = run.leader_figures.get(today)
                if figures is None:
                    figures = await leader_digest(conn, campaign=run.campaign, today=today)
                    run.leader_figures[today] = figures
                return _Message(
                    chat, tl.digest(figures, name=name, late_planned=planned_local), late
                )
            if row.kind == "digest":
                digest = await render_digest(
                    conn,
                    campaign=run.campaign,
                    today=today,
                    admin_unit=unit.code if unit else None,
                    name=name,
                    late_planned=planned_local,
                    empty=False,
                )
                if digest is None:
                    return _Stop(Outcome.SKIPPED, "nothing late")
                return _Message(chat, digest, late)
            if row.kind == "notice" or eff is None or state is None:
                return await self._notice_text(
                    conn, row=row, chat=chat, name=name, unit_name=unit_name, late=late
                )
            missing = self._missing(run, eff, state)
            d = eff.deadline
            if row.kind == "escalate":
                sent = await rq.count_sent(
                    conn,
                    campaign_id=row.campaign_id,
                    deadline_code=row.deadline_code,
                    unit_id=row.unit_id,
                    slot_prefix=f"{eff.due:%Y%m%d}:after-",
                    before=row.send_at,
                )
                text = t.escalation(
                    name=name,
                    role=role,
                    unit=unit_name,
                    title=d.title,
                    due=eff.due,
                    days_late=(today - eff.due).days,
                    reminders_sent=sent,
                    missing=missing,
                    command=d.command,
                    late_planned=planned_local,
                )
                return _Message(chat, text, late)
        days_left = (eff.due - today).days
        last_working = (
            days_left > 0
            and not run.calendar.is_working_day(eff.due)
            and run.calendar.next_working_day(today + timedelta(days=1)) > eff.due
        )
        text = t.reminder(
            name=name,
            role=role,
            unit=unit_name,
            title=d.title,
            due=eff.due,
            days_left=days_left,
            missing=missing,
            command=d.command,
            note=d.note_in_force(eff.file_due),
            last_working_day=last_working,
            late_planned=planned_local,
        )
        return _Message(chat, text, late)

    @staticmethod
    def _missing(run: _Run, eff: EffectiveDeadline, state: dq.Fulfilment) -> str:
        """What the unit still has to do, in words."""
        fb = eff.deadline.fulfilled_by
        if fb.document is not None:
            labels = {d.code: d.label for d in run.campaign.document_types}
            template = t.MISSING_DOCUMENT_RETURNED if state.returned else t.MISSING_DOCUMENT
            return template.format(label=labels.get(fb.document, fb.document))
        if fb.report is not None:
            period = asked_period(fb.report.frequency, eff.due)
            return t.MISSING_REPORT.format(period=t.period_label(period))
        return t.MISSING_INITIATIVE

    async def _notice_text(
        self,
        conn: AsyncConnection,
        *,
        row: rq.ClaimedRow,
        chat: rq.ChatRow,
        name: str,
        unit_name: str,
        late: bool,
    ) -> _Message | _Stop:
        parts = slot_name(row.slot).split("-")
        identity_id = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
        info = await rq.identity_info(conn, identity_id=identity_id)
        if info is None:
            return _Stop(Outcome.CANCELLED, "identity gone")
        roles = dict(await rq.unit_roles(conn, person_id=info.person_id))
        text = t.blocked_notice(
            name=name,
            person=info.full_name or info.display_name,
            role=roles.get(row.unit_id, "focal"),
            unit=unit_name,
            channel=info.channel,
        )
        return _Message(chat, text, late)

    # -- sending --------------------------------------------------------------------------------

    async def _send(self, run: _Run, row: rq.ClaimedRow, message: _Message) -> Outcome:
        s = self.settings
        channel_name = message.chat.channel
        channel = self.channels.get(channel_name)
        if channel is None:
            return await self._release(row, f"channel {channel_name} is not running")
        limiter = self.limiters(channel_name)
        # Taken over from a sender that died mid-send: the person may have this already.
        reply = Reply(t.REPEAT_MARK + message.text if row.resent else message.text)
        skip = 0
        transient = 0
        limited = 0
        delay = s.backoff_initial
        while True:
            if channel_name in run.down:
                return await self._release(row, f"{channel_name} is failing; retried next run")
            if not await self._still_mine(row, self.clock()):
                return Outcome.LOST
            # The claim is renewed while the row waits for its turn and while the send lasts: a
            # slow messenger (or a loaded CPU) must not let the lease run out mid-send and
            # another sender take the row over.
            keeper = asyncio.create_task(self._keep_claim(row))
            try:
                await limiter.acquire(message.chat.chat_id)
                await channel.send(message.chat.chat_id, reply, skip=skip)
            except RetryAfter as exc:
                skip = exc.pieces_sent
                limited += 1
                wait = min(max(exc.retry_after, 0.1), s.max_retry_after)
                log.warning("%s asks to wait %.1fs (reminder %s)", channel_name, wait, row.id)
                limiter.pause(wait)
                if limited >= s.max_rate_limited:
                    return await self._release(row, f"rate limited {limited} times")
            except Transient as exc:
                skip = exc.pieces_sent
                transient += 1
                run.failures[channel_name] = run.failures.get(channel_name, 0) + 1
                if run.failures[channel_name] >= s.breaker_threshold:
                    run.down.add(channel_name)
                    log.warning(
                        "%s keeps failing (%s); pausing until the next run", channel_name, exc
                    )
                if transient >= s.max_attempts:
                    return await self._release(row, f"transient: {exc}")
                await self.sleep(delay)
                delay = min(delay * 2, s.backoff_max)
            except Unreachable as exc:
                log.info("%s chat %s unreachable: %s", channel_name, message.chat.chat_id, exc)
                return Outcome.UNREACHABLE
            except Rejected as exc:
                log.error("reminder %s rejected by %s: %s", row.id, channel_name, exc)
                return await self._finish(row, Outcome.FAILED, f"rejected: {exc}")
            except DeliveryError as exc:
                return await self._release(row, f"delivery error: {exc}")
            else:
                run.failures[channel_name] = 0
                return await self._record_sent(run, row, message)
            finally:
                keeper.cancel()

    async def _record_sent(self, run: _Run, row: rq.ClaimedRow, message: _Message) -> Outcome:
        async with self.db.transaction() as conn:
            ok = await rq.finish(
                conn,
                reminder_id=row.id,
                worker=self.worker_id,
                state="sent",
                now=self.clock(),
                late=message.late,
                channel=message.chat.channel,
            )
        if not ok:
            log.warning("reminder %s was sent but another process had taken it over", row.id)
            return Outcome.LOST
        if message.late:
            run.report.late += 1
        if self.on_sent is not None:
            self.on_sent(message.chat.channel)
        return Outcome.SENT

    async def _blocked(self, run: _Run, row: rq.ClaimedRow, chat: rq.ChatRow) -> None:
        """Mark the chat inactive and queue a notice to the admins who follow the unit."""
        now = self.clock()
        async with self.db.transaction() as conn:
            changed = await rq.deactivate_identity(conn, identity_id=chat.identity_id)
            if not changed or row.kind == "notice":
                return
            if run.admins is None:
                run.admins = await rq.active_members(
                    conn, campaign_id=row.campaign_id, roles=("admin",)
                )
            unit = run.units.get(row.unit_id)
            notices = []
            scopes = admin_scope_kinds(run.campaign)
            for admin in run.admins:
                admin_unit = next(
                    (code for code, uid in run.unit_ids.items() if uid == admin.unit_id), None
                )
                if admin_unit not in scopes:
                    continue
                kinds = scopes[admin_unit]
                if kinds is not None and (unit is None or unit.kind not in kinds):
                    continue
                notices.append(
                    {
                        "deadline_code": NOTICE_CODE,
                        "unit_id": row.unit_id,
                        "person_id": admin.person_id,
                        "slot": f"blocked-{chat.identity_id}-{local_date(now, run.tz):%Y%m%d}",
                    }
                )
            await rq.add_notices(conn, campaign_id=row.campaign_id, rows=notices, now=now)
        log.info(
            "chat %s/%s blocked the bot; %d admin(s) told", chat.channel, chat.chat_id, len(notices)
        )
