"""The durable pipeline: inbox (updates as received), outbox (replies), conversation state."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import raw_sqlite, sqlite_time
from storage.models import ConversationState, InboxUpdate, OutboxMessage, table
from storage.queries.dialect import insert_for

_IN = table(InboxUpdate)
_OUT = table(OutboxMessage)
_ST = table(ConversationState)


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    id: int
    channel: str
    chat_id: str
    payload: dict[str, Any]


_STORE: dict[str, Any] = {}  # by dialect: insert-or-ignore into the inbox


async def store_updates(
    conn: AsyncConnection, *, rows: Sequence[dict[str, Any]], now: datetime
) -> list[StoredUpdate]:
    """Insert updates, ignoring those already stored; returns only the new ones, in order.

    Each row has channel, update_key, chat_id and payload. A redelivered update hits the
    unique (channel, update_key) key and is dropped here: this is what makes handling once.
    """
    if not rows:
        return []
    new: list[StoredUpdate] = []
    raw = raw_sqlite(conn)
    if raw is not None:
        at = sqlite_time(now)
        for row in rows:
            found = raw.execute(
                "INSERT INTO inbox (channel, update_key, chat_id, payload, status, attempts, "
                "received_at) VALUES (?, ?, ?, ?, 'pending', 0, ?) "
                "ON CONFLICT (channel, update_key) DO NOTHING RETURNING id",
                (row["channel"], row["update_key"], row["chat_id"], json.dumps(row["payload"]), at),
            ).fetchone()
            if found is not None:
                new.append(
                    StoredUpdate(int(found[0]), row["channel"], row["chat_id"], row["payload"])
                )
        return new
    stmt = _STORE.get(conn.dialect.name)
    if stmt is None:
        stmt = _STORE[conn.dialect.name] = (
            insert_for(conn, _IN)
            .on_conflict_do_nothing(index_elements=["channel", "update_key"])
            .returning(_IN.c.id)
        )
    for row in rows:  # one statement per row keeps RETURNING simple on both databases
        params = {**row, "status": "pending", "received_at": now, "attempts": 0}
        got = (await conn.execute(stmt, params)).scalar()
        if got is not None:
            new.append(StoredUpdate(int(got), row["channel"], row["chat_id"], row["payload"]))
    return new


async def pending_updates(
    conn: AsyncConnection,
    *,
    channel: str | None = None,
    chat_id: str | None = None,
    up_to_id: int | None = None,
) -> list[StoredUpdate]:
    """Updates stored but not yet handled, oldest first."""
    q = select(_IN.c.id, _IN.c.channel, _IN.c.chat_id, _IN.c.payload).where(
        _IN.c.status == "pending"
    )
    if channel is not None:
        q = q.where(_IN.c.channel == channel)
    if chat_id is not None:
        q = q.where(_IN.c.chat_id == chat_id)
    if up_to_id is not None:
        q = q.where(_IN.c.id <= up_to_id)
    rows = await conn.execute(q.order_by(_IN.c.id))
    return [StoredUpdate(int(r[0]), r[1], r[2], r[3]) for r in rows]


def chat_lock_key(channel: str, chat_id: str) -> int:
    """A chat's PostgreSQL advisory-lock key: 64 bits of a hash of channel and chat."""
    digest = hashlib.blake2b(f"{channel}:{chat_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def try_lock_chat(conn: AsyncConnection, *, channel: str, chat_id: str) -> bool:
    """Take the chat for the rest of this transaction; False if another worker holds it.

    PostgreSQL: a transaction-level advisory lock, released by the commit or the rollback, and
    by the server when a killed worker's connection drops: no lease to wait out. SQLite has
    one process, which keeps its chats apart itself: always True."""
    if conn.dialect.name != "postgresql":
        return True
    got = await conn.execute(
        text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": chat_lock_key(channel, chat_id)}
    )
    return bool(got.scalar())


async def lock_chat(conn: AsyncConnection, *, channel: str, chat_id: str) -> None:
    """Wait for the chat (PostgreSQL), for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(:k)"), {"k": chat_lock_key(channel, chat_id)}
        )


async def oldest_pending(
    conn: AsyncConnection, *, channel: str, chat_id: str
) -> StoredUpdate | None:
    """The chat's oldest update not yet handled (the next one to handle), or None."""
    raw = raw_sqlite(conn)
    if raw is not None:
        found = raw.execute(
            "SELECT id, payload FROM inbox WHERE channel = ? AND chat_id = ? "
            "AND status = 'pending' ORDER BY id LIMIT 1",
            (channel, chat_id),
        ).fetchone()
        if found is None:
            return None
        return StoredUpdate(int(found[0]), channel, chat_id, json.loads(found[1]))
    row = (await conn.execute(_OLDEST, {"ch": channel, "cid": chat_id})).first()
    return StoredUpdate(int(row[0]), channel, chat_id, row[1]) if row else None


_OLDEST = (
    select(_IN.c.id, _IN.c.payload)
    .where(
        _IN.c.channel == bindparam("ch"),
        _IN.c.chat_id == bindparam("cid"),
        _IN.c.status == "pending",
    )
    .order_by(_IN.c.id)
    .limit(1)
)


async def chats_with_pending(conn: AsyncConnection, *, limit: int = 1000) -> list[tuple[str, str]]:
    """Chats that have updates waiting, the longest-waiting first."""
    rows = await conn.execute(
        select(_IN.c.channel, _IN.c.chat_id)
        .where(_IN.c.status == "pending")
        .group_by(_IN.c.channel, _IN.c.chat_id)
        .order_by(func.min(_IN.c.id))
        .limit(limit)
    )
    return [(r[0], r[1]) for r in rows]


# The statements of the hot path are built once: building one costs more than running it.
_CLAIM = (
    update(_IN)
    .where(_IN.c.id == bindparam("iid"), _IN.c.status == "pending")
    .values(status="done", handled_at=bindparam("now"), attempts=_IN.c.attempts + 1)
)
_ENQUEUE = insert(_OUT).returning(_OUT.c.id)
_LOAD_STATE = select(_ST.c.state, _ST.c.data).where(
    _ST.c.channel == bindparam("ch"), _ST.c.chat_id == bindparam("cid")
)
_SAVE_STATE: dict[str, Any] = {}  # by dialect: an upsert


def _save_state_stmt(conn: AsyncConnection) -> Any:
    name = conn.dialect.name
    stmt = _SAVE_STATE.get(name)
    if stmt is None:
        ins = insert_for(conn, _ST)
        stmt = _SAVE_STATE[name] = ins.on_conflict_do_update(
            index_elements=["channel", "chat_id"],
            set_={
                "state": ins.excluded.state,
                "data": ins.excluded.data,
                "updated_at": ins.excluded.updated_at,
            },
        )
    return stmt


async def claim_update(conn: AsyncConnection, *, inbox_id: int, now: datetime) -> bool:
    """Mark an update handled, inside the handling transaction; False if it already was."""
    raw = raw_sqlite(conn)
    if raw is not None:
        cur = raw.execute(
            "UPDATE inbox SET status = 'done', handled_at = ?, attempts = attempts + 1 "
            "WHERE id = ? AND status = 'pending'",
            (sqlite_time(now), inbox_id),
        )
        return cur.rowcount == 1
    res = await conn.execute(_CLAIM, {"iid": inbox_id, "now": now})
    return res.rowcount == 1


async def fail_update(conn: AsyncConnection, *, inbox_id: int, now: datetime, error: str) -> bool:
    """Set an update aside after its handler failed, so that it is not retried forever; False
    if it was no longer pending (another worker dealt with it meanwhile)."""
    res = await conn.execute(
        update(_IN)
        .where(_IN.c.id == inbox_id, _IN.c.status == "pending")
        .values(status="failed", handled_at=now, error=error[:2000], attempts=_IN.c.attempts + 1)
    )
    return res.rowcount == 1


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    channel: str
    chat_id: str
    payload: dict[str, Any]
    attempts: int = 0  # sends that may have reached the person, this one included
    pieces_sent: int = 0  # pieces of a long reply surely delivered before
    claimed_until: datetime | None = None  # this worker's lease on it, as claimed


async def enqueue_replies(
    conn: AsyncConnection,
    *,
    channel: str,
    chat_id: str,
    payloads: Sequence[dict[str, Any]],
    inbox_id: int | None,
    now: datetime,
    claimed_by: str | None = None,
    lease: timedelta = timedelta(0),
) -> list[OutboxRow]:
    """Replies to deliver after the transaction commits.

    With `claimed_by` they are already claimed by that worker until `now + lease`, with one
    attempt counted: it sends them right after the commit, and no other worker may meanwhile."""
    out: list[OutboxRow] = []
    attempts = 1 if claimed_by else 0
    until = now + lease if claimed_by else None
    raw = raw_sqlite(conn)
    if raw is not None:
        for payload in payloads:
            cur = raw.execute(
                "INSERT INTO outbox (channel, chat_id, payload, status, attempts, inbox_id, "
                "created_at, claimed_by, claimed_until, pieces_sent) "
                "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, 0)",
                (
                    channel,
                    chat_id,
                    json.dumps(payload),
                    attempts,
                    inbox_id,
                    sqlite_time(now),
                    claimed_by,
                    sqlite_time(until) if until else None,
                ),
            )
            out.append(
                OutboxRow(int(cur.lastrowid or 0), channel, chat_id, payload, attempts, 0, until)
            )
        return out
    for payload in payloads:
        params = {
            "channel": channel,
            "chat_id": chat_id,
            "payload": payload,
            "inbox_id": inbox_id,
            "created_at": now,
            "status": "pending",
            "attempts": attempts,
            "claimed_by": claimed_by,
            "claimed_until": until,
            "pieces_sent": 0,
        }
        new_id = (await conn.execute(_ENQUEUE, params)).scalar_one()
        out.append(OutboxRow(int(new_id), channel, chat_id, payload, attempts, 0, until))
    return out


#: The copies of one reply a person can ever receive: a send that may have arrived (a timeout
#: after the request went out, or a crash before it was recorded) is tried once more, no more.
MAX_COPIES = 2


def _claimable(now: datetime) -> Any:
    return and_(
        _OUT.c.status == "pending",
        or_(_OUT.c.claimed_until.is_(None), _OUT.c.claimed_until < now),
        or_(_OUT.c.next_attempt_at.is_(None), _OUT.c.next_attempt_at <= now),
        _OUT.c.attempts < MAX_COPIES,
    )


async def claim_outbox(
    conn: AsyncConnection, *, worker: str, now: datetime, lease: timedelta, limit: int = 200
) -> list[OutboxRow]:
    """Claim pending replies no worker is sending (none, or under an expired lease) and due
    again, oldest first, counting one more possible copy of each. Concurrent claimers skip
    each other's rows (PostgreSQL) or wait for each other (SQLite's write lock)."""
    pick = select(_OUT.c.id).where(_claimable(now)).order_by(_OUT.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (
        update(_OUT)
        .where(_OUT.c.id.in_(pick.scalar_subquery()))
        .values(claimed_by=worker, claimed_until=now + lease, attempts=_OUT.c.attempts + 1)
        .returning(
            _OUT.c.id,
            _OUT.c.channel,
            _OUT.c.chat_id,
            _OUT.c.payload,
            _OUT.c.attempts,
            _OUT.c.pieces_sent,
        )
    )
    rows = [
        OutboxRow(int(r[0]), r[1], r[2], _json(r[3]), int(r[4]), int(r[5]), now + lease)
        for r in await conn.execute(stmt)
    ]
    rows.sort(key=lambda r: r.id)
    return rows


def _json(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)


async def give_up_outbox(conn: AsyncConnection, *, now: datetime) -> int:
    """Replies that may have reached the person `MAX_COPIES` times and are nobody's any more:
    recorded as `unknown` (perhaps delivered) and never sent again."""
    res = await conn.execute(
        update(_OUT)
        .where(
            _OUT.c.status == "pending",
            _OUT.c.attempts >= MAX_COPIES,
            or_(_OUT.c.claimed_until.is_(None), _OUT.c.claimed_until < now),
        )
        .values(status="unknown", error="may have been delivered; not sent again")
    )
    return int(res.rowcount or 0)


async def release_all_claims(conn: AsyncConnection) -> int:
    """Every claim on the outbox given up: for a single process (SQLite) starting, whose
    claims can only be those of a previous run, now dead."""
    res = await conn.execute(
        update(_OUT)
        .where(_OUT.c.status == "pending", _OUT.c.claimed_by.is_not(None))
        .values(claimed_by=None, claimed_until=None)
    )
    return int(res.rowcount or 0)


async def renew_outbox(
    conn: AsyncConnection, *, ids: Sequence[int], worker: str, until: datetime
) -> set[int]:
    """Extend our claims while still sending; the ids that were still ours (claimed by
    `worker`, pending). A claim whose lease ran out is still ours as long as no other worker
    took it: the sweep's claim replaces `claimed_by`, and then it is that worker's to send."""
    if not ids:
        return set()
    res = await conn.execute(
        update(_OUT)
        .where(_OUT.c.id.in_(list(ids)), _OUT.c.claimed_by == worker, _OUT.c.status == "pending")
        .values(claimed_until=until)
        .returning(_OUT.c.id)
    )
    return {int(r[0]) for r in res}


async def release_outbox(
    conn: AsyncConnection,
    *,
    outbox_id: int,
    worker: str,
    retry_at: datetime,
    delivered: bool,
    pieces_sent: int,
    error: str,
) -> None:
    """Give a claimed reply back after a failed send, to be tried again from `retry_at`.
    `delivered` False: the send surely never reached the messenger, so it is no copy."""
    values: dict[str, Any] = {
        "claimed_by": None,
        "claimed_until": None,
        "next_attempt_at": retry_at,
        "pieces_sent": pieces_sent,
        "error": error[:2000],
    }
    if not delivered:
        values["attempts"] = _OUT.c.attempts - 1
    await conn.execute(
        update(_OUT)
        .where(_OUT.c.id == outbox_id, _OUT.c.claimed_by == worker, _OUT.c.status == "pending")
        .values(**values)
    )


async def outbox_depth(conn: AsyncConnection) -> int:
    """Replies not yet delivered."""
    return int(
        (
            await conn.execute(
                select(func.count()).select_from(_OUT).where(_OUT.c.status == "pending")
            )
        ).scalar_one()
    )


async def pending_outbox(conn: AsyncConnection, *, limit: int = 1000) -> list[OutboxRow]:
    rows = await conn.execute(
        select(_OUT.c.id, _OUT.c.channel, _OUT.c.chat_id, _OUT.c.payload)
        .where(_OUT.c.status == "pending")
        .order_by(_OUT.c.id)
        .limit(limit)
    )
    return [OutboxRow(int(r[0]), r[1], r[2], r[3]) for r in rows]


async def mark_outbox(
    conn: AsyncConnection,
    *,
    ids: Sequence[int],
    status: str,
    now: datetime,
    error: str | None = None,
) -> None:
    """Record the fate of delivered (or undeliverable) replies."""
    if not ids:
        return
    raw = raw_sqlite(conn)
    if raw is not None:
        raw.executemany(
            "UPDATE outbox SET status = ?, sent_at = ?, error = ?, attempts = attempts + 1 "
            "WHERE id = ?",
            [(status, sqlite_time(now), error, i) for i in ids],
        )
        return
    await conn.execute(
        update(_OUT)
        .where(_OUT.c.id == bindparam("oid"))
        .values(status=status, sent_at=now, error=error, attempts=_OUT.c.attempts + 1),
        [{"oid": i} for i in ids],
    )


async def load_state(
    conn: AsyncConnection, *, channel: str, chat_id: str
) -> tuple[str, dict[str, Any]]:
    raw = raw_sqlite(conn)
    if raw is not None:
        found = raw.execute(
            "SELECT state, data FROM conversation_state WHERE channel = ? AND chat_id = ?",
            (channel, chat_id),
        ).fetchone()
        return (found[0], json.loads(found[1])) if found else ("", {})
    row = (await conn.execute(_LOAD_STATE, {"ch": channel, "cid": chat_id})).first()
    return (row[0], dict(row[1])) if row else ("", {})


async def save_state(
    conn: AsyncConnection,
    *,
    channel: str,
    chat_id: str,
    state: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    raw = raw_sqlite(conn)
    if raw is not None:
        raw.execute(
            "INSERT INTO conversation_state (channel, chat_id, state, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id) DO UPDATE SET "
            "state = excluded.state, data = excluded.data, updated_at = excluded.updated_at",
            (channel, chat_id, state, json.dumps(data), sqlite_time(now)),
        )
        return
    await conn.execute(
        _save_state_stmt(conn),
        {"channel": channel, "chat_id": chat_id, "state": state, "data": data, "updated_at": now},
    )
