"""Planning reminders: deadline × unit × recipient → slots with a send time.

The pure part (:func:`deadline_slots`, :func:`digest_slots`, :class:`ReminderPlan`) knows the
campaign, the calendar and who holds which role, and nothing about the database. :func:`plan`
reads those, and brings the `reminder` table in line: new slots are inserted (their unique key
makes this idempotent), planned rows whose time changed are moved, planned rows that no longer
match (deadline moved or removed, role or unit gone) are cancelled, and cancelled rows wanted
again are revived. Rows already claimed, sent, skipped or failed are never touched.

Slots of one deadline (its due date ``D``, its policy ``P``):

``before-N``
    for each N in ``P.before_days``: the day ``D - N``. With ``P.working_days_only``, a
    non-working day moves to the next working day, unless that is after ``D``: then to the
    previous working day, so that a "before" reminder never arrives after the due date (31/03/2024
    is a Sunday: the 0- and 1-day reminders both go on Friday 29/03/2024). Two slots landing on
    the same day are one reminder (the one nearer the due date keeps its name).
``after-K``
    K = 1 … ``max_after_due``: ``K × P.repeat_after_days`` working days after ``D`` (calendar
    days without ``working_days_only``); none when ``repeat_after_days`` is 0.
``escalate-deputy``, ``escalate-head``
    when ``P.escalate_after`` = E > 0: the deputy is told on the day of ``after-(E+1)`` (E
    reminders past due went unanswered), the head on the day of ``after-(E+2)``. One message each.

Every slot is sent at ``P.hour`` local time (the campaign's zone). Ordinary reminders go to the
unit's focal points (to its deputies when it has no focal point). Admins of the coordinating
offices (``admin_scopes``) get a weekly digest on the first working day of each week, from the
first due date until a few weeks after the last. The city's leaders (role ``leader``) get their
own digest in the same slots (deadline code ``_LEADERS``, one row per leader and week): an
overview of the whole city, sent every week, not only when someone is late.

Which rows are created now: slots up to ``now + horizon``, and not before the later of the
recipient's registration, the admin's last change of the deadline, and ``now - catch_up``. A
slot in the past is thus created only after a downtime longer than the horizon (or when the
reminders are first switched on): it is sent once, marked late. Rows planned before a downtime
are never dropped, however long it lasted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import ReminderPolicy
from core.campaign.schema import Unit as UnitDef
from schedules.calendar import WorkCalendar, local_at, zone
from storage.db import Database
from storage.models import Role
from storage.queries import deadlines as dq
from storage.queries import reminders as rq
from storage.queries.deadlines import EffectiveDeadline
from storage.queries.reminders import MemberRow

log = logging.getLogger(__name__)

DIGEST_CODE = "_DIGEST"
LEADER_DIGEST_CODE = "_LEADERS"
NOTICE_CODE = "_NOTICE"
LEADER = Role.LEADER.value
RECIPIENT_ROLES = ("focal", "deputy", "head", "admin", LEADER)


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """How far ahead rows are created, how far back a downtime is made up, how long to urge."""

    horizon: timedelta = timedelta(days=7)
    catch_up: timedelta = timedelta(days=3)
    max_after_due: int = 10
    weekly_digest: bool = True
    digest_weeks_after_last_due: int = 8


@dataclass(frozen=True, slots=True)
class Slot:
    """One planned moment: ``key`` is what the row stores (due date + name)."""

    key: str
    name: str
    kind: str  # remind | escalate | digest
    audience: str  # focal | deputy | head | admin (a digest's slot serves leaders too)
    day: date
    send_at: datetime


@dataclass(frozen=True, slots=True)
class PlannedRow:
    deadline_code: str
    unit_id: int
    person_id: int
    slot: str
    kind: str
    send_at: datetime

    @property
    def key(self) -> tuple[str, int, int, str]:
        return (self.deadline_code, self.unit_id, self.person_id, self.slot)

    def as_values(self) -> dict[str, object]:
        return {
            "deadline_code": self.deadline_code,
            "unit_id": self.unit_id,
            "person_id": self.person_id,
            "slot": self.slot,
            "kind": self.kind,
            "send_at": self.send_at,
        }


def slot_key(due: date, name: str) -> str:
    """``20240331:before-7``: the due date is part of the key, so a moved deadline gets new keys."""
    return f"{due:%Y%m%d}:{name}"


def slot_due(key: str) -> date | None:
    """The due date a slot key was planned for (None for digests and notices)."""
    head, sep, _ = key.partition(":")
    if not sep or len(head) != 8 or not head.isdigit():
        return None
    return date(int(head[:4]), int(head[4:6]), int(head[6:]))


def slot_name(key: str) -> str:
    return key.partition(":")[2] or key


# -- pure planning ------------------------------------------------------------------------------


def _before_day(nominal: date, due: date, calendar: WorkCalendar) -> date:
    if calendar.is_working_day(nominal):
        return nominal
    later = calendar.next_working_day(nominal)
    return later if later <= due else calendar.previous_working_day(nominal)


def after_day(due: date, k: int, policy: ReminderPolicy, calendar: WorkCalendar) -> date:
    """The day of the k-th reminder after the due date (k >= 1)."""
    if policy.working_days_only:
        return calendar.add_working_days(due, k * policy.repeat_after_days)
    return due + timedelta(days=k * policy.repeat_after_days)


def deadline_slots(
    due: date,
    policy: ReminderPolicy,
    calendar: WorkCalendar,
    tz: ZoneInfo,
    *,
    max_after_due: int = 10,
) -> list[Slot]:
    """Every slot of a deadline due on `due`, in time order (see the module docstring)."""

    def make(name: str, kind: str, audience: str, day: date) -> Slot:
        return Slot(slot_key(due, name), name, kind, audience, day, local_at(day, policy.hour, tz))

    by_day: dict[date, Slot] = {}
    for n in sorted(set(policy.before_days)):  # nearest first: it keeps its name on a clash
        nominal = due - timedelta(days=n)
        day = _before_day(nominal, due, calendar) if policy.working_days_only else nominal
        by_day.setdefault(day, make(f"before-{n}", "remind", "focal", day))
    slots = sorted(by_day.values(), key=lambda s: s.day)
    if policy.repeat_after_days > 0:
        for k in range(1, max_after_due + 1):
            slots.append(make(f"after-{k}", "remind", "focal", after_day(due, k, policy, calendar)))
        e = policy.escalate_after
        if e > 0:
            deputy_day = after_day(due, e + 1, policy, calendar)
            head_day = after_day(due, e + 2, policy, calendar)
            slots.append(make("escalate-deputy", "escalate", "deputy", deputy_day))
            slots.append(make("escalate-head", "escalate", "head", head_day))
    slots.sort(key=lambda s: (s.send_at, s.audience))
    return slots


def digest_slots(
    start: date, end: date, hour: int, calendar: WorkCalendar, tz: ZoneInfo
) -> list[Slot]:
    """The weekly digest: the first working day of each ISO week whose Monday is in
    [start, end] (a week with no working day has none)."""
    monday = start - timedelta(days=start.weekday())
    if monday < start:
        monday += timedelta(days=7)
    out: list[Slot] = []
    while monday <= end:
        day = next(
            (
                monday + timedelta(i)
                for i in range(5)
                if calendar.is_working_day(monday + timedelta(i))
            ),
            None,
        )
        if day is not None:
            year, week, _ = monday.isocalendar()
            name = f"digest-{year}W{week:02d}"
            out.append(Slot(name, name, "digest", "admin", day, local_at(day, hour, tz)))
        monday += timedelta(days=7)
    return out


def in_scope(eff: EffectiveDeadline, unit: UnitDef) -> bool:
    """Whether a deadline concerns a unit (the unit must exist on the due date)."""
    return eff.deadline.applies_to.covers(unit) and unit.is_active_on(eff.due)


def admin_scope_kinds(campaign: CampaignDef) -> dict[str, frozenset[str] | None]:
    """Admin unit code → the unit kinds its admins follow (None: all)."""
    scopes: dict[str, frozenset[str] | None] = {}
    for s in campaign.admin_scopes:
        scopes[s.unit] = None if s.kinds == "all" else frozenset(s.kinds)
    scopes.setdefault(campaign.campaign.coordinator_unit, None)
    return scopes


@dataclass
class ReminderPlan:
    """Who gets which slot of which deadline, for one state of the campaign (no I/O)."""

    campaign: CampaignDef
    deadlines: Sequence[EffectiveDeadline]
    unit_ids: Mapping[str, int]  # code → database id (units the file lists)
    members: Sequence[MemberRow]
    calendar: WorkCalendar
    settings: PlanSettings = field(default_factory=PlanSettings)

    def __post_init__(self) -> None:
        self.tz = zone(self.campaign.campaign.timezone)
        units = [(self.unit_ids[u.code], u) for u in self.campaign.units if u.code in self.unit_ids]
        self.unit_by_id: dict[int, UnitDef] = dict(units)
        self.by_code = {e.code: e for e in self.deadlines}
        self.slots: dict[str, list[Slot]] = {}
        self.slot_index: dict[str, dict[str, Slot]] = {}
        self.scope: dict[str, list[int]] = {}
        for eff in self.deadlines:
            slots = deadline_slots(
                eff.due,
                eff.policy,
                self.calendar,
                self.tz,
                max_after_due=self.settings.max_after_due,
            )
            self.slots[eff.code] = slots
            self.slot_index[eff.code] = {s.key: s for s in slots}
            self.scope[eff.code] = [uid for uid, u in units if in_scope(eff, u)]
        self.audiences: dict[int, dict[str, list[MemberRow]]] = {}
        for m in self.members:
            self.audiences.setdefault(m.unit_id, {}).setdefault(m.role, []).append(m)
        self.scope_sets = {code: set(ids) for code, ids in self.scope.items()}
        self._digest = self._digest_slots()
        self._digest_index = {s.key: s for s in self._digest}
        self._admin_units = {
            self.unit_ids[code]
            for code in admin_scope_kinds(self.campaign)
            if code in self.unit_ids
        }
        # Leaders follow the whole city, whichever office they registered through (it must
        # still be in the campaign file).
        live_units = set(self.unit_ids.values())
        self._leaders = [m for m in self.members if m.role == LEADER and m.unit_id in live_units]

    def recipients(self, unit_id: int, audience: str) -> list[MemberRow]:
        """Who receives a slot of this audience for the unit."""
        roles = self.audiences.get(unit_id, {})
        if audience == "focal":
            return roles.get("focal") or roles.get("deputy") or []
        return roles.get(audience, [])

    def _unit_exists_on(self, unit_id: int, day: date) -> bool:
        unit = self.unit_by_id.get(unit_id)
        return unit is not None and unit.is_active_on(day)

    def _digest_slots(self) -> list[Slot]:
        if not self.settings.weekly_digest or not self.deadlines:
            return []
        dues = [e.due for e in self.deadlines]
        end = max(dues) + timedelta(weeks=self.settings.digest_weeks_after_last_due)
        hour = self.campaign.reminder_defaults.hour
        return digest_slots(min(dues) + timedelta(days=1), end, hour, self.calendar, self.tz)

    def rows(
        self, *, lower: datetime | None = None, upper: datetime | None = None
    ) -> Iterator[PlannedRow]:
        """Every wanted row with ``lower <= send_at <= upper`` (each bound None: open), also
        after each recipient's registration and the deadline's last change by an admin."""
        for eff in self.deadlines:
            floor = _later(lower, eff.changed_at)
            slots = [s for s in self.slots[eff.code] if upper is None or s.send_at <= upper]
            if floor is not None:
                slots = [s for s in slots if s.send_at >= floor]
            if not slots:
                continue
            for unit_id in self.scope[eff.code]:
                for s in slots:
                    if not self._unit_exists_on(unit_id, s.day):
                        continue
                    for m in self.recipients(unit_id, s.audience):
                        if s.send_at >= m.since:
                            yield PlannedRow(
                                eff.code, unit_id, m.person_id, s.key, s.kind, s.send_at
                            )
        for s in self._digest:
            if (upper is not None and s.send_at > upper) or (
                lower is not None and s.send_at < lower
            ):
                continue
            for unit_id in self._admin_units:
                for m in self.audiences.get(unit_id, {}).get("admin", []):
                    if s.send_at >= m.since:
                        yield PlannedRow(
                            DIGEST_CODE, unit_id, m.person_id, s.key, s.kind, s.send_at
                        )
            for m in self._leaders:
                if s.send_at >= m.since:
                    yield PlannedRow(
                        LEADER_DIGEST_CODE, m.unit_id, m.person_id, s.key, s.kind, s.send_at
                    )

    def wanted(self, deadline_code: str, unit_id: int, person_id: int, key: str) -> Slot | None:
        """The slot an existing row stands for, if it is still wanted (else None)."""
        if deadline_code == LEADER_DIGEST_CODE:
            s = self._digest_index.get(key)
            leader = any(m.person_id == person_id and m.unit_id == unit_id for m in self._leaders)
            return s if s is not None and leader else None
        if deadline_code == DIGEST_CODE:
            s = self._digest_index.get(key)
            if s is None or unit_id not in self._admin_units:
                return None
            admins = self.audiences.get(unit_id, {}).get("admin", [])
            return s if any(m.person_id == person_id for m in admins) else None
        s = self.slot_index.get(deadline_code, {}).get(key)
        if s is None or unit_id not in self.scope_sets.get(deadline_code, ()):
            return None
        if not self._unit_exists_on(unit_id, s.day):
            return None
        if not any(m.person_id == person_id for m in self.recipients(unit_id, s.audience)):
            return None
        return s


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


# -- the database side ------------------------------------------------------------------------


@dataclass
class PlanReport:
    inserted: int = 0
    moved: int = 0
    cancelled: int = 0
    revived: int = 0
    wanted: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"reminders planned: {self.inserted} new, {self.moved} moved, {self.cancelled} "
            f"cancelled, {self.revived} revived ({self.wanted} wanted; {self.seconds:.2f}s)"
        )


async def load_plan(
    db: Database, *, campaign: CampaignDef, settings: PlanSettings
) -> tuple[ReminderPlan, list[rq.OpenRow]]:
    """The plan for the campaign as the database has it now, and the rows the planner may
    still change."""
    cid = campaign.campaign.id
    async with db.read() as conn:
        deadlines = await dq.effective_deadlines(conn, campaign=campaign)
        calendar = WorkCalendar(await dq.calendar_overrides(conn))
        units = await dq.unit_ids(conn, campaign_id=cid)
        members = await rq.active_members(conn, campaign_id=cid, roles=RECIPIENT_ROLES)
        existing = await rq.open_rows(conn, campaign_id=cid)
    plan_ = ReminderPlan(campaign, deadlines, units, members, calendar, settings)
    return plan_, existing


async def plan(
    db: Database,
    *,
    campaign: CampaignDef,
    clock: Callable[[], datetime],
    settings: PlanSettings | None = None,
) -> PlanReport:
    """Bring the reminder table in line with the campaign, the calendar and the people."""
    started = time.perf_counter()
    settings = settings or PlanSettings()
    now = clock()
    the_plan, existing = await load_plan(db, campaign=campaign, settings=settings)
    lower, upper = now - settings.catch_up, now + settings.horizon
    desired = {r.key: r for r in the_plan.rows(lower=lower, upper=upper)}
    report = PlanReport(wanted=len(desired))
    known: set[tuple[str, int, int, str]] = set()
    moves: list[tuple[int, datetime]] = []
    revivals: list[tuple[int, datetime]] = []
    cancels: list[int] = []
    for row in existing:
        key = (row.deadline_code, row.unit_id, row.person_id, row.slot)
        known.add(key)
        if row.state == "cancelled":
            wanted_row = desired.get(key)
            if wanted_row is not None:
                revivals.append((row.id, wanted_row.send_at))
            continue
        slot = the_plan.wanted(row.deadline_code, row.unit_id, row.person_id, row.slot)
        if slot is None:
            cancels.append(row.id)
        elif slot.send_at != row.send_at:
            moves.append((row.id, slot.send_at))
    new_rows = [r.as_values() for k, r in desired.items() if k not in known]
    report.moved, report.revived, report.cancelled = len(moves), len(revivals), len(cancels)
    if not (new_rows or moves or revivals or cancels):
        report.seconds = time.perf_counter() - started
        return report
    async with db.transaction() as conn:
        report.inserted = await rq.insert_planned(
            conn, campaign_id=campaign.campaign.id, rows=new_rows
        )
        await rq.reschedule(conn, changes=moves)
        await rq.revive(conn, changes=revivals)
        await rq.cancel(conn, ids=cancels, reason="no longer planned")
    report.seconds = time.perf_counter() - started
    if report.inserted or report.moved or report.cancelled or report.revived:
        log.info("%s", report)
    return report
