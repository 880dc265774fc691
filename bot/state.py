"""Where conversation state lives: the database, in the same transaction as the update's
effects, so that whichever worker handles a chat's next update sees exactly what the previous
one left (Redis, written after the commit, could not promise that across workers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.queries import pipeline as q

ChatKey = tuple[str, str]


class StateStore(Protocol):
    async def load(
        self, conn: AsyncConnection, key: ChatKey, *, fresh: bool = False
    ) -> tuple[str, dict[str, Any]]: ...

    async def save_in_transaction(
        self, conn: AsyncConnection, key: ChatKey, state: str, data: dict[str, Any], now: datetime
    ) -> None: ...

    async def save_after_commit(self, key: ChatKey, state: str, data: dict[str, Any]) -> None: ...

    async def close(self) -> None: ...


class DatabaseStateStore:
    """State in the `conversation_state` table.

    With `cache` (SQLite: this process is the only writer) what it last committed is also kept
    in memory and handed out from there (a read and a JSON decoding per update saved); the
    table is what survives a restart. A failed update forgets the chat's entry, which is then
    read again. Several workers (PostgreSQL) read the table every time."""

    def __init__(self, *, cache: bool = True) -> None:
        self.cache = cache
        self._known: dict[ChatKey, tuple[str, dict[str, Any]]] = {}
        self._pending: dict[ChatKey, tuple[str, dict[str, Any]]] = {}

    async def load(
        self, conn: AsyncConnection, key: ChatKey, *, fresh: bool = False
    ) -> tuple[str, dict[str, Any]]:
        """`fresh`: from the table even if cached (a stranger's chat: an operator may have
        erased the person behind it from another process)."""
        known = self._known.pop(key, None)  # handlers mutate it: it is theirs until committed
        if known is not None and not fresh:
            return known
        return await q.load_state(conn, channel=key[0], chat_id=key[1])

    async def save_in_transaction(
        self, conn: AsyncConnection, key: ChatKey, state: str, data: dict[str, Any], now: datetime
    ) -> None:
        if self.cache:
            self._pending[key] = (state, data)
        await q.save_state(conn, channel=key[0], chat_id=key[1], state=state, data=data, now=now)

    async def save_after_commit(self, key: ChatKey, state: str, data: dict[str, Any]) -> None:
        # Only once committed does memory follow; after a failure nothing is remembered.
        committed = self._pending.pop(key, None)
        if committed is not None:
            self._known[key] = committed

    async def close(self) -> None:
        return None
