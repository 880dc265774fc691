"""Two workers of one bot share its sending budget through Redis (issue 14)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import pytest

from bot.shared_rate import RedisLink, SharedRateLimiters, window
from core.ratelimit import Limits, RateLimiters

pytestmark = pytest.mark.redis


def _max_in_window(stamps: list[float], seconds: float) -> int:
    stamps = sorted(stamps)
    best, j = 0, 0
    for i, t in enumerate(stamps):
        while t - stamps[j] >= seconds:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_window() -> None:
    assert window(27) == (27, 1000)
    assert window(0.9) == (1, 1112)


async def _burst(limiters: list[RateLimiters], per_worker: int, chat: str | None) -> list[float]:
    stamps: list[float] = []

    async def worker(lim: RateLimiters, w: int) -> None:
        async def one(i: int) -> None:
            limiter = lim("telegram")
            if chat is None:
                await limiter.acquire(f"chat-{w}-{i}")
            else:
                await limiter.acquire(chat)
            stamps.append(time.monotonic())

        await asyncio.gather(*(one(i) for i in range(per_worker)))

    await asyncio.gather(*(worker(lim, w) for w, lim in enumerate(limiters)))
    return stamps


async def test_two_workers_share_the_global_budget(redis_url: str) -> None:
    limits = {"telegram": Limits(per_second=10, per_chat_per_second=10)}  # 9 a second, shared
    ns = {"telegram": "rate:test-" + uuid.uuid4().hex[:8]}
    links = [RedisLink(redis_url), RedisLink(redis_url)]
    try:
        shared: list[RateLimiters] = [SharedRateLimiters(k, limits, namespaces=ns) for k in links]
        start = time.monotonic()
        stamps = await _burst(shared, 18, None)
        took = time.monotonic() - start
    finally:
        for k in links:
            await k.close()
    # 36 sends at 9 a second between both: the first 9 at once, then 27 more over 3 seconds.
    assert took >= 2.8, took
    assert _max_in_window(stamps, 0.95) <= 9
    # The in-process limiters, one per worker, would have let through twice as many.
    alone: list[RateLimiters] = [RateLimiters(limits), RateLimiters(limits)]
    start = time.monotonic()
    await _burst(alone, 18, None)
    assert time.monotonic() - start < 2.5


async def test_two_workers_share_a_chats_budget_and_a_pause(redis_url: str) -> None:
    limits = {"telegram": Limits(per_second=30, per_chat_per_second=5)}  # 4 per 889 ms a chat
    ns = {"telegram": "rate:test-" + uuid.uuid4().hex[:8]}
    links = [RedisLink(redis_url), RedisLink(redis_url)]
    try:
        a, b = (SharedRateLimiters(k, limits, namespaces=ns) for k in links)
        stamps = await _burst([a, b], 4, "same-chat")
        assert max(stamps) - min(stamps) >= 0.8  # 8 sends to one chat: two windows at least
        assert _max_in_window(stamps, 0.85) <= 4
        # A 429 seen by one worker holds the other one too.
        a("telegram").pause(1.0)
        await asyncio.sleep(0.1)
        start = time.monotonic()
        await b("telegram").acquire_global()
        assert time.monotonic() - start >= 0.7
    finally:
        for k in links:
            await k.close()


async def test_redis_down_falls_back_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    link = RedisLink("redis://127.0.0.1:1/0", retry_seconds=0.0)  # nothing listens there
    try:
        fast = {"telegram": Limits(per_second=100, per_chat_per_second=100)}
        lim = SharedRateLimiters(link, fast)
        with caplog.at_level(logging.WARNING, logger="bot.shared_rate"):
            for i in range(5):
                await lim("telegram").acquire(f"c{i}")
        assert not link.up
        said = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
        assert len(said) == 1
    finally:
        await link.close()
