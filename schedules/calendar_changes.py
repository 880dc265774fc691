"""What Phòng Nội vụ does to deadlines and the calendar: move a deadline, add one, mark a day
off or working, clear the mark.

The command line calls these (``python -m bot deadline move D01 15/04/2024``, ``deadline add``,
``calendar off|work|clear dd/mm/yyyy``); each returns an :class:`AdminResult` whose message is
the Vietnamese sentence to show. Every change is written to the audit log. Nothing is sent from
here: the planner picks changes up on its next run, and the sender checks the current due date
and calendar before every reminder, so a change applies at once. (The digests of late units
that used to live beside these are in `schedules.digests`.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from core.campaign.schema import DEADLINE_MARGIN
from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import Deadline as DeadlineDef
from core.dates import BadDate, parse_date
from core.texts import reminders as t
from schedules.calendar import WorkCalendar
from storage.db import Database
from storage.queries import audit
from storage.queries import deadlines as dq

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
    """``29/03/2024``, ``29-3-2024``, ``2024-03-29``… → a date, read by the one parser
    (`core.dates.parse_date`); raises DateError with the command line's wording."""
    try:
        return parse_date(text or "")
    except BadDate:
        raise DateError(t.BAD_DATE.format(text=(text or "").strip())) from None


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
