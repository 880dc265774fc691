"""Reminder rows: planned idempotently, claimed atomically, recorded once.

A row's unique key is (campaign, deadline, unit, recipient person, slot); the slot names the
due date it was planned for (``20240331:before-7``), so moving a deadline plans new keys and
the old ones are cancelled. States::

    planned ──claim──▶ sending ──▶ sent | skipped | failed
       │  ▲               │
       │  └──release──────┘   (a transient failure: tried again on the next run)
       └──▶ cancelled ──revive──▶ planned

A row in ``sending`` whose claim is older than the lease belongs to a process that died; the
next claim takes it over (the one window in which a reminder can go out twice).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, case, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import ChatIdentity, Membership, Person, Reminder, Unit, table
from storage.queries.dialect import insert_for

_R = table(Reminder)
_M = table(Membership)
_C = table(ChatIdentity)
_P = table(Person)
_U = table(Unit)

KEY_COLUMNS = ["campaign_id", "deadline_code", "unit_id", "person_id", "slot"]
PLANNER_KINDS = ("remind", "escalate", "digest")


# -- who is there ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A person's active role in a unit of the campaign."""

    person_id: int
    unit_id: int
    role: str
    since: datetime
    full_name: str


async def active_members(
    conn: AsyncConnection, *, campaign_id: str, roles: Collection[str]
) -> list[MemberRow]:
    """Active memberships with these roles in the campaign's units."""
    rows = await conn.execute(
        select(_M.c.person_id, _M.c.unit_id, _M.c.role, _M.c.created_at, _P.c.full_name)
        .select_from(_M.join(_U, _U.c.id == _M.c.unit_id).join(_P, _P.c.id == _M.c.person_id))
        .where(_U.c.campaign_id == campaign_id, _M.c.active.is_(True), _M.c.role.in_(roles))
        .order_by(_M.c.unit_id, _M.c.person_id)
    )
    return [MemberRow(int(r[0]), int(r[1]), r[2], r[3], r[4] or "") for r in rows]


@dataclass(frozen=True, slots=True)
class ChatRow:
    identity_id: int
    channel: str
    chat_id: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a row is for, as of now: their role in the unit, their name, their best chat."""

    role: str | None
    name: str
    chat: ChatRow | None


async def recipient(
    conn: AsyncConnection,
    *,
    person_id: int,
    channels: Collection[str],
    unit_id: int | None = None,
) -> Recipient | None:
    """One query: with `unit_id`, None unless the person still holds an active role there;
    the chat is the most recently used active account on one of `channels` (None if none)."""
    chat_on = and_(
        _C.c.person_id == _P.c.id,
        _C.c.active.is_(True),
        _C.c.channel.in_(list(channels) or [""]),
    )
    source: Any = _P
    role_col: Any = _M.c.role if unit_id is not None else None
    if unit_id is not None:
        source = source.join(
            _M, and_(_M.c.person_id == _P.c.id, _M.c.unit_id == unit_id, _M.c.active.is_(True))
        )
    cols = [_P.c.full_name, _C.c.id, _C.c.channel, _C.c.chat_id, _C.c.display_name]
    if role_col is not None:
        cols.append(role_col)
    q = (
        select(*cols)
        .select_from(source.outerjoin(_C, chat_on))
        .where(_P.c.id == person_id)
        .order_by(_C.c.last_seen_at.desc().nulls_last(), _C.c.id.desc())
        .limit(1)
    )
    row = (await conn.execute(q)).first()
    if row is None:
        return None
    chat = ChatRow(int(row[1]), row[2], row[3], row[4] or "") if row[1] is not None else None
    name = row[0] or (chat.display_name if chat else "")
    return Recipient(row[5] if role_col is not None else None, name, chat)


async def deactivate_identity(conn: AsyncConnection, *, identity_id: int) -> bool:
    """The account blocked the bot: stop sending there (it is active again when they write)."""
    res = await conn.execute(
        update(_C).where(_C.c.id == identity_id, _C.c.active.is_(True)).values(active=False)
    )
    return bool(res.rowcount)


@dataclass(frozen=True, slots=True)
class IdentityInfo:
    person_id: int
    full_name: str
    display_name: str
    channel: str


async def identity_info(conn: AsyncConnection, *, identity_id: int) -> IdentityInfo | None:
    row = (
        await conn.execute(
            select(_C.c.person_id, _P.c.full_name, _C.c.display_name, _C.c.channel)
            .select_from(_C.join(_P, _P.c.id == _C.c.person_id))
            .where(_C.c.id == identity_id)
        )
    ).first()
    return IdentityInfo(int(row[0]), row[1] or "", row[2] or "", row[3]) if row else None


async def unit_roles(conn: AsyncConnection, *, person_id: int) -> list[tuple[int, str]]:
    """(unit id, role) of the person's active memberships."""
    rows = await conn.execute(
        select(_M.c.unit_id, _M.c.role).where(_M.c.person_id == person_id, _M.c.active.is_(True))
    )
    return [(int(r[0]), r[1]) for r in rows]


