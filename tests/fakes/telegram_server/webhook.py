"""Webhook delivery: updates POSTed to the bot's URL, in order per chat, retried until 2xx.

The secret header is sent when one was set; a method in the webhook's reply is run by the
server, as Telegram does.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import aiohttp

from tests.fakes.telegram_server.common import JsonDict, _dumps
from tests.fakes.telegram_server.records import WebhookAttempt

if TYPE_CHECKING:
    from tests.fakes.telegram_server.server import FakeTelegramServer

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(slots=True)
class _Pending:
    update_id: int
    update: JsonDict
    chat_key: int | None
    duplicate: bool = False


class _Webhook:
    """Delivers updates to a URL: in order per chat, up to max_connections chats at once."""

    def __init__(
        self,
        server: FakeTelegramServer,
        url: str,
        secret: str | None,
        max_connections: int,
        ip_address: str | None,
    ) -> None:
        self.server = server
        self.url = url
        self.secret = secret
        self.max_connections = max_connections
        self.ip_address = ip_address
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=server.webhook_timeout),
            connector=aiohttp.TCPConnector(limit=max_connections),
        )
        self._sem = asyncio.Semaphore(max_connections)
        self._lanes: dict[int | None, deque[_Pending]] = {}
        self._tasks: dict[int | None, asyncio.Task[None]] = {}

    @property
    def pending(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    def info(self) -> JsonDict:
        d: JsonDict = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending,
            "max_connections": self.max_connections,
        }
        if self.ip_address:
            d["ip_address"] = self.ip_address
        if self.last_error_date is not None:
            d["last_error_date"] = self.last_error_date
            d["last_error_message"] = self.last_error_message
        return d

    def dispatch(self, item: _Pending) -> None:
        lane = self._lanes.setdefault(item.chat_key, deque())
        lane.append(item)
        if item.chat_key not in self._tasks:
            self._tasks[item.chat_key] = asyncio.create_task(self._run(item.chat_key))

    async def _run(self, key: int | None) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                async with self._sem:
                    await self._deliver(lane[0])
                lane.popleft()
        finally:
            self._tasks.pop(key, None)
            if not lane:
                self._lanes.pop(key, None)

    async def _deliver(self, item: _Pending) -> None:
        body = _dumps(item.update).encode()
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
        server = self.server
        while True:
            status: int | None = None
            error: str | None = None
            reply = b""
            reply_type = ""
            try:
                async with self._session.post(self.url, data=body, headers=headers) as resp:
                    status = resp.status
                    reply = await resp.read()
                    reply_type = resp.headers.get("Content-Type", "")
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {resp.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            server.webhook_attempts.append(
                WebhookAttempt(item.update_id, self.url, status, error, time.time())
            )
            if error is None:
                server._delivered(item)
                if reply:
                    await server._run_webhook_reply(reply, reply_type)
                return
            self.last_error_date = int(time.time())
            self.last_error_message = error
            server._changed.notify()
            await asyncio.sleep(server.webhook_retry_delay)

    async def close(self) -> list[_Pending]:
        """Stop delivering; the updates not yet delivered (in order per chat)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        left = [item for lane in self._lanes.values() for item in lane]
        self._lanes.clear()
        await self._session.close()
        return left
