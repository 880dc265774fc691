"""Shared pieces of the benchmarks: statistics, and a bare aiogram echo bot as the baseline."""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@asynccontextmanager
async def echo_bot(token: str, api_base: str) -> AsyncIterator[None]:
    """The baseline: aiogram's own polling loop answering every text with the same text."""
    from aiogram import Bot, Dispatcher, Router
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    dp = Dispatcher()
    dp.include_router(router)
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=10))
    try:
        yield
    finally:
        await dp.stop_polling()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await bot.session.close()


@asynccontextmanager
async def zalo_echo_bot(token: str, api_base: str) -> AsyncIterator[None]:
    """The Zalo baseline: our httpx client in a bare loop, getUpdates then sendMessage."""
    from bot.channels.zalo_api import ZaloBotAPI

    api = ZaloBotAPI(token, base_url=api_base)
    sem = asyncio.Semaphore(8)  # the same cap on requests in flight as the real channel

    async def answer(update: dict[str, object]) -> None:
        message = update.get("message")
        if not isinstance(message, dict):
            return
        chat = message.get("chat")
        if not isinstance(chat, dict):
            return
        async with sem:
            await api.send_message(str(chat["id"]), str(message.get("text") or "?"))

    async def loop() -> None:
        tasks: set[asyncio.Task[None]] = set()
        while True:
            update = await api.get_updates(timeout=5)
            if update is not None:
                t = asyncio.create_task(answer(update))
                tasks.add(t)
                t.add_done_callback(tasks.discard)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await api.aclose()
