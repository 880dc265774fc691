"""One sending budget per bot, shared by every worker through Redis (`REDIS_URL`).

Telegram's limits (about 30 messages a second in all, one a second per chat) are per bot: N
workers each keeping the in-process limits of `core.ratelimit` would send N times too fast.
With Redis, each send first takes a slot in a sliding one-window log kept in Redis, by an
atomic Lua script (Redis' own clock, so the workers' clocks do not matter): one log for the
messenger's global limit, one per chat, and a shared pause after a 429.

Redis down is not an outage: the limiter falls back to the in-process limits (said once in the
log, and `/readyz` reports it), tries Redis again every `RETRY_SECONDS`, and uses it again as
soon as it answers, without a restart.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import math
import time
import uuid
from collections.abc import Mapping
from typing import Any

from core.ratelimit import ChannelLimiter, Clock, Limits, RateLimiters, Sleep

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
REDIS_TIMEOUT = 1.0

# KEYS: global log, chat log (or the global one again), pause key.
# ARGV: global count, global window ms, chat count, chat window ms, member.
# Returns 0 (a slot was taken) or how many milliseconds to wait before asking again.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return paused end
local wait = 0
local function check(key, count, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= count then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
check(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
if KEYS[2] ~= KEYS[1] then check(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4])) end
if wait > 0 then return math.max(wait, 1) end
redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
if KEYS[2] ~= KEYS[1] then
  redis.call('ZADD', KEYS[2], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) * 2)
end
return 0
"""


def window(rate: float) -> tuple[int, int]:
    """A rate as `count` sends in `window_ms` (27/s → 27 in 1000 ms; 0.9/s → 1 in 1112 ms)."""
    count = max(1, math.floor(rate))
    return count, math.ceil(count / rate * 1000)


def namespace_for(token: str) -> str:
    """Keys of one bot (a token's digest, never the token): two bots on one Redis do not
    share a budget, the workers of one bot do."""
    return "rate:" + hashlib.sha256(token.encode()).hexdigest()[:16]


class RedisLink:
    """The Redis connection and whether it works; says so in the log once per change."""

    def __init__(self, url: str, *, retry_seconds: float = RETRY_SECONDS) -> None:
        import redis.asyncio as aioredis

        self.url = url
        self.client: Any = aioredis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        self.retry_seconds = retry_seconds
        self.up = True
        self.reason = ""
        self._retry_at = 0.0
        self._script: Any = self.client.register_script(_TAKE)

    @property
    def usable(self) -> bool:
        """Worth trying now: up, or down long enough that it may be back."""
        return self.up or time.monotonic() >= self._retry_at

    def mark_down(self, exc: BaseException) -> None:
        self._retry_at = time.monotonic() + self.retry_seconds
        self.reason = f"{type(exc).__name__}: {exc}"
        if self.up:
            self.up = False
            log.warning(
                "Redis unreachable (%s): not ready; in-process sending limits until it returns",
                self.reason,
            )

    def mark_up(self) -> None:
        if not self.up:
            self.up = True
            self.reason = ""
            log.warning("Redis reachable again: the shared sending budget is back")

    async def ping(self) -> bool:
        try:
            await asyncio.wait_for(self.client.ping(), REDIS_TIMEOUT * 2)
        except Exception as exc:
            self.mark_down(exc)
            return False
        self.mark_up()
        return True

    async def take(self, keys: list[str], args: list[Any]) -> int:
        return int(await self._script(keys=keys, args=args))

    async def close(self) -> None:
        await self.client.aclose()


class SharedChannelLimiter(ChannelLimiter):
    """A messenger's budget shared through Redis; in-process while Redis is unreachable."""

    def __init__(
        self,
        limits: Limits,
        *,
        link: RedisLink,
        prefix: str,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(limits, clock=clock, sleep=sleep)
        self.link = link
        self.prefix = prefix
        self.global_window = window(limits.per_second * limits.safety)
        self.chat_window = window(limits.per_chat_per_second * limits.safety)
        self._ids = itertools.count()
        self._me = uuid.uuid4().hex[:12]
        self._pending: set[asyncio.Task[None]] = set()

    async def acquire(self, chat_id: str) -> None:
        async with self._chat(chat_id).holding():  # this worker's sends to a chat, in order
            await self._take(chat_id)
        self._prune()

    async def acquire_global(self) -> None:
        await self._take(None)

    async def _take(self, chat_id: str | None) -> None:
        g = f"{self.prefix}:g"
        c = g if chat_id is None else f"{self.prefix}:c:{chat_id}"
        args = [*self.global_window, *self.chat_window]
        while self.link.usable:
            try:
                wait_ms = await self.link.take(
                    [g, c, f"{self.prefix}:pause"], [*args, f"{self._me}:{next(self._ids)}"]
                )
            except Exception as exc:  # Redis down: the in-process budget below
                self.link.mark_down(exc)
                break
            self.link.mark_up()
            if wait_ms <= 0:
                return
            await self.sleep(wait_ms / 1000)
        await self.global_bucket.acquire()

    def pause(self, seconds: float) -> None:
        super().pause(seconds)
        if not self.link.usable:
            return
        task = asyncio.get_running_loop().create_task(self._pause_shared(seconds))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _pause_shared(self, seconds: float) -> None:
        ms = max(1, math.ceil(seconds * 1000))
        try:  # the longer pause wins; never shortened by a later, shorter 429
            current = await self.link.client.pttl(f"{self.prefix}:pause")
            if current is None or int(current) < ms:
                await self.link.client.set(f"{self.prefix}:pause", b"1", px=ms)
        except Exception as exc:
            self.link.mark_down(exc)


class SharedRateLimiters(RateLimiters):
    """`RateLimiters` whose channels share their budget through Redis across workers."""

    def __init__(
        self,
        link: RedisLink,
        limits: Mapping[str, Limits] | None = None,
        *,
        namespaces: Mapping[str, str] | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(limits, clock=clock, sleep=sleep)
        self.link = link
        self.namespaces = dict(namespaces or {})

    def _make(self, channel: str, limits: Limits) -> ChannelLimiter:
        prefix = f"{self.namespaces.get(channel, 'rate:default')}:{channel}"
        return SharedChannelLimiter(
            limits, link=self.link, prefix=prefix, clock=self.clock, sleep=self.sleep
        )
