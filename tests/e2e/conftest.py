"""End-to-end fixtures: the fake Telegram Bot API server and the bot talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import Clock, running_bot

TOKEN = "123456:TEST-token-abcdef"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(token=TOKEN) as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(tg: FakeTelegramServer, sqlite_url: str, clock: Clock) -> AsyncIterator[App]:
    settings = make_settings(sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=tg.base_url)
    async with running_bot(settings, clock=clock) as app:
        yield app
