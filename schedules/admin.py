"""What Phòng Nội vụ does to deadlines and the calendar, the digest of late units, and the
leaders' weekly digest of the whole city.

The command line calls these (``python -m bot deadline move D01 15/04/2024``, ``deadline add``,
``calendar off|work|clear dd/mm/yyyy``); each returns an :class:`AdminResult` whose message is
the Vietnamese sentence to show. Every change is written to the audit log. Nothing is sent from
here: the planner picks changes up on its next run, and the sender checks the current due date
and calendar before every reminder, so a change applies at once.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.campaign.schema import DEADLINE_MARGIN
from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import Deadline as DeadlineDef
from core.domain.awards import machine_awards
from core.domain.status import (
    DeadlineState,
    Overview,
    deadline_line,
    effective_deadlines,
    month_periods,
    overdue_by_deadline,
    overview,
    overview_month,
)
from core.texts import leaders as tl
from core.texts import reminders as t
from core.vntext import fold
from handlers.admin_common import award_results, deadline_report_periods, scoped_units
from schedules.calendar import WorkCalendar, local_date, zone
from schedules.planner import admin_scope_kinds, in_scope
from storage.db import Database
from storage.queries import audit, oversight
from storage.queries import deadlines as dq

_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,39}$")
_COMMAND_RE = re.compile(r"^/[a-z][a-z0-9_]{0,31}$")
FREQUENCIES = ("monthly", "quarterly", "semiannual", "annual", "once")


@dataclass(frozen=True, slots=True)
class AdminResult:
    ok: bool
    message: str


class DateError(ValueError):
    """A date the user typed could not be read; the message is Vietnamese."""


def parse_vn_date(text: str) -> date:
    """``29/03/2024``, ``29-3-2024`` or ``29.03.2024`` → a date (raises DateError)."""
    m = _DATE_RE.match(text or "")
    if not m:
        raise DateError(t.BAD_DATE.format(text=(text or "").strip()))
    day, month, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(t.BAD_DATE.format(text=text.strip())) from None


def _date_bounds(campaign: CampaignDef) -> tuple[date, date]:
    p = campaign.campaign.period
    return p.start - DEADLINE_MARGIN, p.end + DEADLINE_MARGIN


def _check_due(campaign: CampaignDef, text: str) -> date:
    day = parse_vn_date(text)
    low, high = _date_bounds(campaign)
    if not low <= day <= high:
        raise DateError(
            t.DATE_OUT_OF_RANGE.format(
                day=t.fmt_date(day), low=t.fmt_date(low), high=t.fmt_date(high)
            )
        )
    return day


# -- deadlines ----------------------------------------------------------------------------------


async def move_deadline(
    db: Database,
    *,
    campaign: CampaignDef,
    code: str,
    due_text: str,
    actor: str,
    clock: Callable[[], datetime],
) -> AdminResult:
    """Move a deadline (from the file or added earlier) to a new due date."""
    code = code.strip().upper()
    try:
        due = _check_due(campaign, due_text)
    except DateError as exc:
        return AdminResult(False, str(exc))
    async with db.transaction() as conn:
        current = {e.code: e for e in await dq.effective_deadlines(conn, campaign=campaign)}
        eff = current.get(code)
        if eff is None:
            codes = ", ".join(sorted(current)) or "(chưa có)"
            return AdminResult(False, t.UNKNOWN_DEADLINE.format(code=code, codes=codes))
        if eff.due == due:
            return AdminResult(True, t.DEADLINE_UNCHANGED.format(code=code, day=t.fmt_date(due)))
        spec = None if eff.source != "added" else eff.deadline.model_dump(mode="json")
        await dq.save_override(
            conn,
            campaign_id=campaign.campaign.id,
            code=code,
            due=due,
            spec=spec,
            actor=actor,
            now=clock(),
        )
        await audit.record(
            conn,
            actor=actor,
            action="move",
            entity="deadline",
            entity_id=code,
            old={"due": eff.due.isoformat()},
            new={"due": due.isoformat()},
        )
    return AdminResult(
        True,
        t.DEADLINE_MOVED.format(
            code=code, title=eff.deadline.title, old=t.fmt_date(eff.due), new=t.fmt_date(due)
        ),
    )


async def add_deadline(
    db: Database,
    *,
    campaign: CampaignDef,
    code: str,
    title: str,
    due_text: str,
    kinds: Sequence[str] = (),
    units: Sequence[str] = (),
    document: str | None = None,
    report: str | None = None,
    initiative: bool = False,
    command: str | None = None,
    note: str | None = None,
    actor: str,
    clock: Callable[[], datetime],
) -> AdminResult:
    """A new deadline (reminders follow the campaign's default policy)."""
    code = code.strip().upper()
    if not _CODE_RE.match(code):
        return AdminResult(False, t.BAD_CODE.format(code=code))
    title = " ".join((title or "").split())
    if not title:
        return AdminResult(False, t.EMPTY_TITLE)
    try:
        due = _check_due(campaign, due_text)
    except DateError as exc:
        return AdminResult(False, str(exc))
    kinds = [k.strip().upper() for k in kinds if k.strip()]
    units = [u.strip().upper() for u in units if u.strip()]
    if not kinds and not units:
        return AdminResult(False, t.NO_SCOPE)
    known_kinds = {k.code for k in campaign.unit_kinds}
    if bad := [k for k in kinds if k not in known_kinds]:
        return AdminResult(
            False,
            t.UNKNOWN_KINDS.format(codes=", ".join(bad), known=", ".join(sorted(known_kinds))),
        )
    if bad := [u for u in units if campaign.unit(u) is None]:
        return AdminResult(False, t.UNKNOWN_UNITS.format(codes=", ".join(bad)))
    if sum((document is not None, report is not None, initiative)) != 1:
        return AdminResult(False, t.FULFILMENT_CHOICE)
    fulfilled: dict[str, object]
    if document is not None:
        document = document.strip().upper()
        known_docs = {d.code for d in campaign.document_types}
        if document not in known_docs:
            return AdminResult(
                False,
                t.UNKNOWN_DOCUMENT.format(code=document, known=", ".join(sorted(known_docs))),
            )
        fulfilled = {"document": document}
    elif report is not None:
        if report.strip() not in FREQUENCIES:
            return AdminResult(False, t.UNKNOWN_FREQUENCY.format(value=report))
        fulfilled = {"report": {"frequency": report.strip()}}
    else:
        fulfilled = {"initiative": "registered"}
    if command is not None and not _COMMAND_RE.match(command.strip()):
        return AdminResult(False, t.BAD_COMMAND.format(value=command))
    spec: dict[str, object] = {
        "code": code,
        "title": title,
        "due": due.isoformat(),
        "applies_to": {"kinds": kinds, "units": units},
        "fulfilled_by": fulfilled,
        "command": command.strip() if command else None,
        "note": note.strip() if note and note.strip() else None,
    }
    try:
        deadline = DeadlineDef.model_validate(spec)
    except ValidationError as exc:  # pragma: no cover - the checks above cover the fields
        return AdminResult(False, str(exc))
    async with db.transaction() as conn:
        current = {e.code for e in await dq.effective_deadlines(conn, campaign=campaign)}
        if code in current or campaign.deadline(code) is not None:
            return AdminResult(False, t.DEADLINE_EXISTS.format(code=code))
        await dq.save_override(
            conn,
            campaign_id=campaign.campaign.id,
            code=code,
            due=due,
            spec=deadline.model_dump(mode="json"),
            actor=actor,
            now=clock(),
        )
        await audit.record(
            conn,
            actor=actor,
            action="add",
            entity="deadline",
            entity_id=code,
            new=deadline.model_dump(mode="json"),
        )
    count = sum(1 for u in campaign.units if deadline.applies_to.covers(u) and u.is_active_on(due))
    return AdminResult(
        True, t.DEADLINE_ADDED.format(code=code, title=title, day=t.fmt_date(due), count=count)
    )


# -- the calendar -------------------------------------------------------------------------------


async def set_day(
    db: Database,
    *,
    day_text: str,
    working: bool,
    note: str = "",
    actor: str,
    clock: Callable[[], datetime],
) -> AdminResult:
    """Mark a day off (``calendar off``) or a make-up working day (``calendar work``)."""
    try:
        day = parse_vn_date(day_text)
    except DateError as exc:
        return AdminResult(False, str(exc))
    async with db.transaction() as conn:
        overrides = await dq.calendar_overrides(conn)
        if day in overrides and overrides[day] == working:
            what = t.WORKING if working else t.OFF
            return AdminResult(True, t.DAY_ALREADY.format(day=t.fmt_date(day), what=what))
        old = await dq.set_calendar_day(
            conn, day=day, working=working, note=note, actor=actor, now=clock()
        )
        await audit.record(
            conn,
            actor=actor,
            action="set",
            entity="calendar_day",
            entity_id=day.isoformat(),
            old=None if old is None else {"working": old},
            new={"working": working, "note": note},
        )
        overrides[day] = working
    if working:
        return AdminResult(True, t.DAY_WORK_SET.format(day=t.fmt_day(day)))
    nxt = WorkCalendar(overrides).next_working_day(day)
    return AdminResult(True, t.DAY_OFF_SET.format(day=t.fmt_day(day), next=t.fmt_day(nxt)))


async def clear_day(db: Database, *, day_text: str, actor: str) -> AdminResult:
    """Remove an admin's mark (``calendar clear``): weekends and public holidays apply again."""
    try:
        day = parse_vn_date(day_text)
    except DateError as exc:
        return AdminResult(False, str(exc))
    async with db.transaction() as conn:
        if not await dq.clear_calendar_day(conn, day=day):
            return AdminResult(True, t.DAY_NOT_MARKED.format(day=t.fmt_date(day)))
        await audit.record(
            conn, actor=actor, action="clear", entity="calendar_day", entity_id=day.isoformat()
        )
    what = t.WORKING if WorkCalendar().is_working_day(day) else t.OFF
    return AdminResult(True, t.DAY_CLEARED.format(day=t.fmt_date(day), what=what))


# -- the digest of late units -------------------------------------------------------------------


async def digest_sections(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    kinds: frozenset[str] | None = None,
) -> list[tuple[str, date, list[tuple[str, int]]]]:
    """(deadline title, due date, [(unit name, days late)]) for every deadline past due."""
    cid = campaign.campaign.id
    ids = await dq.unit_ids(conn, campaign_id=cid)
    deadlines = await dq.effective_deadlines(conn, campaign=campaign)
    units = [u for u in campaign.units if u.code in ids and (kinds is None or u.kind in kinds)]
    scope = {e.code: [ids[u.code] for u in units if in_scope(e, u)] for e in deadlines}
    late = await dq.late_units(
        conn, campaign_id=cid, deadlines=deadlines, units_in_scope=scope, today=today
    )
    names = {ids[u.code]: u.name for u in units}
    sections = []
    for e in sorted(deadlines, key=lambda e: (e.due, e.code)):
        if e.code in late:
            days = (today - e.due).days
            sections.append((e.deadline.title, e.due, [(names[u], days) for u in late[e.code]]))
    return sections


async def render_digest(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    admin_unit: str | None = None,
    name: str | None = None,
    late_planned: datetime | None = None,
    empty: bool = True,
) -> str | None:
    """The digest for an admin of `admin_unit` (default: the coordinating office, which follows
    every unit; another office follows the unit kinds of its ``admin_scopes`` entry). With
    ``empty=False``, None when nobody is late (the weekly digest then says nothing)."""
    kinds = admin_scope_kinds(campaign).get(admin_unit or campaign.campaign.coordinator_unit)
    sections = await digest_sections(conn, campaign=campaign, today=today, kinds=kinds)
    if not sections and not empty:
        return None
    scope = None
    if kinds is not None:
        labels = {k.code: k.label for k in campaign.unit_kinds}
        scope = t.DIGEST_SCOPE.format(kinds="; ".join(labels.get(k, k) for k in sorted(kinds)))
    return t.digest(
        name=name, today=today, sections=sections, scope=scope, late_planned=late_planned
    )


async def digest_text(
    db: Database,
    *,
    campaign: CampaignDef,
    clock: Callable[[], datetime],
    admin_unit: str | None = None,
    name: str | None = None,
) -> str:
    """The digest of who is late, on demand (e.g. for an admin command), as an admin of
    `admin_unit` sees it; the weekly digest is the same text."""
    today = local_date(clock(), zone(campaign.campaign.timezone))
    async with db.read() as conn:
        text = await render_digest(
            conn, campaign=campaign, today=today, admin_unit=admin_unit, name=name
        )
    return text or ""


# -- the leaders' weekly digest ------------------------------------------------------------------

LONGEST_OVERDUE = 5  # units named in the leaders' digest, longest overdue first
EFFECTIVE = frozenset({"effective", "recognized"})  # initiatives proven effective


@dataclass(frozen=True, slots=True)
class DocumentStanding:
    """Who has sent a document a deadline asks for (the Quý I launch document)."""

    label: str
    due: date
    units: int  # units the deadline concerns
    on_time: int
    late: int
    missing: int  # not sent yet (overdue, or still before the due date)

    @property
    def filed(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True, slots=True)
class AwardStanding:
    title: str
    units: int  # units the award applies to
    eligible: int  # every criterion the bot checks met
    qualified: int  # … and every officer's criterion assessed as met
    office: str  # who assesses the officers' criteria


@dataclass(frozen=True)
class LeaderDigest:
    """The whole city at a glance, as /tonghop, /quahan and /khenthuong reckon it."""

    today: date
    title: str
    units: int
    documents: tuple[DocumentStanding, ...]
    overview: Overview  # last month's reports and the deadlines past
    overdue_units: int  # units overdue on at least one deadline
    longest: tuple[tuple[str, int, int], ...]  # (unit name, days overdue, deadlines overdue)
    initiatives: int
    initiative_units: int
    effective_initiatives: int
    award: AwardStanding | None


async def leader_digest(
    conn: AsyncConnection, *, campaign: CampaignDef, today: date
) -> LeaderDigest:
    """The figures of the leaders' digest for every unit of the campaign, read with the
    oversight queries (a fixed number of statements, whatever the number of units)."""
    cid = campaign.campaign.id
    tz = zone(campaign.campaign.timezone)
    changes = await oversight.deadline_changes(conn, campaign_id=cid)
    deadlines = effective_deadlines(campaign, changes)
    month = overview_month(campaign, today)
    periods = deadline_report_periods(deadlines)
    scoped = await scoped_units(
        conn,
        campaign,
        campaign_id=cid,
        kinds=None,
        value_periods=month_periods(campaign, month),
        submission_periods=periods,
    )
    units, facts = scoped.units, scoped.facts
    ov = overview(campaign, units, facts, month=month, today=today, deadlines=deadlines, tz=tz)

    documents = []
    by_code = {d.code: d for d in deadlines}
    for dt in campaign.document_types:
        d = by_code.get(dt.deadline) if dt.deadline else None
        if d is None:
            continue
        states = Counter(
            deadline_line(d, facts[u.code], today, tz).state
            for u in units
            if d.applies_to.covers(u) and u.is_active_on(d.due)
        )
        documents.append(
            DocumentStanding(
                label=dt.label,
                due=d.due,
                units=sum(states.values()),
                on_time=states[DeadlineState.ON_TIME],
                late=states[DeadlineState.LATE],
                missing=states[DeadlineState.OVERDUE] + states[DeadlineState.OPEN],
            )
        )

    worst: dict[str, tuple[str, int, int]] = {}  # unit code → (name, most days, deadlines)
    for item in overdue_by_deadline(units, facts, today=today, deadlines=deadlines, tz=tz):
        for unit, days in item.units:
            _name, most, n = worst.get(unit.code, (unit.name, 0, 0))
            worst[unit.code] = (unit.name, max(most, days), n + 1)
    # Longest overdue first; then those owing most, by name.
    longest = sorted(worst.values(), key=lambda w: (-w[1], -w[2], fold(w[0])))[:LONGEST_OVERDUE]

    live = [i for u in units for i in facts[u.code].live_initiatives()]
    with_initiatives = sum(1 for u in units if facts[u.code].live_initiatives())

    coordinator = campaign.unit(campaign.campaign.coordinator_unit)
    office = coordinator.name if coordinator is not None else ""
    return LeaderDigest(
        today=today,
        title=campaign.campaign.short_title,
        units=len(units),
        documents=tuple(documents),
        overview=ov,
        overdue_units=len(worst),
        longest=tuple(longest),
        initiatives=len(live),
        initiative_units=with_initiatives,
        effective_initiatives=sum(1 for i in live if i.status in EFFECTIVE),
        award=await _award_standing(
            conn, campaign=campaign, today=today, deadlines=deadlines, office=office
        ),
    )


async def _award_standing(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    deadlines: Sequence[DeadlineDef],
    office: str,
) -> AwardStanding | None:
    """The first award the bot can check, over every unit, as /khenthuong ranks them."""
    awards = machine_awards(campaign)
    if not awards:
        return None
    award, cid, tz = awards[0], campaign.campaign.id, zone(campaign.campaign.timezone)
    scoped = await scoped_units(
        conn,
        campaign,
        campaign_id=cid,
        kinds=None,
        submission_periods=deadline_report_periods(deadlines),
        latest_values=True,
    )
    results = await award_results(
        conn,
        award,
        campaign,
        scoped,
        campaign_id=cid,
        kinds=None,
        today=today,
        deadlines=deadlines,
        tz=tz,
    )
    return AwardStanding(
        title=award.title,
        units=len(results),
        eligible=sum(1 for r in results if r.eligible),
        qualified=sum(1 for r in results if r.qualified),
        office=office,
    )


async def render_leader_digest(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    name: str,
    late_planned: datetime | None = None,
) -> str:
    """The weekly digest for a leader of the city (sent every week, late units or not)."""
    figures = await leader_digest(conn, campaign=campaign, today=today)
    return tl.digest(figures, name=name, late_planned=late_planned)
