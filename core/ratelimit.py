"""Async token buckets: the messengers' sending limits, globally and per chat.

A bucket of capacity ``c`` refilled at ``r`` per second lets at most ``c + r·w`` messages
through in any window of ``w`` seconds. Telegram allows about 30 messages a second in all and one
a second per chat; we aim at ``safety`` (90 %) of each limit, with a burst of half the margin on
the global bucket (so that a late wake-up is made up for), so that neither network jitter nor a
burst pushes a window over the limit. These limits hold per process; the engine adds a budget
shared by every worker of a bot through Redis. Clock and sleep are injectable, so tests run on
simulated time.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

# Chat buckets not used for this long are dropped (they are full again anyway).
IDLE_CHAT_SECONDS = 60.0
# Rounding: a token 1e-12 short is there (else a clock too coarse for the wait never moves on).
_EPSILON = 1e-9
_MIN_WAIT = 1e-4


class TokenBucket:
    """`rate` tokens a second, holding at most `capacity`; `acquire` waits for one (FIFO)."""

    def __init__(
        self,
        rate: float,
        capacity: float = 1.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate = rate
        self.capacity = capacity
        self.clock = clock
        self.sleep = sleep
        self.tokens = capacity
        self.last = clock()
        self.paused_until = -math.inf
        self._lock = asyncio.Lock()

    def _refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now

    def try_acquire(self) -> bool:
        """Take a token if one is there now."""
        now = self.clock()
        if now < self.paused_until or self._lock.locked():
            return False
        self._refill(now)
        if self.tokens >= 1 - _EPSILON:
            self.tokens = max(0.0, self.tokens - 1)
            return True
        return False

    async def acquire(self) -> None:
        """Wait until a token is there and take it; waiters are served in order."""
        async with self._lock:
            await self._take()

    @asynccontextmanager
    async def holding(self) -> AsyncIterator[None]:
        """Take a token and keep the other waiters out until the block ends; the next token
        is counted from the end of the block (when the message actually went out)."""
        async with self._lock:
            await self._take()
            try:
                yield
            finally:
                self.tokens = 0.0
                self.last = self.clock()

    async def _take(self) -> None:
        while True:
            now = self.clock()
            if now < self.paused_until:
                await self.sleep(self.paused_until - now)
                continue
            self._refill(now)
            if self.tokens >= 1 - _EPSILON:
                self.tokens = max(0.0, self.tokens - 1)
                return
            await self.sleep(max((1 - self.tokens) / self.rate, _MIN_WAIT))

    @property
    def busy(self) -> bool:
        return self._lock.locked()

    def pause(self, seconds: float) -> None:
        """Nothing goes through for `seconds` (the messenger answered 429), then one at a time."""
        now = self.clock()
        self.paused_until = max(self.paused_until, now + seconds)
        self._refill(now)
        self.tokens = 0.0

    @property
    def idle_since(self) -> float:
        return self.last


@dataclass(frozen=True, slots=True)
class Limits:
    """A messenger's limits: messages per second in all, and per chat."""

    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    safety: float = 0.9


DEFAULT_LIMITS: Mapping[str, Limits] = {
    "telegram": Limits(30.0, 1.0),
    # Zalo publishes no limit (docs/zalo-bot-api.md): treat it like Telegram.
    "zalo": Limits(30.0, 1.0),
}


class ChannelLimiter:
    """One messenger's budget: a global bucket and one bucket per chat."""

    def __init__(
        self, limits: Limits, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        # A small burst (half the safety margin) makes up for sleeps that overran, without ever
        # letting a one-second window exceed the limit: burst + rate <= limit.
        burst = max(1.0, limits.per_second * (1 - limits.safety) / 2)
        self.global_bucket = TokenBucket(
            limits.per_second * limits.safety, burst, clock=clock, sleep=sleep
        )
        self._chats: dict[str, TokenBucket] = {}
        self._last_prune = clock()

    def _chat(self, chat_id: str) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            rate = self.limits.per_chat_per_second * self.limits.safety
            bucket = self._chats[chat_id] = TokenBucket(rate, clock=self.clock, sleep=self.sleep)
        return bucket

    async def acquire(self, chat_id: str) -> None:
        """Wait for the chat's turn, then for the messenger's. The chat's next turn counts
        from now, after both waits, so that one chat's messages stay a second apart even when
        the global queue held this one back."""
        async with self._chat(chat_id).holding():
            await self.acquire_global()
        self._prune()

    async def acquire_global(self) -> None:
        """Wait for the messenger's turn only (a reply the person just asked for, a menu)."""
        await self.global_bucket.acquire()

    def pause(self, seconds: float) -> None:
        """The messenger asked us to wait (429): every chat waits."""
        self.global_bucket.pause(seconds)

    def _prune(self) -> None:
        now = self.clock()
        if now - self._last_prune < IDLE_CHAT_SECONDS:
            return
        self._last_prune = now
        idle = [
            c
            for c, b in self._chats.items()
            if now - b.idle_since > IDLE_CHAT_SECONDS and not b.busy
        ]
        for c in idle:
            del self._chats[c]


class RateLimiters:
    """A limiter per channel name, created on first use from `limits` (or the defaults)."""

    def __init__(
        self,
        limits: Mapping[str, Limits] | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits: dict[str, Limits] = dict(DEFAULT_LIMITS)
        self.limits.update(limits or {})
        self.clock = clock
        self.sleep = sleep
        self._by_channel: dict[str, ChannelLimiter] = {}

    def __call__(self, channel: str) -> ChannelLimiter:
        limiter = self._by_channel.get(channel)
        if limiter is None:
            limits = self.limits.get(channel, Limits())
            limiter = self._by_channel[channel] = self._make(channel, limits)
        return limiter

    def _make(self, channel: str, limits: Limits) -> ChannelLimiter:
        """A new channel's limiter (a subclass may share it across processes)."""
        return ChannelLimiter(limits, clock=self.clock, sleep=self.sleep)
