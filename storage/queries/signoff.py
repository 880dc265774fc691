"""The unit head's sign-off on reports and documents (campaign file `sign_off`).

States (`sign_off_status` on `report_submission` and `document`):

- ``confirmed``: counts. Rows sent without sign-off (the option off, a unit with no registered
  head, everything stored before sign-off existed) are confirmed from the start;
- ``pending``: sent by a focal point, waiting for the head ("chờ thủ trưởng xác nhận");
- ``returned``: the head asked for a correction (`sign_off_comment`); a new submission makes it
  pending again.

A submission counts (fulfils a deadline, is listed for Phòng Nội vụ's review) once confirmed,
at the head's first confirmation (`signed_off_at`) or, without sign-off, when it was sent. A
report confirmed once keeps counting while a later correction waits for the head: the deadline
was met then; only the review listing waits for the head again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Document, Membership, Person, ReportSubmission, Role, table

_S = table(ReportSubmission)
_D = table(Document)
_M = table(Membership)
_P = table(Person)

CONFIRMED = "confirmed"
PENDING = "pending"
RETURNED = "returned"


# -- what counts, and when (used by fulfilment, status and the review listing) -------------------


def report_counts() -> Any:
    """A report submission that counts: confirmed now, or confirmed once by the head."""
    return or_(_S.c.sign_off_status == CONFIRMED, _S.c.signed_off_at.is_not(None))


def report_counted_at() -> Any:
    """When a counting report submission counted: the head's confirmation, else its sending."""
    return func.coalesce(_S.c.signed_off_at, _S.c.submitted_at)


def document_counts() -> Any:
    """A document that counts: confirmed (by the head, or needing no confirmation)."""
    return _D.c.sign_off_status == CONFIRMED


def document_counted_at() -> Any:
    """When a counting document counted: the head's confirmation, else its sending."""
    return func.coalesce(_D.c.signed_off_at, _D.c.submitted_at)


# -- heads ----------------------------------------------------------------------------------------


async def has_head(conn: AsyncConnection, *, unit_id: int) -> bool:
    """Whether the unit has a registered head (whether or not a chat of theirs is reachable)."""
    q = select(
        exists().where(_M.c.unit_id == unit_id, _M.c.role == Role.HEAD.value, _M.c.active.is_(True))
    )
    return bool((await conn.execute(q)).scalar())


# -- reports --------------------------------------------------------------------------------------


async def report_states(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, periods: Sequence[str]
) -> dict[str, str]:
    """The sign-off state of the unit's submissions for these periods (absent: not sent)."""
    rows = await conn.execute(
        select(_S.c.period, _S.c.sign_off_status).where(
            _S.c.campaign_id == campaign_id, _S.c.unit_id == unit_id, _S.c.period.in_(periods)
        )
    )
    return {str(r[0]): str(r[1]) for r in rows}


async def set_reports_state(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, periods: Sequence[str], state: str
) -> None:
    """Mark the unit's submissions for these periods pending (sent to the head) or confirmed
    (no head to wait for); the head's earlier comment is dropped."""
    if not periods:
        return
    await conn.execute(
        update(_S)
        .where(_S.c.campaign_id == campaign_id, _S.c.unit_id == unit_id, _S.c.period.in_(periods))
        .values(sign_off_status=state, sign_off_comment=None)
    )


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: int
    unit_id: int
    period: str
    submitted_at: datetime
    sign_off_status: str
    sign_off_comment: str | None
    signed_off_at: datetime | None


_REPORT_COLS = (
    _S.c.id,
    _S.c.unit_id,
    _S.c.period,
    _S.c.submitted_at,
    _S.c.sign_off_status,
    _S.c.sign_off_comment,
    _S.c.signed_off_at,
)


async def get_report(
    conn: AsyncConnection, *, campaign_id: str, submission_id: int
) -> ReportRow | None:
    row = (
        await conn.execute(
            select(*_REPORT_COLS).where(_S.c.id == submission_id, _S.c.campaign_id == campaign_id)
        )
    ).first()
    return ReportRow(*tuple(row)) if row else None


async def confirm_report(
    conn: AsyncConnection, *, report: ReportRow, person_id: int, now: datetime
) -> bool:
    """The head confirms a pending report; False if it was no longer pending. The first
    confirmation is kept as the moment the report counted."""
    first = report.signed_off_at is None
    values: dict[str, Any] = {"sign_off_status": CONFIRMED, "sign_off_comment": None}
    if first:
        values |= {"signed_off_at": now, "signed_off_by": person_id}
    result = await conn.execute(
        update(_S).where(_S.c.id == report.id, _S.c.sign_off_status == PENDING).values(**values)
    )
    return bool(result.rowcount)


