"""What status, oversight, review and export read and change (invite codes are in
`storage.queries.invites`, deadline changes in `storage.queries.deadlines`).

Facts and the review listing take only what counts: a report or document waiting for the unit
head's sign-off is left out, and a deadline is met when the head confirmed (see
`storage.queries.signoff`).

Reads for many units run a fixed number of statements, whatever the number of units: each
selects by campaign (and unit kind, joined) and groups in the database or in Python, never one
statement per unit. A value counts as reported when it was not skipped (`skipped_reason` is
NULL; a skipped value's JSON is `null`, which is not SQL NULL).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    String,
    Text,
    and_,
    cast,
    exists,
    func,
    not_,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.status import (
    DocumentFact,
    InitiativeFact,
    UnitFacts,
    ValueFact,
)
from storage.models import (
    Document,
    IndicatorValue,
    Initiative,
    Nomination,
    ReportSubmission,
    Unit,
)
from storage.models import table as table_of
from storage.queries import signoff

_U = table_of(Unit)
_V = table_of(IndicatorValue)
_S = table_of(ReportSubmission)
_D = table_of(Document)
_I = table_of(Initiative)
_N = table_of(Nomination)

Kinds = frozenset[str] | None  # None: every kind


def _in_scope(q: Any, unit_col: Any, *, campaign_id: str, kinds: Kinds) -> Any:
    """Restrict a query on a table with a unit id to the campaign's live units of `kinds`."""
    q = q.join(_U, _U.c.id == unit_col).where(
        _U.c.campaign_id == campaign_id, _U.c.retired.is_(False)
    )
    if kinds is not None:
        q = q.where(_U.c.kind.in_(sorted(kinds)))
    return q


# -- units and deadlines --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitRef:
    id: int
    code: str
    name: str
    kind: str


async def units_in_scope(conn: AsyncConnection, *, campaign_id: str, kinds: Kinds) -> list[UnitRef]:
    """The campaign's live units of `kinds`, by kind then code."""
    q = select(_U.c.id, _U.c.code, _U.c.name, _U.c.kind).where(
        _U.c.campaign_id == campaign_id, _U.c.retired.is_(False)
    )
    if kinds is not None:
        q = q.where(_U.c.kind.in_(sorted(kinds)))
    rows = await conn.execute(q.order_by(_U.c.kind, _U.c.code))
    return [UnitRef(*r) for r in rows]


async def unit_by_id(conn: AsyncConnection, *, campaign_id: str, unit_id: int) -> UnitRef | None:
    row = (
        await conn.execute(
            select(_U.c.id, _U.c.code, _U.c.name, _U.c.kind).where(
                _U.c.campaign_id == campaign_id, _U.c.id == unit_id, _U.c.retired.is_(False)
            )
        )
    ).first()
    return UnitRef(*row) if row else None


# -- facts ----------------------------------------------------------------------------------

# Reading many rows fast. SQLAlchemy's result processing costs more than the query on these
# reads (measured at 2,000 units: a regex per SQLite timestamp, a `json.loads` per value), so
# the many-row reads select timestamps as text on SQLite (parsed by `datetime.fromisoformat`)
# and values as their JSON text, parsed once per distinct text (a year's values repeat a few
# hundred texts: `true`, `100`, a rating).

_JSON_MEMO: dict[str, Any] = {}
_JSON_MEMO_LIMIT = 100_000
_SCALARS = (str, int, float, bool, type(None))


def _json_value(text: str | None) -> Any:
    """A value's JSON text as the JSON column would give it (SQL NULL: None)."""
    if text is None:
        return None
    try:
        return _JSON_MEMO[text]
    except KeyError:
        value = json.loads(text)
        if isinstance(value, _SCALARS):  # lists and objects are not shared between facts
            if len(_JSON_MEMO) >= _JSON_MEMO_LIMIT:
                _JSON_MEMO.clear()
            _JSON_MEMO[text] = value
        return value


def _json_text(col: Any) -> Any:
    """A JSON column selected as its text (parse it with `_json_value`)."""
    return cast(col, Text)


