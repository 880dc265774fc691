"""Submitted documents: the current one of each type, submitting (superseding the previous
one), and a deadline's due date as an admin may have moved it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import DeadlineOverride, Document, table

_D = table(Document)
_OV = table(DeadlineOverride)


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    doc_type: str
    number: str
    doc_date: date | None
    submitted_at: datetime
    on_time: bool | None
    review_status: str


@dataclass(frozen=True, slots=True)
class NewDocument:
    doc_type: str
    number: str
    doc_date: date
    stored_name: str
    original_name: str
    mime_type: str
    size: int
    sha256: str
    deadline_code: str | None
    on_time: bool | None


_COLUMNS = (
    _D.c.id,
    _D.c.doc_type,
    _D.c.number,
    _D.c.doc_date,
    _D.c.submitted_at,
    _D.c.on_time,
    _D.c.review_status,
)


async def current(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, doc_type: str
) -> DocumentRow | None:
    """The unit's latest document of this type that nothing replaced, if any."""
    row = (
        await conn.execute(
            select(*_COLUMNS)
            .where(
                _D.c.campaign_id == campaign_id,
                _D.c.unit_id == unit_id,
                _D.c.doc_type == doc_type,
                _D.c.superseded.is_(False),
            )
            .order_by(_D.c.id.desc())
            .limit(1)
        )
    ).first()
    return DocumentRow(*tuple(row)) if row else None


async def moved_due(conn: AsyncConnection, *, campaign_id: str, code: str) -> date | None:
    """The due date an admin set for a deadline (`DeadlineOverride`), or None: the file's."""
    return (
        await conn.execute(
            select(_OV.c.due).where(_OV.c.campaign_id == campaign_id, _OV.c.code == code)
        )
    ).scalar()


async def submit(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    person_id: int | None,
    doc: NewDocument,
    now: datetime,
    sign_off: str = "confirmed",
) -> tuple[int, list[DocumentRow]]:
    """Store a submitted document; the unit's earlier ones of the same type are marked
    superseded. Returns the new id and the documents it replaced.

    With `sign_off="pending"` (waiting for the unit's head) an earlier document that counts
    stays in force until the head confirms this one; earlier ones that never counted are
    replaced now."""
    live = (
        _D.c.campaign_id == campaign_id,
        _D.c.unit_id == unit_id,
        _D.c.doc_type == doc.doc_type,
        _D.c.superseded.is_(False),
    )
    query = select(*_COLUMNS).where(*live)
    if sign_off != "confirmed":
        query = query.where(_D.c.sign_off_status != "confirmed")
    replaced = [DocumentRow(*tuple(r)) for r in await conn.execute(query)]
    if replaced:
        await conn.execute(
            update(_D).where(_D.c.id.in_([r.id for r in replaced])).values(superseded=True)
        )
    result = await conn.execute(
        insert(_D)
        .values(
            campaign_id=campaign_id,
            unit_id=unit_id,
            doc_type=doc.doc_type,
            number=doc.number,
            doc_date=doc.doc_date,
            stored_name=doc.stored_name,
            original_name=doc.original_name,
            mime_type=doc.mime_type,
            size=doc.size,
            sha256=doc.sha256,
            submitted_at=now,
            submitted_by=person_id,
            deadline_code=doc.deadline_code,
            on_time=doc.on_time,
            sign_off_status=sign_off,
        )
        .returning(_D.c.id)
    )
    return int(result.scalar_one()), replaced
