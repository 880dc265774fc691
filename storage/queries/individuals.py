"""Individuals a unit proposes for an award (seed II.1.2): add, list, update, remove.

Each change runs in the caller's transaction and is written to the audit log (``individual``
entity) with who made it, old → new. A removal only flags the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy import update as sa_update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Individual
from storage.queries import audit
from storage.types import utcnow

_T = Individual.__table__  # type: ignore[attr-defined]

ENTITY = "individual"
MAX_NAME = 200
MAX_POSITION = 300


class IndividualError(ValueError):
    """A name or position the table does not take (empty or too long)."""


@dataclass(frozen=True, slots=True)
class IndividualRow:
    id: int
    unit_id: int
    full_name: str
    position: str
    removed: bool
    created_at: datetime
    created_by: int | None
    updated_at: datetime
    updated_by: int | None


_COLS = (
    _T.c.id,
    _T.c.unit_id,
    _T.c.full_name,
    _T.c.position,
    _T.c.removed,
    _T.c.created_at,
    _T.c.created_by,
    _T.c.updated_at,
    _T.c.updated_by,
)


def _clean(text: str, limit: int, what: str) -> str:
    value = " ".join(text.split())
    if not value:
        raise IndividualError(f"{what} is empty")
    if len(value) > limit:
        raise IndividualError(f"{what} is longer than {limit} characters")
    return value


def _audit_view(row: IndividualRow) -> dict[str, object]:
    return {
        "unit_id": row.unit_id,
        "full_name": row.full_name,
        "position": row.position,
        "removed": row.removed,
    }


async def get(
    conn: AsyncConnection, *, campaign_id: str, individual_id: int
) -> IndividualRow | None:
    """One individual (removed ones included), or None."""
    row = (
        await conn.execute(
            select(*_COLS).where(_T.c.campaign_id == campaign_id, _T.c.id == individual_id)
        )
    ).first()
    return IndividualRow(*row) if row else None


async def _must_get(conn: AsyncConnection, campaign_id: str, individual_id: int) -> IndividualRow:
    row = await get(conn, campaign_id=campaign_id, individual_id=individual_id)
    if row is None:  # pragma: no cover - written in this transaction
        raise LookupError(individual_id)
    return row


async def add(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    full_name: str,
    position: str,
    person_id: int | None,
    actor: str,
) -> IndividualRow:
    """Add a person the unit proposes; returns the stored row."""
    name = _clean(full_name, MAX_NAME, "full_name")
    pos = _clean(position, MAX_POSITION, "position")
    now = utcnow()
    new_id = (
        await conn.execute(
            insert(_T)
            .values(
                campaign_id=campaign_id,
                unit_id=unit_id,
                full_name=name,
                position=pos,
                removed=False,
                created_at=now,
                created_by=person_id,
                updated_at=now,
                updated_by=person_id,
            )
            .returning(_T.c.id)
        )
    ).scalar_one()
    row = await _must_get(conn, campaign_id, int(new_id))
    await audit.record(
        conn, actor=actor, action="add", entity=ENTITY, entity_id=row.id, new=_audit_view(row)
    )
    return row


async def list_for_unit(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, include_removed: bool = False
) -> list[IndividualRow]:
    """The unit's proposed individuals, in the order they were added."""
    q = select(*_COLS).where(_T.c.campaign_id == campaign_id, _T.c.unit_id == unit_id)
    if not include_removed:
        q = q.where(_T.c.removed.is_(False))
    rows = await conn.execute(q.order_by(_T.c.id))
    return [IndividualRow(*r) for r in rows]


async def update(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    individual_id: int,
    person_id: int | None,
    actor: str,
    full_name: str | None = None,
    position: str | None = None,
) -> IndividualRow | None:
    """Change the name and/or position of a person not removed; None when there is no such
    person (or they were removed). Nothing changed: the row as it is, no audit entry."""
    old = await get(conn, campaign_id=campaign_id, individual_id=individual_id)
    if old is None or old.removed:
        return None
    values: dict[str, object] = {}
    if full_name is not None:
        values["full_name"] = _clean(full_name, MAX_NAME, "full_name")
    if position is not None:
        values["position"] = _clean(position, MAX_POSITION, "position")
    values = {k: v for k, v in values.items() if getattr(old, k) != v}
    if not values:
        return old
    await conn.execute(
        sa_update(_T)
        .where(_T.c.id == individual_id)
        .values(**values, updated_at=utcnow(), updated_by=person_id)
    )
    new = await _must_get(conn, campaign_id, individual_id)
    await audit.record(
        conn,
        actor=actor,
        action="update",
        entity=ENTITY,
        entity_id=individual_id,
        old=_audit_view(old),
        new=_audit_view(new),
    )
    return new


async def remove(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    individual_id: int,
    person_id: int | None,
    actor: str,
) -> bool:
    """Flag a person as removed from the unit's list; False when there is no such person or
    they were already removed."""
    old = await get(conn, campaign_id=campaign_id, individual_id=individual_id)
    if old is None or old.removed:
        return False
    await conn.execute(
        sa_update(_T)
        .where(_T.c.id == individual_id)
        .values(removed=True, updated_at=utcnow(), updated_by=person_id)
    )
    await audit.record(
        conn,
        actor=actor,
        action="remove",
        entity=ENTITY,
        entity_id=individual_id,
        old=_audit_view(old),
        new={**_audit_view(old), "removed": True},
    )
    return True


__all__ = [
    "IndividualError",
    "IndividualRow",
    "add",
    "get",
    "list_for_unit",
    "remove",
    "update",
]