def _sqlite_moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _sent_at(moment: datetime | None) -> datetime:
    if moment is None:  # the column is NOT NULL
        raise ValueError("a submission without its time")
    return moment


def _keep(value: Any) -> Any:
    return value


def _moment(conn: AsyncConnection, expr: Any) -> tuple[Any, Callable[[Any], datetime | None]]:
    """A `UTCDateTime` expression to select, and how to read it into a UTC-aware datetime:
    on SQLite its stored text, parsed here (as `UTCDateTime` would, without its regex)."""
    if conn.dialect.name == "sqlite":
        return type_coerce(expr, String()), _sqlite_moment
    return expr, _keep


async def unit_facts(conn: AsyncConnection, *, campaign_id: str, unit_id: int) -> UnitFacts:
    """Everything about one unit: every value of every period, submissions, documents and
    initiatives (four statements)."""
    facts = UnitFacts()
    rows = await conn.execute(
        select(
            _V.c.indicator_code,
            _V.c.period,
            _V.c.value,
            _V.c.display,
            _V.c.skipped_reason,
            _V.c.review_status,
            _V.c.review_comment,
        ).where(_V.c.campaign_id == campaign_id, _V.c.unit_id == unit_id)
    )
    for r in rows:
        code, period, value, display, skipped, status, comment = tuple(r)
        facts.values[(code, period)] = ValueFact(
            None if skipped is not None else value, display, skipped, status, comment
        )
    # Only what counts (the head's sign-off given or not needed), from when it counted.
    rows = await conn.execute(
        select(_S.c.period, signoff.report_counted_at()).where(
            _S.c.campaign_id == campaign_id, _S.c.unit_id == unit_id, signoff.report_counts()
        )
    )
    facts.submissions = {str(r[0]): r[1] for r in rows}
    counted_at = signoff.document_counted_at()
    rows = await conn.execute(
        select(
            _D.c.doc_type,
            counted_at,
            _D.c.number,
            _D.c.review_status,
            _D.c.review_comment,
            _D.c.superseded,
        )
        .where(_D.c.campaign_id == campaign_id, _D.c.unit_id == unit_id, signoff.document_counts())
        .order_by(counted_at, _D.c.id)
    )
    docs: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows:
        docs.setdefault(r[0], []).append(tuple(r))
    for doc_type, items in docs.items():
        live = [r for r in items if not r[5]] or items
        latest = live[-1]
        facts.documents[doc_type] = DocumentFact(
            doc_type=doc_type,
            first_submitted_at=items[0][1],
            last_submitted_at=latest[1],
            count=len(live),
            number=latest[2] or "",
            review_status=latest[3],
            review_comment=latest[4],
        )
    rows = await conn.execute(
        select(_I.c.title, _I.c.status, _I.c.created_at, _I.c.kind)
        .where(_I.c.campaign_id == campaign_id, _I.c.unit_id == unit_id)
        .order_by(_I.c.created_at, _I.c.id)
    )
    facts.initiatives = [InitiativeFact(r[0], r[1], r[2], r[3]) for r in rows]
    facts.dossier_filed_at = (
        await conn.execute(
            select(func.min(_N.c.complete_at)).where(
                _N.c.campaign_id == campaign_id, _N.c.unit_id == unit_id, _N.c.status == "active"
            )
        )
    ).scalar()
    return facts


