"""Units of the campaign as loaded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Unit, table

_U = table(Unit)


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: str
    retired: bool


async def list_units(
    conn: AsyncConnection, *, campaign_id: str, include_retired: bool = False
) -> list[UnitRow]:
    """All units of a campaign, ordered by kind then code."""
    q = select(_U.c.id, _U.c.code, _U.c.name, _U.c.kind, _U.c.retired).where(
        _U.c.campaign_id == campaign_id
    )
    if not include_retired:
        q = q.where(_U.c.retired.is_(False))
    rows = await conn.execute(q.order_by(_U.c.kind, _U.c.code))
    return [UnitRow(*r) for r in rows]


async def get_unit_by_code(conn: AsyncConnection, *, campaign_id: str, code: str) -> UnitRow | None:
    """One unit by its code (case-insensitive), or None."""
    row = (
        await conn.execute(
            select(_U.c.id, _U.c.code, _U.c.name, _U.c.kind, _U.c.retired).where(
                _U.c.campaign_id == campaign_id, _U.c.code == code.strip().upper()
            )
        )
    ).first()
    return UnitRow(*row) if row else None
