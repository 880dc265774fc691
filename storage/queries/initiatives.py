"""Registered initiatives (mô hình, giải pháp, sáng kiến) and the history of their status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Initiative, InitiativeStatusChange, Unit, table

_I = table(Initiative)
_C = table(InitiativeStatusChange)
_U = table(Unit)


@dataclass(frozen=True, slots=True)
class RegisteredTitle:
    """A title some unit of the campaign registered, for the similarity check."""

    initiative_id: int
    unit_id: int
    unit_name: str
    title: str
    title_folded: str


@dataclass(frozen=True, slots=True)
class InitiativeRow:
    id: int
    kind: str
    title: str
    area_code: str
    status: str
    applied_from: date | None
    created_at: datetime


async def registered_titles(conn: AsyncConnection, *, campaign_id: str) -> list[RegisteredTitle]:
    """Every initiative title of the campaign, with its unit's name, oldest first."""
    rows = await conn.execute(
        select(_I.c.id, _I.c.unit_id, _U.c.name, _I.c.title, _I.c.title_folded)
        .select_from(_I.join(_U, _U.c.id == _I.c.unit_id))
        .where(_I.c.campaign_id == campaign_id)
        .order_by(_I.c.id)
    )
    return [RegisteredTitle(int(r[0]), int(r[1]), r[2], r[3], r[4]) for r in rows]


async def for_unit(conn: AsyncConnection, *, campaign_id: str, unit_id: int) -> list[InitiativeRow]:
    """The unit's initiatives, oldest first."""
    rows = await conn.execute(
        select(
            _I.c.id,
            _I.c.kind,
            _I.c.title,
            _I.c.area_code,
            _I.c.status,
            _I.c.applied_from,
            _I.c.created_at,
        )
        .where(_I.c.campaign_id == campaign_id, _I.c.unit_id == unit_id)
        .order_by(_I.c.id)
    )
    return [InitiativeRow(*tuple(r)) for r in rows]


async def register(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    person_id: int | None,
    kind: str,
    title: str,
    title_folded: str,
    area_code: str,
    description: str,
    expected_effect: str,
    applied_from: date | None,
    now: datetime,
) -> int:
    """A new initiative, status `registered`; returns its id."""
    result = await conn.execute(
        insert(_I)
        .values(
            campaign_id=campaign_id,
            unit_id=unit_id,
            kind=kind,
            title=title,
            title_folded=title_folded,
            area_code=area_code,
            description=description,
            expected_effect=expected_effect,
            applied_from=applied_from,
            status="registered",
            created_at=now,
            created_by=person_id,
            updated_at=now,
        )
        .returning(_I.c.id)
    )
    return int(result.scalar_one())


async def change_status(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    initiative_id: int,
    new_status: str,
    evidence: str,
    person_id: int | None,
    now: datetime,
) -> tuple[str, str] | None:
    """Set the status of one of the unit's initiatives and keep the change in its history;
    returns (title, old status), or None when the unit has no such initiative."""
    row = (
        await conn.execute(
            select(_I.c.title, _I.c.status).where(
                _I.c.id == initiative_id,
                _I.c.campaign_id == campaign_id,
                _I.c.unit_id == unit_id,
            )
        )
    ).first()
    if row is None:
        return None
    title, old = str(row[0]), str(row[1])
    await conn.execute(
        update(_I)
        .where(_I.c.id == initiative_id)
        .values(status=new_status, evidence=evidence, updated_at=now)
    )
    await conn.execute(
        insert(_C).values(
            initiative_id=initiative_id,
            old_status=old,
            new_status=new_status,
            evidence=evidence,
            changed_at=now,
            changed_by=person_id,
        )
    )
    return title, old
