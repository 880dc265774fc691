"""The fields the bot read in submitted documents, their flags, and Phòng Nội vụ's
corrections (the caller audits them: `storage.queries.audit`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Document, DocumentReading, Unit
from storage.models import table as table_of

_R = DocumentReading.__table__  # type: ignore[attr-defined]
_D = table_of(Document)
_U = table_of(Unit)

# The fields a person can read on the document, in the order they are shown and corrected.
FIELDS = ("doc_type", "number", "issued_on", "place", "issuer", "parent_issuer", "subject",
          "signer_title")


@dataclass(frozen=True, slots=True)
class Reading:
    document_id: int
    source: str
    confidence: float
    values: dict[str, str | date | None]  # by the names of FIELDS
    notes: tuple[str, ...] = ()
    flags: tuple[dict[str, str], ...] = ()
    corrected: tuple[str, ...] = field(default=())


async def save(conn: AsyncConnection, *, document_id: int, fields: Mapping[str, Any],
               flags: Iterable[Mapping[str, str]], now: datetime) -> None:
    """Keep what was read in `document_id` (`fields` as `documents.reading` gives them,
    `issued_on` a date or an ISO string)."""
    issued = fields.get("issued_on")
    if isinstance(issued, str):
        issued = date.fromisoformat(issued) if issued else None
    await conn.execute(insert(_R).values(
        document_id=document_id,
        source=str(fields.get("source") or "none")[:8],
        confidence=float(fields.get("confidence") or 0.0),
        issued_on=issued,
        notes=[str(n) for n in fields.get("notes") or ()],
        flags=[{"code": str(f.get("code", "")), "message": str(f.get("message", ""))}
               for f in flags],
        corrected=[],
        read_at=now,
        **{k: _text(fields.get(k)) for k in FIELDS if k != "issued_on"},
    ))


def _text(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


async def of_documents(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, Reading]:
    """The readings of these documents, by document id (a document not read has none)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = (await conn.execute(select(_R).where(_R.c.document_id.in_(wanted)))).mappings()
    return {r["document_id"]: _reading(r) for r in rows}


async def get(conn: AsyncConnection, document_id: int) -> Reading | None:
    return (await of_documents(conn, [document_id])).get(document_id)


def _reading(r: Any) -> Reading:
    return Reading(
        document_id=int(r["document_id"]),
        source=str(r["source"]),
        confidence=float(r["confidence"] or 0.0),
        values={k: r[k] for k in FIELDS},
        notes=tuple(r["notes"] or ()),
        flags=tuple(dict(f) for f in r["flags"] or ()),
        corrected=tuple(r["corrected"] or ()),
    )


async def correct(conn: AsyncConnection, *, document_id: int, name: str,
                  value: str | date | None, now: datetime) -> str | date | None:
    """Set one field to what Phòng Nội vụ says it is; returns the value it had. A document
    never read gets a row holding only the correction."""
    if name not in FIELDS:
        raise ValueError(f"no field {name}")
    current = await get(conn, document_id)
    if current is None:
        await conn.execute(insert(_R).values(
            document_id=document_id, source="none", confidence=0.0, notes=[], flags=[],
            corrected=[name], read_at=now, **{name: value},
        ))
        return None
    corrected = [*current.corrected, name] if name not in current.corrected else list(
        current.corrected)
    await conn.execute(update(_R).where(_R.c.document_id == document_id)
                       .values(**{name: value}, corrected=corrected))
    return current.values.get(name)


async def set_flags(conn: AsyncConnection, *, document_id: int,
                    flags: Iterable[Mapping[str, str]]) -> None:
    """The flags checked again after a correction."""
    await conn.execute(update(_R).where(_R.c.document_id == document_id).values(
        flags=[{"code": str(f.get("code", "")), "message": str(f.get("message", ""))}
               for f in flags]))


# The export's key of a document row (`storage.queries.oversight.export_rows`): unit id, type
# and time of submission, which no two submissions share.
ExportKey = tuple[int, str, datetime]
# number, issued_on, issuer, doc_type, subject, signer_title, flags ([{code, message}]),
# corrected (field names).
ExportReading = tuple[Any, ...]


async def for_export(conn: AsyncConnection, *, campaign_id: str,
                     kinds: frozenset[str] | None) -> dict[ExportKey, ExportReading]:
    """The readings of the campaign's documents in the export's scope (live units of `kinds`),
    by the export's key of each document row: one statement, whatever the number of units."""
    q = (
        select(_D.c.unit_id, _D.c.doc_type, _D.c.submitted_at, _R.c.number, _R.c.issued_on,
               _R.c.issuer, _R.c.doc_type, _R.c.subject, _R.c.signer_title, _R.c.flags,
               _R.c.corrected)
        .select_from(_R.join(_D, _D.c.id == _R.c.document_id).join(_U, _U.c.id == _D.c.unit_id))
        .where(_D.c.campaign_id == campaign_id, _U.c.campaign_id == campaign_id,
               _U.c.retired.is_(False))
    )
    if kinds is not None:
        q = q.where(_U.c.kind.in_(sorted(kinds)))
    return {(int(r[0]), str(r[1]), r[2]): (*r[3:9], list(r[9] or ()), list(r[10] or ()))
            for r in await conn.execute(q)}
