"""Where conversation state lives: the database by default, Redis when `REDIS_URL` is set.

With the database the state is written in the same transaction as the update's effects. With
Redis it is written right after that transaction commits; a crash in between loses only the
last step of a conversation, never a stored value.
"""

from __future__ import annotations

import json
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.queries import pipeline as q

ChatKey = tuple[str, str]


class StateStore(Protocol):
    async def load(self, conn: AsyncConnection, key: ChatKey) -> tuple[str, dict[str, Any]]: ...

    async def save_in_transaction(
        self, conn: AsyncConnection, key: ChatKey, state: str, data: dict[str, Any], now: datetime
    ) -> None: ...

    async def save_after_commit(self, key: ChatKey, state: str, data: dict[str, Any]) -> None: ...

    def chat_lock(self, key: ChatKey) -> AbstractAsyncContextManager[Any]: ...

    async def close(self) -> None: ...


class DatabaseStateStore:
    """State in the `conversation_state` table; one process, so no cross-process lock.

    This process is the only writer, so what it last committed is also kept in memory and
    handed out from there (a read and a JSON decoding per update saved); the table is what
    survives a restart. A failed update forgets the chat's entry, which is then read again."""

    def __init__(self) -> None:
        self._known: dict[ChatKey, tuple[str, dict[str, Any]]] = {}
        self._pending: dict[ChatKey, tuple[str, dict[str, Any]]] = {}

    async def load(self, conn: AsyncConnection, key: ChatKey) -> tuple[str, dict[str, Any]]:
        known = self._known.pop(key, None)  # handlers mutate it: it is theirs until committed
        if known is not None:
            return known
        return await q.load_state(conn, channel=key[0], chat_id=key[1])

    async def save_in_transaction(
        self, conn: AsyncConnection, key: ChatKey, state: str, data: dict[str, Any], now: datetime
    ) -> None:
        self._pending[key] = (state, data)
        await q.save_state(conn, channel=key[0], chat_id=key[1], state=state, data=data, now=now)

    async def save_after_commit(self, key: ChatKey, state: str, data: dict[str, Any]) -> None:
        # Only once committed does memory follow; after a failure nothing is remembered.
        committed = self._pending.pop(key, None)
        if committed is not None:
            self._known[key] = committed

    def chat_lock(self, key: ChatKey) -> AbstractAsyncContextManager[Any]:
        return nullcontext()

    async def close(self) -> None:
        return None


class RedisStateStore:
    """State in Redis (shared by several workers), with a Redis lock per chat."""

    def __init__(self, url: str, *, prefix: str = "campaignbot", state_ttl_days: int = 60) -> None:
        import redis.asyncio as aioredis

        self.redis = aioredis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self.ttl = state_ttl_days * 86400

    def _key(self, key: ChatKey) -> str:
        return f"{self.prefix}:state:{key[0]}:{key[1]}"

    async def load(self, conn: AsyncConnection, key: ChatKey) -> tuple[str, dict[str, Any]]:
        raw = await self.redis.get(self._key(key))
        if not raw:
            return "", {}
        doc = json.loads(raw)
        return str(doc.get("state", "")), dict(doc.get("data", {}))

    async def save_in_transaction(
        self, conn: AsyncConnection, key: ChatKey, state: str, data: dict[str, Any], now: datetime
    ) -> None:
        return None

    async def save_after_commit(self, key: ChatKey, state: str, data: dict[str, Any]) -> None:
        if not state and not data:
            await self.redis.delete(self._key(key))
            return
        doc = json.dumps({"state": state, "data": data}, ensure_ascii=False)
        await self.redis.set(self._key(key), doc, ex=self.ttl)

    def chat_lock(self, key: ChatKey) -> AbstractAsyncContextManager[Any]:
        # Several workers may receive updates of one chat; the lock keeps them in order.
        return self.redis.lock(
            f"{self.prefix}:lock:{key[0]}:{key[1]}", timeout=60, blocking_timeout=90
        )

    async def close(self) -> None:
        await self.redis.aclose()