async def facts_by_unit(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    kinds: Kinds,
    value_periods: Collection[str],
    submission_periods: Collection[str],
    latest_values: bool = False,
) -> dict[int, UnitFacts]:
    """Facts of every unit in scope, by unit id, in four statements: the values of
    `value_periods` (with `latest_values`, instead each indicator's latest reported value),
    the first submission of each of `submission_periods`, the first document of each type,
    and the initiatives."""
    out: dict[int, UnitFacts] = {}

    def of(unit_id: int) -> UnitFacts:
        f = out.get(unit_id)
        if f is None:
            f = out[unit_id] = UnitFacts()
        return f

    cols = (
        _V.c.unit_id,
        _V.c.indicator_code,
        _V.c.period,
        _json_text(_V.c.value),
        _V.c.display,
        _V.c.skipped_reason,
        _V.c.review_status,
        _V.c.review_comment,
    )
    if latest_values:
        latest = (
            select(_V.c.unit_id, _V.c.indicator_code, func.max(_V.c.period).label("period"))
            .where(_V.c.campaign_id == campaign_id, _V.c.skipped_reason.is_(None))
            .group_by(_V.c.unit_id, _V.c.indicator_code)
            .subquery()
        )
        q = select(*cols).select_from(
            _V.join(
                latest,
                and_(
                    _V.c.unit_id == latest.c.unit_id,
                    _V.c.indicator_code == latest.c.indicator_code,
                    _V.c.period == latest.c.period,
                ),
            )
        )
        q = _in_scope(q, _V.c.unit_id, campaign_id=campaign_id, kinds=kinds).where(
            _V.c.campaign_id == campaign_id
        )
    else:
        q = _in_scope(
            select(*cols).select_from(_V), _V.c.unit_id, campaign_id=campaign_id, kinds=kinds
        ).where(_V.c.campaign_id == campaign_id, _V.c.period.in_(sorted(value_periods)))
    for unit_id, code, period, value, display, skipped, status, comment in (
        await conn.execute(q)
    ).all():
        of(unit_id).values[(code, period)] = ValueFact(
            None if skipped is not None else _json_value(value), display, skipped, status, comment
        )
    counted_at = signoff.document_counted_at()
    if submission_periods:
        report_at, read_at = _moment(conn, signoff.report_counted_at())
        q = _in_scope(
            select(_S.c.unit_id, _S.c.period, report_at).select_from(_S),
            _S.c.unit_id,
            campaign_id=campaign_id,
            kinds=kinds,
        ).where(
            _S.c.campaign_id == campaign_id,
            _S.c.period.in_(sorted(submission_periods)),
            signoff.report_counts(),
        )
        for unit_id, period, at in (await conn.execute(q)).all():
            moment = read_at(at)
            if moment is not None:  # a counting report has a time (the column is NOT NULL)
                of(unit_id).submissions[period] = moment
    q = _in_scope(
        select(
            _D.c.unit_id,
            _D.c.doc_type,
            func.min(counted_at),
            func.max(counted_at),
            func.count(),
        ).select_from(_D),
        _D.c.unit_id,
        campaign_id=campaign_id,
        kinds=kinds,
    ).where(_D.c.campaign_id == campaign_id, signoff.document_counts())
    q = q.group_by(_D.c.unit_id, _D.c.doc_type)
    for unit_id, doc_type, first, last, n in await conn.execute(q):
        of(unit_id).documents[doc_type] = DocumentFact(doc_type, first, last, n)
    q = _in_scope(
        select(_I.c.unit_id, _I.c.title, _I.c.status, _I.c.created_at, _I.c.kind).select_from(_I),
        _I.c.unit_id,
        campaign_id=campaign_id,
        kinds=kinds,
    ).where(_I.c.campaign_id == campaign_id)
    for r in await conn.execute(q.order_by(_I.c.created_at, _I.c.id)):
        of(r[0]).initiatives.append(InitiativeFact(r[1], r[2], r[3], r[4]))
    q = _in_scope(
        select(_N.c.unit_id, func.min(_N.c.complete_at)).select_from(_N),
        _N.c.unit_id,
        campaign_id=campaign_id,
        kinds=kinds,
    ).where(_N.c.campaign_id == campaign_id, _N.c.status == "active", _N.c.complete_at.is_not(None))
    for unit_id, at in await conn.execute(q.group_by(_N.c.unit_id)):
        of(unit_id).dossier_filed_at = at
    return out


# -- review ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PendingItem:
    """A report (one period) or a document waiting for an officer's review."""

    kind: str  # "report" | "document"
    id: int
    unit: UnitRef
    what: str  # the period code, or the document type
    submitted_at: datetime


