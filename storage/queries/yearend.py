"""The year's end: proposals for awards (`/denghi`), their dossiers (`/hoso`) and the
reviews of dossier parts (`/duyet`).

Every change is a row of a history table and an entry of the audit log, in the caller's
transaction: a proposal's versions in `nomination_history`, a part's reviews in
`dossier_review`; a new file for a part supersedes the previous one, which is kept. A
proposal is *complete* (`complete_at`) while every part its award asks for has a current file
that was not returned; that is what fulfils a `dossier: filed` deadline.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import DossierPart, DossierReview, Nomination, NominationHistory, Unit
from storage.queries import audit

_N = Nomination.__table__  # type: ignore[attr-defined]
_NH = NominationHistory.__table__  # type: ignore[attr-defined]
_P = DossierPart.__table__  # type: ignore[attr-defined]
_R = DossierReview.__table__  # type: ignore[attr-defined]
_U = Unit.__table__  # type: ignore[attr-defined]

ACTIVE, WITHDRAWN = "active", "withdrawn"
COLLECTIVE, INDIVIDUAL = "collective", "individual"
PENDING, ACCEPTED, RETURNED = "pending", "accepted", "returned"


@dataclass(frozen=True, slots=True)
class NominationFields:
    """What a person fills in for a proposal."""

    award_code: str
    subject: str  # collective | individual
    full_name: str
    position: str
    achievement: str
    eligible: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class NominationRow:
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    unit_kind: str
    award_code: str
    subject: str
    full_name: str
    position: str
    achievement: str
    eligible: bool
    reason: str | None
    office_unit_id: int | None
    status: str
    created_at: datetime
    changed_at: datetime
    complete_at: datetime | None

    @property
    def collective(self) -> bool:
        return self.subject == COLLECTIVE


@dataclass(frozen=True, slots=True)
class PartRow:
    id: int
    nomination_id: int
    unit_id: int
    part_code: str
    stored_name: str
    original_name: str
    mime_type: str
    size: int
    submitted_at: datetime
    review_status: str
    review_comment: str | None


@dataclass(frozen=True, slots=True)
class NewPart:
    part_code: str
    stored_name: str
    original_name: str
    mime_type: str
    size: int
    sha256: str


_NCOLS = (
    _N.c.id,
    _N.c.unit_id,
    _U.c.code,
    _U.c.name,
    _U.c.kind,
    _N.c.award_code,
    _N.c.subject,
    _N.c.full_name,
    _N.c.position,
    _N.c.achievement,
    _N.c.eligible,
    _N.c.reason,
    _N.c.office_unit_id,
    _N.c.status,
    _N.c.created_at,
    _N.c.changed_at,
    _N.c.complete_at,
)
_PCOLS = (
    _P.c.id,
    _P.c.nomination_id,
    _P.c.unit_id,
    _P.c.part_code,
    _P.c.stored_name,
    _P.c.original_name,
    _P.c.mime_type,
    _P.c.size,
    _P.c.submitted_at,
    _P.c.review_status,
    _P.c.review_comment,
)


def _nrow(r: Any) -> NominationRow:
    return NominationRow(*r)


def _prow(r: Any) -> PartRow:
    return PartRow(*r)


def _snapshot(f: NominationFields) -> dict[str, Any]:
    return {
        "award_code": f.award_code,
        "full_name": f.full_name,
        "position": f.position,
        "achievement": f.achievement,
        "eligible": f.eligible,
        "reason": f.reason,
    }


async def _history(
    conn: AsyncConnection,
    nomination_id: int,
    action: str,
    f: NominationFields,
    status: str,
    *,
    person_id: int | None,
    now: datetime,
) -> None:
    await conn.execute(
        insert(_NH).values(
            nomination_id=nomination_id,
            action=action,
            status=status,
            at=now,
            by=person_id,
            **_snapshot(f),
        )
    )


# -- proposals ------------------------------------------------------------------------------


async def file_nomination(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int,
    fields: NominationFields,
    office_unit_id: int | None,
    person_id: int | None,
    now: datetime,
) -> int:
    """A new proposal; returns its id."""
    res = await conn.execute(
        insert(_N)
        .values(
            campaign_id=campaign_id,
            unit_id=unit_id,
            subject=fields.subject,
            office_unit_id=office_unit_id,
            status=ACTIVE,
            created_at=now,
            created_by=person_id,
            changed_at=now,
            changed_by=person_id,
            **_snapshot(fields),
        )
        .returning(_N.c.id)
    )
    nid = int(res.scalar_one())
    await _history(conn, nid, "file", fields, ACTIVE, person_id=person_id, now=now)
    await audit.record(
        conn,
        actor=f"person:{person_id}" if person_id else "system",
        action="nomination.file",
        entity="nomination",
        entity_id=nid,
        new={"unit_id": unit_id, "subject": fields.subject, **_snapshot(fields)},
    )
    return nid


def _fields(row: NominationRow) -> NominationFields:
    return NominationFields(
        row.award_code,
        row.subject,
        row.full_name,
        row.position,
        row.achievement,
        row.eligible,
        row.reason,
    )


async def change_nomination(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    nomination_id: int,
    fields: NominationFields,
    person_id: int | None,
    now: datetime,
) -> NominationRow | None:
    """Change an active proposal in place (its dossier stays with it); returns the old one."""
    old = await get_nomination(conn, campaign_id=campaign_id, nomination_id=nomination_id)
    if old is None or old.status != ACTIVE:
        return None
    await conn.execute(
        update(_N)
        .where(_N.c.id == nomination_id)
        .values(changed_at=now, changed_by=person_id, **_snapshot(fields))
    )
    await _history(conn, nomination_id, "change", fields, ACTIVE, person_id=person_id, now=now)
    await audit.record(
        conn,
        actor=f"person:{person_id}" if person_id else "system",
        action="nomination.change",
        entity="nomination",
        entity_id=nomination_id,
        old=_snapshot(_fields(old)),
        new=_snapshot(fields),
    )
    return old


async def withdraw_nomination(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    nomination_id: int,
    person_id: int | None,
    now: datetime,
) -> NominationRow | None:
    """Withdraw an active proposal (kept, with its dossier, as withdrawn)."""
    old = await get_nomination(conn, campaign_id=campaign_id, nomination_id=nomination_id)
    if old is None or old.status != ACTIVE:
        return None
    await conn.execute(
        update(_N)
        .where(_N.c.id == nomination_id, _N.c.status == ACTIVE)
        .values(status=WITHDRAWN, changed_at=now, changed_by=person_id)
    )
    await _history(
        conn, nomination_id, "withdraw", _fields(old), WITHDRAWN, person_id=person_id, now=now
    )
    await audit.record(
        conn,
        actor=f"person:{person_id}" if person_id else "system",
        action="nomination.withdraw",
        entity="nomination",
        entity_id=nomination_id,
        old={"status": ACTIVE},
        new={"status": WITHDRAWN},
    )
    return old


async def get_nomination(
    conn: AsyncConnection, *, campaign_id: str, nomination_id: int
) -> NominationRow | None:
    row = (
        await conn.execute(
            select(*_NCOLS)
            .join(_U, _U.c.id == _N.c.unit_id)
            .where(_N.c.campaign_id == campaign_id, _N.c.id == nomination_id)
        )
    ).first()
    return _nrow(row) if row else None


async def nominations(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    unit_id: int | None = None,
    kinds: frozenset[str] | None = None,
    include_withdrawn: bool = False,
) -> list[NominationRow]:
    """Proposals of one unit (or of the units of `kinds`, None: all), oldest first."""
    q = (
        select(*_NCOLS)
        .join(_U, _U.c.id == _N.c.unit_id)
        .where(_N.c.campaign_id == campaign_id)
        .order_by(_U.c.code, _N.c.id)
    )
    if unit_id is not None:
        q = q.where(_N.c.unit_id == unit_id)
    if kinds is not None:
        q = q.where(_U.c.kind.in_(sorted(kinds)))
    if not include_withdrawn:
        q = q.where(_N.c.status == ACTIVE)
    return [_nrow(r) for r in await conn.execute(q)]


async def nomination_history(conn: AsyncConnection, *, nomination_id: int) -> list[dict[str, Any]]:
    """Every version of a proposal, oldest first."""
    rows = await conn.execute(
        select(_NH).where(_NH.c.nomination_id == nomination_id).order_by(_NH.c.id)
    )
    return [dict(r._mapping) for r in rows]


# -- dossier parts --------------------------------------------------------------------------


async def current_parts(
    conn: AsyncConnection, *, nomination_ids: Collection[int]
) -> dict[int, dict[str, PartRow]]:
    """Proposal id → part code → its current (not superseded) file."""
    if not nomination_ids:
        return {}
    rows = await conn.execute(
        select(*_PCOLS)
        .where(_P.c.nomination_id.in_(sorted(nomination_ids)), _P.c.superseded.is_(False))
        .order_by(_P.c.id)
    )
    out: dict[int, dict[str, PartRow]] = {}
    for r in rows:
        part = _prow(r)
        out.setdefault(part.nomination_id, {})[part.part_code] = part
    return out


async def _refresh_complete(
    conn: AsyncConnection, nomination_id: int, required: Sequence[str], now: datetime
) -> bool:
    parts = (await current_parts(conn, nomination_ids=[nomination_id])).get(nomination_id, {})
    complete = all(c in parts and parts[c].review_status != RETURNED for c in required)
    row = (await conn.execute(select(_N.c.complete_at).where(_N.c.id == nomination_id))).first()
    was = row[0] if row else None
    if complete and was is None:
        await conn.execute(update(_N).where(_N.c.id == nomination_id).values(complete_at=now))
    elif not complete and was is not None:
        await conn.execute(update(_N).where(_N.c.id == nomination_id).values(complete_at=None))
    return complete


async def submit_part(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    nomination: NominationRow,
    part: NewPart,
    required: Sequence[str],
    person_id: int | None,
    now: datetime,
) -> tuple[int, list[int], bool]:
    """Keep a file for one part of a proposal's dossier: (its id, ids it superseded, whether
    the dossier is now complete)."""
    old = await conn.execute(
        select(_P.c.id).where(
            _P.c.nomination_id == nomination.id,
            _P.c.part_code == part.part_code,
            _P.c.superseded.is_(False),
        )
    )
    superseded = [int(r[0]) for r in old]
    if superseded:
        await conn.execute(update(_P).where(_P.c.id.in_(superseded)).values(superseded=True))
    res = await conn.execute(
        insert(_P)
        .values(
            campaign_id=campaign_id,
            unit_id=nomination.unit_id,
            nomination_id=nomination.id,
            part_code=part.part_code,
            stored_name=part.stored_name,
            original_name=part.original_name,
            mime_type=part.mime_type,
            size=part.size,
            sha256=part.sha256,
            submitted_at=now,
            submitted_by=person_id,
            review_status=PENDING,
        )
        .returning(_P.c.id)
    )
    pid = int(res.scalar_one())
    complete = await _refresh_complete(conn, nomination.id, required, now)
    await audit.record(
        conn,
        actor=f"person:{person_id}" if person_id else "system",
        action="dossier.submit",
        entity="dossier_part",
        entity_id=pid,
        old={"superseded": superseded} if superseded else None,
        new={
            "nomination_id": nomination.id,
            "part": part.part_code,
            "stored_name": part.stored_name,
            "sha256": part.sha256,
            "complete": complete,
        },
    )
    return pid, superseded, complete


async def get_part(conn: AsyncConnection, *, campaign_id: str, part_id: int) -> PartRow | None:
    row = (
        await conn.execute(
            select(*_PCOLS).where(_P.c.campaign_id == campaign_id, _P.c.id == part_id)
        )
    ).first()
    return _prow(row) if row else None


async def pending_parts(
    conn: AsyncConnection, *, campaign_id: str, kinds: frozenset[str] | None
) -> list[tuple[PartRow, NominationRow]]:
    """Current parts waiting for review, of active proposals of units of `kinds`."""
    q = (
        select(*_PCOLS, *_NCOLS)
        .join(_N, _N.c.id == _P.c.nomination_id)
        .join(_U, _U.c.id == _N.c.unit_id)
        .where(
            _P.c.campaign_id == campaign_id,
            _P.c.superseded.is_(False),
            _P.c.review_status == PENDING,
            _N.c.status == ACTIVE,
        )
        .order_by(_P.c.submitted_at, _P.c.id)
    )
    if kinds is not None:
        q = q.where(_U.c.kind.in_(sorted(kinds)))
    n = len(_PCOLS)
    return [(_prow(r[:n]), _nrow(r[n:])) for r in await conn.execute(q)]


async def review_part(
    conn: AsyncConnection,
    *,
    part: PartRow,
    status: str,
    comment: str | None,
    required: Sequence[str],
    person_id: int | None,
    now: datetime,
) -> bool:
    """Accept or return one part (only a current, pending one); False if it is not."""
    res = await conn.execute(
        update(_P)
        .where(_P.c.id == part.id, _P.c.superseded.is_(False), _P.c.review_status == PENDING)
        .values(
            review_status=status, review_comment=comment, reviewed_at=now, reviewed_by=person_id
        )
    )
    if not res.rowcount:
        return False
    await conn.execute(
        insert(_R).values(part_id=part.id, status=status, comment=comment, at=now, by=person_id)
    )
    await _refresh_complete(conn, part.nomination_id, required, now)
    await audit.record(
        conn,
        actor=f"person:{person_id}" if person_id else "system",
        action=f"dossier.{status}",
        entity="dossier_part",
        entity_id=part.id,
        old={"review_status": part.review_status},
        new={"review_status": status, "comment": comment},
    )
    return True


async def part_reviews(conn: AsyncConnection, *, part_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(select(_R).where(_R.c.part_id == part_id).order_by(_R.c.id))
    return [dict(r._mapping) for r in rows]


async def complete_unit_ids(conn: AsyncConnection, *, campaign_id: str) -> dict[int, datetime]:
    """Unit id → when its first active proposal's dossier became complete."""
    rows = await conn.execute(
        select(_N.c.unit_id, _N.c.complete_at).where(
            _N.c.campaign_id == campaign_id, _N.c.status == ACTIVE, _N.c.complete_at.is_not(None)
        )
    )
    out: dict[int, datetime] = {}
    for unit_id, at in rows:
        if unit_id not in out or at < out[unit_id]:
            out[int(unit_id)] = at
    return out
