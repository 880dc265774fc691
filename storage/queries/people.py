"""People, their roles in units, and their chat identities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.identity import Identity
from storage.db import raw_sqlite
from storage.models import ChatIdentity, Membership, Person, Unit, table
from storage.types import utcnow

_P = table(Person)
_M = table(Membership)
_C = table(ChatIdentity)
_U = table(Unit)




_FIND_IDENTITY = (
    select(
        _P.c.id,
        _P.c.full_name,
        _U.c.id,
        _U.c.code,
        _U.c.name,
        _U.c.kind,
        _M.c.role,
        _C.c.channel,
        _C.c.chat_id,
        _C.c.last_seen_at,
    )
    .select_from(
        _C.join(_P, _P.c.id == _C.c.person_id)
        .join(_M, (_M.c.person_id == _P.c.id) & _M.c.active.is_(True))
        .join(_U, _U.c.id == _M.c.unit_id)
    )
    .where(_C.c.channel == bindparam("channel"), _C.c.external_id == bindparam("ext"))
    .order_by(_M.c.id)
    .limit(1)
)  # built once: it runs for every update


_FIND_IDENTITY_SQLITE = (
    "SELECT p.id, p.full_name, u.id, u.code, u.name, u.kind, m.role, c.channel, c.chat_id, "
    "c.last_seen_at FROM chat_identity c JOIN person p ON p.id = c.person_id "
    "JOIN membership m ON m.person_id = p.id AND m.active "
    "JOIN unit u ON u.id = m.unit_id "
    "WHERE c.channel = ? AND c.external_id = ? ORDER BY m.id LIMIT 1"
)


def _from_sqlite_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def find_identity(
    conn: AsyncConnection, *, channel: str, external_id: str
) -> Identity | None:
    """The registered person behind a messenger account, or None."""
    raw = raw_sqlite(conn)
    if raw is not None:
        found = raw.execute(_FIND_IDENTITY_SQLITE, (channel, external_id)).fetchone()
        if found is None:
            return None
        values = list(found)
        values[9] = _from_sqlite_time(values[9])
        return Identity(*values)
    row = (await conn.execute(_FIND_IDENTITY, {"channel": channel, "ext": external_id})).first()
    return Identity(*tuple(row)) if row else None


async def create_person(
    conn: AsyncConnection,
    *,
    full_name: str,
    unit_id: int,
    role: str,
    channel: str,
    external_id: str,
    chat_id: str,
    now: datetime | None = None,
) -> int:
    """A new person bound to a unit and role, reachable on one messenger account; `now` is
    when they registered (reminders are planned from it), the current time if not given."""
    at = now or utcnow()
    person_id = (
        await conn.execute(insert(_P).values(full_name=full_name, created_at=at).returning(_P.c.id))
    ).scalar_one()
    await conn.execute(
        insert(_M).values(person_id=person_id, unit_id=unit_id, role=role, created_at=at)
    )
    await conn.execute(
        insert(_C).values(
            person_id=person_id,
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            display_name=full_name,
            created_at=at,
            last_seen_at=at,
        )
    )
    return int(person_id)


async def set_identity_active(
    conn: AsyncConnection, *, channel: str, chat_id: str, active: bool
) -> None:
    """Mark a messenger account reachable or not (e.g. the person blocked the bot)."""
    await conn.execute(
        update(_C).where(_C.c.channel == channel, _C.c.chat_id == chat_id).values(active=active)
    )


async def add_identity(
    conn: AsyncConnection,
    *,
    person_id: int,
    channel: str,
    external_id: str,
    chat_id: str,
    display_name: str,
) -> None:
    """Another messenger account for a person already registered."""
    await conn.execute(
        insert(_C).values(
            person_id=person_id,
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            display_name=display_name,
        )
    )


async def touch_identity(
    conn: AsyncConnection, *, channel: str, external_id: str, now: datetime
) -> None:
    """Remember that the person is active on this account (reminders follow them)."""
    await conn.execute(
        update(_C)
        .where(_C.c.channel == channel, _C.c.external_id == external_id)
        .values(last_seen_at=now, active=True)
    )


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: int
    full_name: str
    role: str
    channel: str
    chat_id: str


async def unit_recipients(
    conn: AsyncConnection, *, unit_ids: list[int], roles: frozenset[str] | None = None
) -> dict[int, list[Recipient]]:
    """The people of these units who can be reached, each on the messenger account they used
    most recently; by unit id."""
    q = (
        select(
            _M.c.unit_id,
            _P.c.id,
            _P.c.full_name,
            _M.c.role,
            _C.c.channel,
            _C.c.chat_id,
            _C.c.last_seen_at,
        )
        .select_from(_M.join(_P, _P.c.id == _M.c.person_id).join(_C, _C.c.person_id == _P.c.id))
        .where(_M.c.unit_id.in_(unit_ids), _M.c.active.is_(True), _C.c.active.is_(True))
    )
    if roles is not None:
        q = q.where(_M.c.role.in_(sorted(roles)))
    best: dict[tuple[int, int], tuple[datetime, Recipient]] = {}
    for unit_id, pid, name, role, channel, chat_id, seen in await conn.execute(q):
        current = best.get((unit_id, pid))
        if current is None or seen > current[0]:
            best[(unit_id, pid)] = (seen, Recipient(pid, name, role, channel, chat_id))
    out: dict[int, list[Recipient]] = {}
    for (unit_id, _pid), (_seen, r) in sorted(best.items()):
        out.setdefault(unit_id, []).append(r)
    return out
