"""The audit log: every change of data, who made it, old → new."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import AuditLog, table
from storage.types import utcnow

_T = table(AuditLog)


async def record(
    conn: AsyncConnection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int = "",
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log, inside the caller's transaction."""
    await conn.execute(
        insert(_T).values(
            at=utcnow(),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            old=old,
            new=new,
        )
    )
