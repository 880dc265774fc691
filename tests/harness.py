"""Running the real bot inside a test, against the fake messenger servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from bot.app import App
from bot.invitations import issue_codes
from core.settings import Settings


class Clock:
    """A settable clock: tests move time instead of sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@asynccontextmanager
async def running_bot(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[App]:
    """The bot serving its configured channels until the block ends."""
    app = await App.create(settings, clock=clock or Clock())
    stop = asyncio.Event()
    task = asyncio.create_task(app.run(stop))
    ready = asyncio.create_task(app.ready.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
    if task in done:  # it died while starting: show why
        ready.cancel()
        await app.close()
        task.result()
    if ready not in done:
        raise TimeoutError("bot did not start")
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
        await app.close()


async def codes_for(
    app: App,
    unit_code: str,
    role: str = "focal",
    count: int = 1,
    ttl: timedelta = timedelta(days=30),
) -> list[str]:
    codes = await issue_codes(
        app.db,
        campaign_id=app.services.campaign_id,
        unit_code=unit_code,
        role=role,
        count=count,
        ttl=ttl,
        actor="test",
    )
    assert codes is not None, f"no unit {unit_code}"
    return codes