def _report_pending() -> Any:
    still_returned = exists().where(
        _V.c.campaign_id == _S.c.campaign_id,
        _V.c.unit_id == _S.c.unit_id,
        _V.c.period == _S.c.period,
        _V.c.review_status == "returned",
    )
    # Pending, or returned and every returned item corrected since.
    return or_(
        _S.c.review_status == "pending",
        and_(_S.c.review_status == "returned", not_(still_returned)),
    )


def _pending_queries(campaign_id: str, kinds: Kinds) -> tuple[Any, Any]:
    """Reports and documents waiting for review, with their units."""
    unit_cols = (_U.c.id, _U.c.code, _U.c.name, _U.c.kind)
    reports = _in_scope(
        select(_S.c.id, _S.c.period, _S.c.submitted_at, *unit_cols).select_from(_S),
        _S.c.unit_id,
        campaign_id=campaign_id,
        kinds=kinds,
    ).where(
        _S.c.campaign_id == campaign_id,
        _report_pending(),
        # Waiting for the unit head's sign-off (a first report, or a correction): not yet.
        _S.c.sign_off_status == signoff.CONFIRMED,
    )
    documents = _in_scope(
        select(_D.c.id, _D.c.doc_type, _D.c.submitted_at, *unit_cols).select_from(_D),
        _D.c.unit_id,
        campaign_id=campaign_id,
        kinds=kinds,
    ).where(
        _D.c.campaign_id == campaign_id,
        _D.c.review_status == "pending",
        _D.c.superseded.is_(False),
        _D.c.sign_off_status == signoff.CONFIRMED,
    )
    return reports, documents


async def pending_count(conn: AsyncConnection, *, campaign_id: str, kinds: Kinds) -> int:
    """How many reports and documents wait for review."""
    total = 0
    for q in _pending_queries(campaign_id, kinds):
        total += int(
            (await conn.execute(select(func.count()).select_from(q.subquery()))).scalar_one()
        )
    return total


async def pending_reviews(
    conn: AsyncConnection, *, campaign_id: str, kinds: Kinds, limit: int, offset: int = 0
) -> tuple[list[PendingItem], int]:
    """Reports and documents waiting for review, oldest first (a page), and how many in all."""
    rq, dq = _pending_queries(campaign_id, kinds)
    items: list[PendingItem] = []
    for kind, q, ts in (("report", rq, _S.c.submitted_at), ("document", dq, _D.c.submitted_at)):
        for r in await conn.execute(q.order_by(ts).limit(offset + limit)):
            items.append(PendingItem(kind, r[0], UnitRef(*r[3:7]), r[1], r[2]))
    total = await pending_count(conn, campaign_id=campaign_id, kinds=kinds)
    items.sort(key=lambda i: (i.submitted_at, i.kind, i.id))
    return items[offset : offset + limit], total


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    id: int
    unit: UnitRef
    period: str
    submitted_at: datetime
    review_status: str


async def get_submission(
    conn: AsyncConnection, *, campaign_id: str, submission_id: int
) -> SubmissionRow | None:
    row = (
        await conn.execute(
            select(
                _S.c.id,
                _U.c.id,
                _U.c.code,
                _U.c.name,
                _U.c.kind,
                _S.c.period,
                _S.c.submitted_at,
                _S.c.review_status,
            )
            .select_from(_S.join(_U, _U.c.id == _S.c.unit_id))
            .where(
                _S.c.id == submission_id,
                _S.c.campaign_id == campaign_id,
                # Waiting for the unit's head (or returned by them): not the office's yet.
                _S.c.sign_off_status == signoff.CONFIRMED,
            )
        )
    ).first()
    if row is None:
        return None
    return SubmissionRow(row[0], UnitRef(*row[1:5]), row[5], row[6], row[7])


@dataclass(frozen=True, slots=True)
class ValueRow:
    id: int
    unit: UnitRef
    indicator_code: str
    period: str
    value: Any
    display: str
    skipped_reason: str | None
    review_status: str
    review_comment: str | None


