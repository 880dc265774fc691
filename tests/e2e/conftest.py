"""End-to-end fixtures: a fake messenger (Telegram, then Zalo) and the real bot talking to it.

`messenger` is parametrised over both channels, so a test that uses it (or `bot`) runs once on
each. A module about one channel narrows it with
``pytestmark = pytest.mark.parametrize("messenger", ["zalo"], indirect=True)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from tests.e2e.messengers import CHANNELS, Messenger, open_messenger
from tests.harness import Clock, running_bot


@pytest.fixture(params=CHANNELS)
async def messenger(request: pytest.FixtureRequest) -> AsyncIterator[Messenger]:
    async with open_messenger(request.param) as m:
        yield m


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(messenger: Messenger, sqlite_url: str, clock: Clock) -> AsyncIterator[App]:
    """The bot on SQLite, serving `messenger` by long polling, with a settable clock."""
    async with running_bot(messenger.settings_for(sqlite_url), clock=clock) as app:
        yield app


@pytest.fixture
async def telegram() -> AsyncIterator[Messenger]:
    """A second fake messenger beside `messenger`, for stories across both."""
    async with open_messenger("telegram") as m:
        yield m


@pytest.fixture
async def zalo() -> AsyncIterator[Messenger]:
    async with open_messenger("zalo") as m:
        yield m
