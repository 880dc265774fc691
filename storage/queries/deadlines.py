"""Deadlines as they stand (campaign file + admin overrides), the admin calendar, fulfilment.

A deadline's effective due date is the admin's override if there is one, else the file's. An
override whose code the file does not have is a deadline an admin added; its `spec` holds the
whole definition. What fulfils a deadline (campaign file, `fulfilled_by`):

- ``document``: a `Document` of that type for the unit, not superseded, not returned;
- ``report``: a `ReportSubmission` of the unit for one of the periods the domain's rule
  accepts (`core.domain.status.fulfilling_periods`: the latest period of that frequency that
  ends on or before the due date, or a finer period of the same month's report);
- ``initiative``: at least one `Initiative` registered by the unit;
- ``dossier``: an active `Nomination` of the unit whose dossier is complete.

A report or document waiting for the unit head's sign-off does not count yet (see
`storage.queries.signoff`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import Deadline as DeadlineDef
from core.campaign.schema import ReminderPolicy
from core.domain.status import DeadlineChange, fulfilling_periods
from core.domain.status import effective_deadlines as effective_deadlines_of
from storage.models import (
    CalendarDay,
    DeadlineOverride,
    Document,
    Initiative,
    Nomination,
    ReportSubmission,
    Unit,
    table,
)
from storage.queries import signoff
from storage.queries.dialect import insert_for

log = logging.getLogger(__name__)

_OV = table(DeadlineOverride)
_CAL = table(CalendarDay)
_DOC = table(Document)
_REP = table(ReportSubmission)
_INI = table(Initiative)
_U = table(Unit)
_NOM = table(Nomination)

Source = Literal["file", "moved", "added"]


# -- effective deadlines ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverrideRow:
    code: str
    due: date
    spec: dict[str, Any] | None
    changed_at: datetime
    changed_by: str


@dataclass(frozen=True, slots=True)
class EffectiveDeadline:
    """A deadline as it applies now: the file's, moved by an admin, or added by one."""

    deadline: DeadlineDef
    policy: ReminderPolicy
    source: Source
    file_due: date | None = None
    changed_at: datetime | None = None  # when an admin last moved or added it

    @property
    def code(self) -> str:
        return self.deadline.code

    @property
    def due(self) -> date:
        return self.deadline.due


