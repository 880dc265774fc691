"""Articles reported by media units."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import MediaArticle, table

_A = table(MediaArticle)


async def add(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    person_id: int | None,
    title: str,
    outlet: str,
    kind: str,
    published_on: date,
    link: str,
    now: datetime,
) -> int:
    """Record one article; returns its id."""
    result = await conn.execute(
        insert(_A)
        .values(
            campaign_id=campaign_id,
            unit_id=unit_id,
            title=title,
            outlet=outlet,
            kind=kind,
            published_on=published_on,
            link=link,
            created_at=now,
            created_by=person_id,
        )
        .returning(_A.c.id)
    )
    return int(result.scalar_one())


async def count_for_unit(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, since: date | None = None
) -> int:
    """How many articles the unit reported (published on or after `since`, if given)."""
    q = select(func.count()).where(_A.c.campaign_id == campaign_id, _A.c.unit_id == unit_id)
    if since is not None:
        q = q.where(_A.c.published_on >= since)
    return int((await conn.execute(q)).scalar_one())