_VALUE_COLS = (
    _V.c.id,
    _U.c.id,
    _U.c.code,
    _U.c.name,
    _U.c.kind,
    _V.c.indicator_code,
    _V.c.period,
    _V.c.value,
    _V.c.display,
    _V.c.skipped_reason,
    _V.c.review_status,
    _V.c.review_comment,
)


def _value_row(r: Any) -> ValueRow:
    return ValueRow(r[0], UnitRef(*r[1:5]), *r[5:])


async def submission_values(
    conn: AsyncConnection, *, campaign_id: str, unit_id: int, period: str
) -> list[ValueRow]:
    rows = await conn.execute(
        select(*_VALUE_COLS)
        .select_from(_V.join(_U, _U.c.id == _V.c.unit_id))
        .where(_V.c.campaign_id == campaign_id, _V.c.unit_id == unit_id, _V.c.period == period)
        .order_by(_V.c.id)
    )
    return [_value_row(r) for r in rows]


async def get_value(conn: AsyncConnection, *, campaign_id: str, value_id: int) -> ValueRow | None:
    row = (
        await conn.execute(
            select(*_VALUE_COLS)
            .select_from(_V.join(_U, _U.c.id == _V.c.unit_id))
            .where(_V.c.id == value_id, _V.c.campaign_id == campaign_id)
        )
    ).first()
    return _value_row(row) if row else None


async def accept_submission(
    conn: AsyncConnection, *, submission: SubmissionRow, person_id: int, now: datetime
) -> int:
    """Accept a report: the submission and its values still pending. Returns values accepted."""
    await conn.execute(
        update(_S)
        .where(_S.c.id == submission.id)
        .values(review_status="accepted", reviewed_at=now, reviewed_by=person_id)
    )
    result = await conn.execute(
        update(_V)
        .where(
            _V.c.unit_id == submission.unit.id,
            _V.c.period == submission.period,
            _V.c.review_status == "pending",
        )
        .values(review_status="accepted")
    )
    return int(result.rowcount or 0)


async def return_value(
    conn: AsyncConnection, *, value: ValueRow, comment: str, person_id: int, now: datetime
) -> None:
    """Send one value back for correction; its report counts as returned until corrected."""
    await conn.execute(
        update(_V)
        .where(_V.c.id == value.id)
        .values(
            review_status="returned", review_comment=comment, returned_at=now, corrected_at=None
        )
    )
    await conn.execute(
        update(_S)
        .where(_S.c.unit_id == value.unit.id, _S.c.period == value.period)
        .values(review_status="returned", reviewed_at=now, reviewed_by=person_id)
    )


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    unit: UnitRef
    doc_type: str
    number: str
    doc_date: Any
    original_name: str
    submitted_at: datetime
    deadline_code: str | None
    review_status: str
    review_comment: str | None
    superseded: bool


async def get_document(
    conn: AsyncConnection, *, campaign_id: str, document_id: int
) -> DocumentRow | None:
    row = (
        await conn.execute(
            select(
                _D.c.id,
                _U.c.id,
                _U.c.code,
                _U.c.name,
                _U.c.kind,
                _D.c.doc_type,
                _D.c.number,
                _D.c.doc_date,
                _D.c.original_name,
                _D.c.submitted_at,
                _D.c.deadline_code,
                _D.c.review_status,
                _D.c.review_comment,
                _D.c.superseded,
            )
            .select_from(_D.join(_U, _U.c.id == _D.c.unit_id))
            .where(
                _D.c.id == document_id,
                _D.c.campaign_id == campaign_id,
                _D.c.sign_off_status == signoff.CONFIRMED,
            )
        )
    ).first()
    if row is None:
        return None
    return DocumentRow(
        row[0],
        UnitRef(*row[1:5]),
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        row[11],
        row[12],
        row[13],
    )


async def review_document(
    conn: AsyncConnection, *, document_id: int, status: str, comment: str | None, now: datetime
) -> None:
    """Accept a document (`accepted`) or send it back with a comment (`returned`)."""
    await conn.execute(
        update(_D)
        .where(_D.c.id == document_id)
        .values(
            review_status=status,
            review_comment=comment,
            returned_at=now if status == "returned" else None,
        )
    )