async def return_report(conn: AsyncConnection, *, report: ReportRow, comment: str) -> bool:
    """The head asks for a correction of a pending report; False if it was no longer pending."""
    result = await conn.execute(
        update(_S)
        .where(_S.c.id == report.id, _S.c.sign_off_status == PENDING)
        .values(sign_off_status=RETURNED, sign_off_comment=comment)
    )
    return bool(result.rowcount)


# -- documents ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    unit_id: int
    doc_type: str
    number: str
    doc_date: Any
    original_name: str
    submitted_at: datetime
    deadline_code: str | None
    sign_off_status: str
    sign_off_comment: str | None
    superseded: bool


_DOC_COLS = (
    _D.c.id,
    _D.c.unit_id,
    _D.c.doc_type,
    _D.c.number,
    _D.c.doc_date,
    _D.c.original_name,
    _D.c.submitted_at,
    _D.c.deadline_code,
    _D.c.sign_off_status,
    _D.c.sign_off_comment,
    _D.c.superseded,
)


async def get_document(
    conn: AsyncConnection, *, campaign_id: str, document_id: int
) -> DocumentRow | None:
    row = (
        await conn.execute(
            select(*_DOC_COLS).where(_D.c.id == document_id, _D.c.campaign_id == campaign_id)
        )
    ).first()
    return DocumentRow(*tuple(row)) if row else None


async def confirm_document(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    document: DocumentRow,
    person_id: int,
    on_time: bool | None,
    now: datetime,
) -> list[int]:
    """The head confirms a pending document: it counts from now (`on_time` judged now) and
    replaces the unit's earlier documents of its type. Returns the ids it replaced; raises
    `LookupError` if it was no longer pending."""
    result = await conn.execute(
        update(_D)
        .where(
            _D.c.id == document.id,
            _D.c.sign_off_status == PENDING,
            _D.c.superseded.is_(False),
        )
        .values(
            sign_off_status=CONFIRMED,
            sign_off_comment=None,
            signed_off_at=now,
            signed_off_by=person_id,
            on_time=on_time,
        )
    )
    if not result.rowcount:
        raise LookupError(document.id)
    older = [
        int(r[0])
        for r in await conn.execute(
            select(_D.c.id).where(
                _D.c.campaign_id == campaign_id,
                _D.c.unit_id == document.unit_id,
                _D.c.doc_type == document.doc_type,
                _D.c.superseded.is_(False),
                _D.c.id != document.id,
            )
        )
    ]
    if older:
        await conn.execute(update(_D).where(_D.c.id.in_(older)).values(superseded=True))
    return older


async def return_document(conn: AsyncConnection, *, document: DocumentRow, comment: str) -> bool:
    """The head asks for a correction of a pending document; False if no longer pending."""
    result = await conn.execute(
        update(_D)
        .where(_D.c.id == document.id, _D.c.sign_off_status == PENDING)
        .values(sign_off_status=RETURNED, sign_off_comment=comment)
    )
    return bool(result.rowcount)


# -- what a unit has waiting ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Waiting:
    """A report (one period) or a document waiting for the head, or returned by them."""

    kind: str  # "report" | "document"
    id: int
    what: str  # the period code, or the document type
    submitted_at: datetime  # the report's first sending; the document's sending
    state: str  # pending | returned
    comment: str | None
    number: str = ""  # a document's number


async def unit_items(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, states: Sequence[str] = (PENDING,)
) -> list[Waiting]:
    """The unit's reports and live documents in these sign-off states, oldest first (two
    statements)."""
    out = [
        Waiting("report", int(r[0]), str(r[1]), r[2], str(r[3]), r[4])
        for r in await conn.execute(
            select(
                _S.c.id, _S.c.period, _S.c.submitted_at, _S.c.sign_off_status, _S.c.sign_off_comment
            ).where(
                _S.c.campaign_id == campaign_id,
                _S.c.unit_id == unit_id,
                _S.c.sign_off_status.in_(states),
            )
        )
    ]
    out += [
        Waiting("document", int(r[0]), str(r[1]), r[2], str(r[3]), r[4], str(r[5] or ""))
        for r in await conn.execute(
            select(
                _D.c.id,
                _D.c.doc_type,
                _D.c.submitted_at,
                _D.c.sign_off_status,
                _D.c.sign_off_comment,
                _D.c.number,
            ).where(
                _D.c.campaign_id == campaign_id,
                _D.c.unit_id == unit_id,
                _D.c.superseded.is_(False),
                _D.c.sign_off_status.in_(states),
            )
        )
    ]
    out.sort(key=lambda w: (w.submitted_at, w.kind, w.id))
    return out


async def person_name(conn: AsyncConnection, *, person_id: int | None) -> str:
    """A person's full name ("" if unknown), for the messages about their submission."""
    if person_id is None:
        return ""
    name = (await conn.execute(select(_P.c.full_name).where(_P.c.id == person_id))).scalar()
    return str(name or "")