# -- planning -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenRow:
    """A row the planner may still change (planned or cancelled)."""

    id: int
    deadline_code: str
    unit_id: int
    person_id: int
    slot: str
    kind: str
    state: str
    send_at: datetime


async def open_rows(conn: AsyncConnection, *, campaign_id: str) -> list[OpenRow]:
    """Planned and cancelled rows of the planner's kinds."""
    rows = await conn.execute(
        select(
            _R.c.id,
            _R.c.deadline_code,
            _R.c.unit_id,
            _R.c.person_id,
            _R.c.slot,
            _R.c.kind,
            _R.c.state,
            _R.c.send_at,
        ).where(
            _R.c.campaign_id == campaign_id,
            _R.c.state.in_(("planned", "cancelled")),
            _R.c.kind.in_(PLANNER_KINDS),
        )
    )
    return [OpenRow(int(r[0]), r[1], int(r[2]), int(r[3]), r[4], r[5], r[6], r[7]) for r in rows]


async def insert_planned(
    conn: AsyncConnection, *, campaign_id: str, rows: Sequence[dict[str, Any]]
) -> int:
    """Insert rows (deadline_code, unit_id, person_id, slot, kind, send_at); keys already
    present, in any state, are left alone. Returns how many were new."""
    if not rows:
        return 0
    before = await _count(conn, campaign_id)
    stmt = (
        insert_for(conn, _R)
        .values(
            campaign_id=campaign_id,
            deadline_code=bindparam("deadline_code"),
            unit_id=bindparam("unit_id"),
            person_id=bindparam("person_id"),
            slot=bindparam("slot"),
            kind=bindparam("kind"),
            send_at=bindparam("send_at"),
            state="planned",
            late=False,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=KEY_COLUMNS)
    )
    chunk = 2000
    for i in range(0, len(rows), chunk):
        await conn.execute(stmt, list(rows[i : i + chunk]))
    return await _count(conn, campaign_id) - before


async def _count(conn: AsyncConnection, campaign_id: str) -> int:
    q = select(func.count()).select_from(_R).where(_R.c.campaign_id == campaign_id)
    return int((await conn.execute(q)).scalar_one())


async def reschedule(conn: AsyncConnection, *, changes: Sequence[tuple[int, datetime]]) -> None:
    """New send times for planned rows (the calendar or the hour changed)."""
    if not changes:
        return
    stmt = (
        update(_R)
        .where(_R.c.id == bindparam("rid"), _R.c.state == "planned")
        .values(send_at=bindparam("new_send_at"))
    )
    await conn.execute(stmt, [{"rid": i, "new_send_at": t} for i, t in changes])


async def revive(conn: AsyncConnection, *, changes: Sequence[tuple[int, datetime]]) -> None:
    """Cancelled rows that are wanted again (a deadline moved back, a role restored)."""
    if not changes:
        return
    stmt = (
        update(_R)
        .where(_R.c.id == bindparam("rid"), _R.c.state == "cancelled")
        .values(state="planned", send_at=bindparam("new_send_at"), error=None)
    )
    await conn.execute(stmt, [{"rid": i, "new_send_at": t} for i, t in changes])


async def cancel(conn: AsyncConnection, *, ids: Sequence[int], reason: str) -> None:
    """Planned rows no longer wanted (deadline moved or removed, role changed, unit closed)."""
    for i in range(0, len(ids), 500):
        await conn.execute(
            update(_R)
            .where(_R.c.id.in_(list(ids[i : i + 500])), _R.c.state == "planned")
            .values(state="cancelled", error=reason)
        )


# -- sending --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    id: int
    campaign_id: str
    deadline_code: str
    unit_id: int
    person_id: int
    slot: str
    kind: str
    send_at: datetime
    attempts: int
    error: str | None = None

    @property
    def resent(self) -> bool:
        """A previous claim's lease ran out while it was sending: a copy may have arrived."""
        return (self.error or "").startswith(TAKEN_OVER)


# The mark a claim leaves on a row it takes over from a sender whose lease ran out (it died
# mid-send); kept until the row is sent, so that the copy sent then says it may be a repeat.
TAKEN_OVER = "taken over after a lease ran out"

_CLAIM_COLS = (
    _R.c.id,
    _R.c.campaign_id,
    _R.c.deadline_code,
    _R.c.unit_id,
    _R.c.person_id,
    _R.c.slot,
    _R.c.kind,
    _R.c.send_at,
    _R.c.attempts,
    _R.c.error,
)