@dataclass(frozen=True, slots=True)
class Corrections:
    """Items sent back for correction, and how long correcting them took."""

    returned: int
    corrected: int
    mean_hours: float | None


async def corrections(conn: AsyncConnection, *, campaign_id: str, kinds: Kinds) -> Corrections:
    q = _in_scope(
        select(_V.c.returned_at, _V.c.corrected_at).select_from(_V),
        _V.c.unit_id,
        campaign_id=campaign_id,
        kinds=kinds,
    ).where(_V.c.campaign_id == campaign_id, _V.c.returned_at.is_not(None))
    returned = corrected = 0
    total = timedelta()
    for returned_at, corrected_at in await conn.execute(q):
        returned += 1
        if corrected_at is not None and corrected_at >= returned_at:
            corrected += 1
            total += corrected_at - returned_at
    mean = total.total_seconds() / 3600 / corrected if corrected else None
    return Corrections(returned, corrected, mean)


# -- export ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRows:
    """Everything the Excel export writes, for the units in scope."""

    units: list[UnitRef]
    values: list[tuple[int, str, str, Any, str, str | None, str]]  # unit, code, period, …
    submissions: list[tuple[int, str, datetime, str, datetime | None]]
    documents: list[tuple[int, str, str, Any, str, datetime, str | None, str, str | None, bool]]
    initiatives: list[tuple[int, str, str, str, str, Any, datetime, datetime]]


async def export_rows(conn: AsyncConnection, *, campaign_id: str, kinds: Kinds) -> ExportRows:
    """Units, values, submissions, documents and initiatives in scope (five statements)."""
    units = await units_in_scope(conn, campaign_id=campaign_id, kinds=kinds)

    async def rows(cols: tuple[Any, ...], table: Any, order: tuple[Any, ...]) -> list[Any]:
        q = _in_scope(
            select(*cols).select_from(table), table.c.unit_id, campaign_id=campaign_id, kinds=kinds
        ).where(table.c.campaign_id == campaign_id)
        return [tuple(r) for r in (await conn.execute(q.order_by(*order))).all()]

    # The two big reads are decoded here, as facts_by_unit does (see `_json_value`, `_moment`).
    values = [
        (unit_id, code, period, _json_value(value), display, skipped, status)
        for unit_id, code, period, value, display, skipped, status in await rows(
            (
                _V.c.unit_id,
                _V.c.indicator_code,
                _V.c.period,
                _json_text(_V.c.value),
                _V.c.display,
                _V.c.skipped_reason,
                _V.c.review_status,
            ),
            _V,
            (_V.c.id,),
        )
    ]
    sent, read_sent = _moment(conn, _S.c.submitted_at)
    reviewed, read_reviewed = _moment(conn, _S.c.reviewed_at)
    submissions = [
        (unit_id, period, _sent_at(read_sent(at)), review, read_reviewed(reviewed_at))
        for unit_id, period, at, review, reviewed_at in await rows(
            (_S.c.unit_id, _S.c.period, sent, _S.c.review_status, reviewed),
            _S,
            (_S.c.submitted_at, _S.c.id),
        )
    ]
    documents = await rows(
        (
            _D.c.unit_id,
            _D.c.doc_type,
            _D.c.number,
            _D.c.doc_date,
            _D.c.original_name,
            _D.c.submitted_at,
            _D.c.deadline_code,
            _D.c.review_status,
            _D.c.review_comment,
            _D.c.superseded,
        ),
        _D,
        (_D.c.submitted_at, _D.c.id),
    )
    initiatives = await rows(
        (
            _I.c.unit_id,
            _I.c.kind,
            _I.c.title,
            _I.c.area_code,
            _I.c.status,
            _I.c.applied_from,
            _I.c.created_at,
            _I.c.updated_at,
        ),
        _I,
        (_I.c.created_at, _I.c.id),
    )
    return ExportRows(units, values, submissions, documents, initiatives)
