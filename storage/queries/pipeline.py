"""The durable pipeline: inbox (updates as received), outbox (replies), conversation state."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
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


async def fail_update(conn: AsyncConnection, *, inbox_id: int, now: datetime, error: str) -> None:
    """Set an update aside after its handler failed, so that it is not retried forever."""
    await conn.execute(
        update(_IN)
        .where(_IN.c.id == inbox_id)
        .values(status="failed", handled_at=now, error=error[:2000], attempts=_IN.c.attempts + 1)
    )


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    channel: str
    chat_id: str
    payload: dict[str, Any]


async def enqueue_replies(
    conn: AsyncConnection,
    *,
    channel: str,
    chat_id: str,
    payloads: Sequence[dict[str, Any]],
    inbox_id: int | None,
    now: datetime,
) -> list[OutboxRow]:
    """Replies to deliver after the transaction commits."""
    out: list[OutboxRow] = []
    raw = raw_sqlite(conn)
    if raw is not None:
        for payload in payloads:
            cur = raw.execute(
                "INSERT INTO outbox (channel, chat_id, payload, status, attempts, inbox_id, "
                "created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
                (channel, chat_id, json.dumps(payload), inbox_id, sqlite_time(now)),
            )
            out.append(OutboxRow(int(cur.lastrowid or 0), channel, chat_id, payload))
        return out
    for payload in payloads:
        params = {
            "channel": channel,
            "chat_id": chat_id,
            "payload": payload,
            "inbox_id": inbox_id,
            "created_at": now,
            "status": "pending",
            "attempts": 0,
        }
        new_id = (await conn.execute(_ENQUEUE, params)).scalar_one()
        out.append(OutboxRow(int(new_id), channel, chat_id, payload))
    return out


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