async def claim_due(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    codes: Collection[str],
    now: datetime,
    worker: str,
    lease: timedelta,
    limit: int,
    exclude: Collection[int] = (),
) -> list[ClaimedRow]:
    """Take up to `limit` due rows of these deadline codes for `worker`, oldest first.

    Due: planned with ``send_at <= now``, or sending under a claim older than the lease (its
    process died); rows in `exclude` (given back earlier in the same run) are left. On
    PostgreSQL concurrent claimers skip each other's locked rows; on SQLite the write
    transaction (BEGIN IMMEDIATE) serialises them.
    """
    if not codes or limit <= 0:
        return []
    due = and_(
        _R.c.campaign_id == campaign_id,
        _R.c.deadline_code.in_(list(codes)),
        or_(
            and_(_R.c.state == "planned", _R.c.send_at <= now),
            and_(_R.c.state == "sending", _R.c.claimed_at < now - lease),
        ),
    )
    if exclude:
        due = and_(due, _R.c.id.notin_(list(exclude)))
    pick = select(_R.c.id).where(due).order_by(_R.c.send_at, _R.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(_R)
        .where(_R.c.id.in_(pick.scalar_subquery()))
        .values(
            state="sending",
            claimed_by=worker,
            claimed_at=now,
            attempts=_R.c.attempts + 1,
            # SET sees the row as it was: still "sending" means its sender's lease ran out.
            error=case((_R.c.state == "sending", literal(TAKEN_OVER)), else_=_R.c.error),
        )
        .returning(*_CLAIM_COLS)
    )
    rows = [ClaimedRow(*tuple(r)) for r in await conn.execute(stmt)]
    rows.sort(key=lambda r: (r.send_at, r.id))
    return rows


def _mine(reminder_id: int, worker: str) -> Any:
    return and_(_R.c.id == reminder_id, _R.c.claimed_by == worker, _R.c.state == "sending")


async def renew_claim(
    conn: AsyncConnection, *, reminder_id: int, worker: str, now: datetime
) -> bool:
    """Extend our claim before sending; False if another process took the row over."""
    res = await conn.execute(update(_R).where(_mine(reminder_id, worker)).values(claimed_at=now))
    return res.rowcount == 1


async def finish(
    conn: AsyncConnection,
    *,
    reminder_id: int,
    worker: str,
    state: str,
    now: datetime,
    late: bool = False,
    channel: str | None = None,
    error: str | None = None,
) -> bool:
    """Record the outcome of a claimed row: sent, skipped, failed or cancelled."""
    values: dict[str, Any] = {"state": state, "error": error[:2000] if error else None}
    if state == "sent":
        values.update(sent_at=now, late=late, channel=channel)
    res = await conn.execute(update(_R).where(_mine(reminder_id, worker)).values(**values))
    return res.rowcount == 1


async def release(conn: AsyncConnection, *, reminder_id: int, worker: str, error: str) -> bool:
    """Give a claimed row back (a transient failure): the next run tries it again."""
    res = await conn.execute(
        update(_R)
        .where(_mine(reminder_id, worker))
        .values(
            state="planned",
            claimed_by=None,
            claimed_at=None,
            error=case(  # a row taken over keeps its mark
                (_R.c.error.like(TAKEN_OVER + "%"), literal(f"{TAKEN_OVER}; {error}"[:2000])),
                else_=literal(error[:2000]),
            ),
        )
    )
    return res.rowcount == 1


async def count_sent(
    conn: AsyncConnection,
    *,
    campaign_id: str,
    deadline_code: str,
    unit_id: int,
    slot_prefix: str,
    before: datetime,
) -> int:
    """Distinct slots starting with `slot_prefix`, planned before `before`, already sent for a
    unit and deadline (e.g. how many reminders past due preceded an escalation)."""
    q = select(func.count(func.distinct(_R.c.slot))).where(
        _R.c.campaign_id == campaign_id,
        _R.c.deadline_code == deadline_code,
        _R.c.unit_id == unit_id,
        _R.c.state == "sent",
        _R.c.send_at < before,
        _R.c.slot.like(slot_prefix.replace("%", r"\%").replace("_", r"\_") + "%", escape="\\"),
    )
    return int((await conn.execute(q)).scalar_one())


async def add_notices(
    conn: AsyncConnection, *, campaign_id: str, rows: Sequence[dict[str, Any]], now: datetime
) -> None:
    """Messages to admins (e.g. a person blocked the bot), delivered like reminders."""
    if not rows:
        return
    await insert_planned(
        conn,
        campaign_id=campaign_id,
        rows=[{**r, "kind": "notice", "send_at": now} for r in rows],
    )


@dataclass(frozen=True, slots=True)
class StateCount:
    state: str
    late: bool
    count: int


async def state_counts(conn: AsyncConnection, *, campaign_id: str) -> list[StateCount]:
    """How many rows are in each state (for status pages and tests)."""
    rows = await conn.execute(
        select(_R.c.state, _R.c.late, func.count())
        .where(_R.c.campaign_id == campaign_id)
        .group_by(_R.c.state, _R.c.late)
    )
    return [StateCount(r[0], bool(r[1]), int(r[2])) for r in rows]
