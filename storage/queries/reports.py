"""Indicator values and report submissions: saved with history, locked by period."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import (
    IndicatorValue,
    IndicatorValueHistory,
    PeriodLock,
    ReportSubmission,
    table,
)
from storage.queries.dialect import insert_for

_V = table(IndicatorValue)
_H = table(IndicatorValueHistory)
_S = table(ReportSubmission)
_L = table(PeriodLock)


@dataclass(frozen=True, slots=True)
class StoredValue:
    indicator_code: str
    period: str
    value: Any
    display: str
    skipped_reason: str | None
    review_status: str
    review_comment: str | None


@dataclass(frozen=True, slots=True)
class NewValue:
    indicator_code: str
    period: str
    value: Any
    display: str
    skipped_reason: str | None = None


async def values_for(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, periods: Sequence[str]
) -> dict[tuple[str, str], StoredValue]:
    """The unit's current values for these periods, by (indicator, period)."""
    rows = await conn.execute(
        select(
            _V.c.indicator_code,
            _V.c.period,
            _V.c.value,
            _V.c.display,
            _V.c.skipped_reason,
            _V.c.review_status,
            _V.c.review_comment,
        ).where(
            _V.c.campaign_id == campaign_id, _V.c.unit_id == unit_id, _V.c.period.in_(list(periods))
        )
    )
    return {(r[0], r[1]): StoredValue(*tuple(r)) for r in rows}


async def locked_periods(
    conn: AsyncConnection, *, campaign_id: str, periods: Sequence[str]
) -> set[str]:
    rows = await conn.execute(
        select(_L.c.period).where(_L.c.campaign_id == campaign_id, _L.c.period.in_(list(periods)))
    )
    return {r[0] for r in rows}


async def save_values(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    person_id: int | None,
    values: Sequence[NewValue],
    now: datetime,
) -> int:
    """Insert or update values; every change is kept in the history. Returns how many changed."""
    if not values:
        return 0
    existing = {
        (r[1], r[2]): r
        for r in await conn.execute(
            select(
                _V.c.id,
                _V.c.indicator_code,
                _V.c.period,
                _V.c.value,
                _V.c.display,
                _V.c.skipped_reason,
                _V.c.review_status,
            ).where(
                _V.c.campaign_id == campaign_id,
                _V.c.unit_id == unit_id,
                _V.c.period.in_({v.period for v in values}),
            )
        )
    }
    changed = 0
    for v in values:
        old = existing.get((v.indicator_code, v.period))
        if old is None:
            new_id = (
                await conn.execute(
                    insert(_V)
                    .values(
                        campaign_id=campaign_id,
                        unit_id=unit_id,
                        indicator_code=v.indicator_code,
                        period=v.period,
                        value=v.value,
                        display=v.display,
                        skipped_reason=v.skipped_reason,
                        submitted_at=now,
                        submitted_by=person_id,
                    )
                    .returning(_V.c.id)
                )
            ).scalar_one()
            await conn.execute(
                insert(_H).values(
                    value_id=new_id,
                    new_value=v.value,
                    new_display=v.display,
                    changed_at=now,
                    changed_by=person_id,
                )
            )
            changed += 1
            continue
        if (old[3], old[4], old[5]) == (v.value, v.display, v.skipped_reason):
            continue
        returned = old[6] == "returned"
        await conn.execute(
            update(_V)
            .where(_V.c.id == old[0])
            .values(
                value=v.value,
                display=v.display,
                skipped_reason=v.skipped_reason,
                submitted_at=now,
                submitted_by=person_id,
                review_status="pending" if returned else old[6],
                corrected_at=now if returned else None,
            )
        )
        await conn.execute(
            insert(_H).values(
                value_id=old[0],
                old_value=old[3],
                old_display=old[4],
                new_value=v.value,
                new_display=v.display,
                changed_at=now,
                changed_by=person_id,
            )
        )
        changed += 1
    return changed


async def mark_submitted(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    periods: Sequence[str],
    person_id: int | None,
    now: datetime,
) -> None:
    """Record that the unit's report covers these periods (the first submission time stays)."""
    for period in periods:
        stmt = (
            insert_for(conn, _S)
            .values(
                campaign_id=campaign_id,
                unit_id=unit_id,
                period=period,
                submitted_at=now,
                submitted_by=person_id,
            )
            .on_conflict_do_nothing(index_elements=["campaign_id", "unit_id", "period"])
        )
        await conn.execute(stmt)


async def history(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, indicator_code: str, period: str
) -> list[tuple[str | None, str | None]]:
    """(old display, new display) for every change of one value, oldest first."""
    rows = await conn.execute(
        select(_H.c.old_display, _H.c.new_display)
        .select_from(_H.join(_V, _V.c.id == _H.c.value_id))
        .where(
            _V.c.campaign_id == campaign_id,
            _V.c.unit_id == unit_id,
            _V.c.indicator_code == indicator_code,
            _V.c.period == period,
        )
        .order_by(_H.c.id)
    )
    return [(r[0], r[1]) for r in rows]


async def lock_period(
    conn: AsyncConnection, *, campaign_id: str, period: str, by: str, now: datetime
) -> None:
    stmt = insert_for(conn, _L).values(
        campaign_id=campaign_id, period=period, locked_at=now, locked_by=by
    )
    await conn.execute(stmt.on_conflict_do_nothing(index_elements=["campaign_id", "period"]))