async def list_overrides(conn: AsyncConnection, *, campaign_id: str) -> list[OverrideRow]:
    """Every admin change to the campaign's deadlines."""
    rows = await conn.execute(
        select(_OV.c.code, _OV.c.due, _OV.c.spec, _OV.c.changed_at, _OV.c.changed_by)
        .where(_OV.c.campaign_id == campaign_id)
        .order_by(_OV.c.code)
    )
    return [OverrideRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def deadline_changes(conn: AsyncConnection, *, campaign_id: str) -> list[DeadlineChange]:
    """Admins' changes to deadlines (moved or added)."""
    rows = await conn.execute(
        select(_OV.c.code, _OV.c.due, _OV.c.spec).where(_OV.c.campaign_id == campaign_id)
    )
    return [DeadlineChange(code, due, spec) for code, due, spec in rows]


def merge_deadlines(
    campaign: CampaignDef, overrides: Sequence[OverrideRow]
) -> list[EffectiveDeadline]:
    """The domain's effective deadlines (`core.domain.status.effective_deadlines`: the file's,
    moved, then the added ones, an unreadable added one ignored), each with its reminder policy
    and where it comes from (pure)."""
    by_code = {o.code: o for o in overrides}
    changes = [DeadlineChange(o.code, o.due, o.spec) for o in overrides]
    out: list[EffectiveDeadline] = []
    for d in effective_deadlines_of(campaign, changes):
        o, file = by_code.get(d.code), campaign.deadline(d.code)
        source: Source = "file" if o is None else "moved" if file is not None else "added"
        out.append(
            EffectiveDeadline(
                d,
                campaign.reminder_policy(d),
                source,
                file.due if file is not None else None,
                o.changed_at if o is not None else None,
            )
        )
    return out


async def effective_deadlines(
    conn: AsyncConnection, *, campaign: CampaignDef
) -> list[EffectiveDeadline]:
    """The campaign's deadlines as they apply now (file + overrides)."""
    overrides = await list_overrides(conn, campaign_id=campaign.campaign.id)
    return merge_deadlines(campaign, overrides)


async def save_override(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    code: str,
    due: date,
    spec: dict[str, Any] | None,
    actor: str,
    now: datetime,
) -> OverrideRow | None:
    """Move (or define) a deadline; returns the override it replaced, if any."""
    old = (
        await conn.execute(
            select(_OV.c.code, _OV.c.due, _OV.c.spec, _OV.c.changed_at, _OV.c.changed_by).where(
                _OV.c.campaign_id == campaign_id, _OV.c.code == code
            )
        )
    ).first()
    values = {"due": due, "spec": spec, "changed_at": now, "changed_by": actor}
    stmt = insert_for(conn, _OV).values(campaign_id=campaign_id, code=code, **values)
    await conn.execute(
        stmt.on_conflict_do_update(index_elements=["campaign_id", "code"], set_=values)
    )
    return OverrideRow(old[0], old[1], old[2], old[3], old[4]) if old else None


# -- the admin calendar -----------------------------------------------------------------------


async def calendar_overrides(conn: AsyncConnection) -> dict[date, bool]:
    """Admin-edited days: True for a make-up working day, False for an extra day off."""
    rows = await conn.execute(select(_CAL.c.day, _CAL.c.working))
    return {r[0]: bool(r[1]) for r in rows}


async def set_calendar_day(
    conn: AsyncConnection, *, day: date, working: bool, note: str, actor: str, now: datetime
) -> bool | None:
    """Mark a day working or off; returns what it was marked before (None: not marked)."""
    old = (await conn.execute(select(_CAL.c.working).where(_CAL.c.day == day))).scalar()
    values = {"working": working, "note": note, "changed_at": now, "changed_by": actor}
    stmt = insert_for(conn, _CAL).values(day=day, **values)
    await conn.execute(stmt.on_conflict_do_update(index_elements=["day"], set_=values))
    return None if old is None else bool(old)


async def clear_calendar_day(conn: AsyncConnection, *, day: date) -> bool:
    """Forget an admin's mark on a day (public rules apply again); False if there was none."""
    res = await conn.execute(delete(_CAL).where(_CAL.c.day == day))
    return bool(res.rowcount)


# -- units ------------------------------------------------------------------------------------


async def unit_ids(conn: AsyncConnection, *, campaign_id: str) -> dict[str, int]:
    """Unit code → id, for units the campaign file still lists."""
    rows = await conn.execute(
        select(_U.c.code, _U.c.id).where(_U.c.campaign_id == campaign_id, _U.c.retired.is_(False))
    )
    return {r[0]: int(r[1]) for r in rows}


# -- fulfilment -------------------------------------------------------------------------------


def _fulfilment_condition(campaign_id: str, deadline: DeadlineDef) -> tuple[Any, Any]:
    """(table, where clause without the unit) for what fulfils `deadline`."""
    fb = deadline.fulfilled_by
    if fb.document is not None:
        return _DOC, (
            (_DOC.c.campaign_id == campaign_id)
            & (_DOC.c.doc_type == fb.document)
            & _DOC.c.superseded.is_(False)
            & (_DOC.c.review_status != "returned")
            & signoff.document_counts()
        )
    if fb.report is not None:
        return _REP, (
            (_REP.c.campaign_id == campaign_id)
            & _REP.c.period.in_(sorted(fulfilling_periods(deadline)))
            & signoff.report_counts()
        )
    if fb.dossier is not None:
        return _NOM, (
            (_NOM.c.campaign_id == campaign_id)
            & (_NOM.c.status == "active")
            & _NOM.c.complete_at.is_not(None)
        )
    return _INI, (_INI.c.campaign_id == campaign_id)


async def fulfilled_unit_ids(
    conn: AsyncConnection, *, campaign_id: str, deadline: DeadlineDef
) -> set[int]:
    """The units that have done what `deadline` asks."""
    table, cond = _fulfilment_condition(campaign_id, deadline)
    rows = await conn.execute(select(table.c.unit_id).where(cond).distinct())
    return {int(r[0]) for r in rows}


async def is_fulfilled(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, deadline: DeadlineDef
) -> bool:
    """Whether one unit has done what `deadline` asks (checked right before each reminder)."""
    table, cond = _fulfilment_condition(campaign_id, deadline)
    return bool(
        (await conn.execute(select(exists().where(cond & (table.c.unit_id == unit_id))))).scalar()
    )


@dataclass(frozen=True, slots=True)
class Fulfilment:
    """What the reminder sender needs to know about one unit and deadline.

    `done`: the unit's people have nothing left to send — the deadline is fulfilled, or what
    fulfils it was sent and waits for the unit head's sign-off (`awaiting_head`): a focal point
    is not reminded of a report already sent; the head was told when it arrived, and the
    deadline stays unfulfilled (status, overdue lists, digests) until they confirm it."""

    done: bool
    returned: bool = False  # a document of the type was returned for correction
    awaiting_head: bool = False

    @property
    def counts(self) -> bool:
        """Whether the deadline itself is fulfilled."""
        return self.done and not self.awaiting_head


async def fulfilment(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, deadline: DeadlineDef
) -> Fulfilment:
    """Whether the unit has done what `deadline` asks and, for documents, whether one came back
    (one query; checked right before each reminder)."""
    fb = deadline.fulfilled_by
    if fb.report is not None:
        # Any period the domain's rule accepts (a commune without annual indicators reports
        # the year in its December report, as 2024-12 and 2024-Q4, never as 2024).
        sent = (
            await conn.execute(
                select(signoff.report_counts(), _REP.c.sign_off_status).where(
                    _REP.c.campaign_id == campaign_id,
                    _REP.c.unit_id == unit_id,
                    _REP.c.period.in_(sorted(fulfilling_periods(deadline))),
                )
            )
        ).all()
        if any(r[0] for r in sent):
            return Fulfilment(True)
        waiting = any(r[1] == signoff.PENDING for r in sent)
        return Fulfilment(done=waiting, awaiting_head=waiting)
    if fb.document is None:
        return Fulfilment(
            await is_fulfilled(conn, campaign_id=campaign_id, unit_id=unit_id, deadline=deadline)
        )
    rows = await conn.execute(
        select(_DOC.c.review_status, _DOC.c.sign_off_status)
        .where(
            _DOC.c.campaign_id == campaign_id,
            _DOC.c.unit_id == unit_id,
            _DOC.c.doc_type == fb.document,
            _DOC.c.superseded.is_(False),
        )
        .distinct()
    )
    states = {(r[0], r[1]) for r in rows}
    returned = any(review == "returned" for review, _ in states)
    if any(review != "returned" and sign == signoff.CONFIRMED for review, sign in states):
        return Fulfilment(done=True, returned=returned)
    waiting = any(sign == signoff.PENDING for _, sign in states)
    return Fulfilment(done=waiting, returned=returned, awaiting_head=waiting)


async def late_units(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    deadlines: Sequence[EffectiveDeadline],
    units_in_scope: Mapping[str, Sequence[int]],
    today: date,
) -> dict[str, list[int]]:
    """Deadline code → ids of the units in scope that are past due and have not fulfilled it."""
    out: dict[str, list[int]] = {}
    for eff in deadlines:
        if eff.due >= today:
            continue
        scope = units_in_scope.get(eff.code, ())
        if not scope:
            continue
        done = await fulfilled_unit_ids(conn, campaign_id=campaign_id, deadline=eff.deadline)
        late = [u for u in scope if u not in done]
        if late:
            out[eff.code] = late
    return out


async def retire_override(conn: AsyncConnection, *, campaign_id: str, code: str) -> bool:
    """Drop an admin's change to a deadline (the file's date applies again)."""
    res = await conn.execute(
        delete(_OV).where(_OV.c.campaign_id == campaign_id, _OV.c.code == code)
    )
    return bool(res.rowcount)
