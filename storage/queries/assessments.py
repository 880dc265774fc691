"""Officers' assessments of award criteria only they can judge (`admin_assessment`, e.g. g0).

One current verdict per campaign, unit, award and criterion (`award_assessment`), and every
verdict ever given, the current one included, in `award_assessment_history`: a typed table
rather than the audit log, because the history is read back by unit and criterion (who judged
what, when, and why), which the audit log's JSON cannot answer with a plain indexed query.
The handler still writes an audit entry, as for every admin action.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from core.domain.awards import AssessmentFact
from storage.models import AwardAssessment, AwardAssessmentHistory, Person, Unit, table
from storage.queries.dialect import insert_for

_A = table(AwardAssessment)
_H = table(AwardAssessmentHistory)
_P = table(Person)
_U = table(Unit)
_OFFICE = _U.alias("office")

MAX_COMMENT = 500


class MissingReason(ValueError):
    """A "not met" verdict was given without its reason."""


@dataclass(frozen=True, slots=True)
class AssessmentRow:
    """One verdict: current (from `award_assessment`) or past (from the history)."""

    id: int  # the assessment's id (the same for every version of one criterion)
    unit_id: int
    award_code: str
    criterion_id: str
    met: bool
    comment: str | None
    assessed_at: datetime
    assessed_by: int | None
    assessor_name: str  # the officer's name ("" if unknown)
    office_name: str  # the officer's office ("" if unknown)


@dataclass(frozen=True, slots=True)
class Recorded:
    """What `record` did: the verdict before (None: the first), and whether anything changed."""

    assessment_id: int
    previous: AssessmentRow | None
    changed: bool


def _current_query(campaign_id: str) -> Select[Any]:
    return (
        select(
            _A.c.id,
            _A.c.unit_id,
            _A.c.award_code,
            _A.c.criterion_id,
            _A.c.met,
            _A.c.comment,
            _A.c.assessed_at,
            _A.c.assessed_by,
            _P.c.full_name,
            _OFFICE.c.name,
        )
        .select_from(
            _A.outerjoin(_P, _P.c.id == _A.c.assessed_by).outerjoin(
                _OFFICE, _OFFICE.c.id == _A.c.office_unit_id
            )
        )
        .where(_A.c.campaign_id == campaign_id)
    )


def _row(r: Any) -> AssessmentRow:
    aid, unit_id, award, crit, met, comment, at, by, name, office = r
    return AssessmentRow(
        id=int(aid),
        unit_id=int(unit_id),
        award_code=award,
        criterion_id=crit,
        met=bool(met),
        comment=comment,
        assessed_at=at,
        assessed_by=by,
        assessor_name=name or "",
        office_name=office or "",
    )


def as_facts(rows: Iterable[AssessmentRow]) -> dict[tuple[str, str], AssessmentFact]:
    """Verdicts as award evaluation takes them, by (award code, criterion id)."""
    return {
        (r.award_code, r.criterion_id): AssessmentFact(
            r.met, r.comment, r.assessed_at, r.assessor_name, r.office_name
        )
        for r in rows
    }


async def for_unit(conn: AsyncConnection, *, campaign_id: str, unit_id: int) -> list[AssessmentRow]:
    """The unit's current verdicts, every award."""
    q = _current_query(campaign_id).where(_A.c.unit_id == unit_id)
    rows = await conn.execute(q.order_by(_A.c.award_code, _A.c.criterion_id))
    return [_row(r) for r in rows]


async def for_units(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    kinds: Collection[str] | None,
    award_code: str | None = None,
) -> dict[int, list[AssessmentRow]]:
    """Current verdicts of every live unit of `kinds` (None: all), by unit id; one statement."""
    q = _current_query(campaign_id).join(_U, _U.c.id == _A.c.unit_id).where(_U.c.retired.is_(False))
    if kinds is not None:
        q = q.where(_U.c.kind.in_(sorted(kinds)))
    if award_code is not None:
        q = q.where(_A.c.award_code == award_code)
    out: dict[int, list[AssessmentRow]] = {}
    for r in await conn.execute(q.order_by(_A.c.unit_id, _A.c.award_code, _A.c.criterion_id)):
        row = _row(r)
        out.setdefault(row.unit_id, []).append(row)
    return out


async def history(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    award_code: str,
    criterion_id: str,
) -> list[AssessmentRow]:
    """Every verdict given on one criterion for one unit, oldest first."""
    q = (
        select(
            _A.c.id,
            _A.c.unit_id,
            _A.c.award_code,
            _A.c.criterion_id,
            _H.c.met,
            _H.c.comment,
            _H.c.assessed_at,
            _H.c.assessed_by,
            _P.c.full_name,
            _OFFICE.c.name,
        )
        .select_from(
            _H.join(_A, _A.c.id == _H.c.assessment_id)
            .outerjoin(_P, _P.c.id == _H.c.assessed_by)
            .outerjoin(_OFFICE, _OFFICE.c.id == _H.c.office_unit_id)
        )
        .where(
            _A.c.campaign_id == campaign_id,
            _A.c.unit_id == unit_id,
            _A.c.award_code == award_code,
            _A.c.criterion_id == criterion_id,
        )
        .order_by(_H.c.id)
    )
    return [_row(r) for r in await conn.execute(q)]


async def record(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    award_code: str,
    criterion_id: str,
    met: bool,
    comment: str | None,
    person_id: int | None,
    office_unit_id: int | None,
    now: datetime,
) -> Recorded:
    """Set the verdict on one criterion and append it to the history, inside the caller's
    transaction. The same verdict with the same comment again changes nothing.

    Raises `MissingReason` for "not met" without a reason (the database would refuse it too).
    """
    comment = (comment or "").strip()[:MAX_COMMENT] or None
    if not met and comment is None:
        raise MissingReason(criterion_id)
    found = (
        await conn.execute(
            _current_query(campaign_id).where(
                _A.c.unit_id == unit_id,
                _A.c.award_code == award_code,
                _A.c.criterion_id == criterion_id,
            )
        )
    ).first()
    previous = _row(found) if found is not None else None
    if previous is not None and (previous.met, previous.comment) == (met, comment):
        return Recorded(previous.id, previous, changed=False)
    verdict = {
        "met": met,
        "comment": comment,
        "assessed_at": now,
        "assessed_by": person_id,
        "office_unit_id": office_unit_id,
    }
    # An upsert: two officers confirming at once both land, the later one current.
    stmt = (
        insert_for(conn, _A)
        .values(
            campaign_id=campaign_id,
            unit_id=unit_id,
            award_code=award_code,
            criterion_id=criterion_id,
            **verdict,
        )
        .on_conflict_do_update(
            index_elements=["campaign_id", "unit_id", "award_code", "criterion_id"],
            set_=verdict,
        )
        .returning(_A.c.id)
    )
    assessment_id = int((await conn.execute(stmt)).scalar_one())
    await conn.execute(insert(_H).values(assessment_id=assessment_id, **verdict))
    return Recorded(assessment_id, previous, changed=True)
