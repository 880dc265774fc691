"""Issuing invite codes for a unit (the command line, the demo, and tests)."""

from __future__ import annotations

from datetime import timedelta

from storage.db import Database
from storage.queries.invites import issue_codes as issue_codes_in
from storage.queries.units import get_unit_by_code
from storage.types import utcnow


async def issue_codes(
    db: Database,
    *,
    campaign_id: str,
    unit_code: str,
    role: str,
    count: int,
    ttl: timedelta,
    actor: str,
) -> list[str] | None:
    """`count` fresh codes for a unit and role, in their own transaction; None if the unit
    does not exist or has closed. (`/moi` runs the same inside its update's transaction.)"""
    async with db.transaction() as conn:
        unit = await get_unit_by_code(conn, campaign_id=campaign_id, code=unit_code)
        if unit is None or unit.retired:
            return None
        return await issue_codes_in(
            conn, unit_id=unit.id, role=role, count=count, now=utcnow(), ttl=ttl, actor=actor
        )
