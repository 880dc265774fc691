"""Strangers cost nothing (issue 14): an unregistered chat flooding the bot gets one short
answer a minute and leaves nothing but its inbox rows; strangers together are answered a
bounded number of times; registration is never refused by that budget."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.pipeline import STRANGER_ANSWERS
from core.texts.common import ASK_CODE, NOT_UNDERSTOOD_UNREGISTERED
from storage.models import ConversationState, InboxUpdate, table
from tests.e2e.messengers import Messenger
from tests.harness import Clock, running_bot


@pytest.fixture
async def bot(messenger: Messenger, sqlite_url: str, clock: Clock) -> AsyncIterator[App]:
    async with running_bot(messenger.settings_for(sqlite_url), clock=clock) as app:
        yield app


async def _count(app: App, model: type) -> int:
    async with app.db.read() as conn:
        return int(
            (await conn.execute(select(func.count()).select_from(table(model)))).scalar_one()
        )


async def test_a_stranger_flooding_gets_one_answer_and_leaves_only_inbox_rows(
    bot: App, messenger: Messenger
) -> None:
    stranger = messenger.user(7, "Ai đó")
    for i in range(12):
        await stranger.send_text(f"xin chào {i}")
    assert NOT_UNDERSTOOD_UNREGISTERED in await stranger.expect_message()
    await stranger.expect_no_message(within=1.5)
    assert len(stranger.messages) == 1
    assert await _count(bot, InboxUpdate) == 12
    assert await _count(bot, ConversationState) == 0  # nothing stored but the inbox rows
    # Registering is still answered at once.
    await stranger.send_text("/start")
    assert ASK_CODE in await stranger.expect_message()


async def test_strangers_together_are_answered_a_bounded_number_of_times(
    bot: App, messenger: Messenger
) -> None:
    bot.pipeline.strangers.total = 5
    assert STRANGER_ANSWERS >= 5
    people = [messenger.user(100 + i, "Người lạ") for i in range(8)]
    for p in people:
        await p.send_text("alo")
    await messenger.wait_for(lambda: sum(len(p.messages) for p in people) >= 5, timeout=20)
    await people[-1].expect_no_message(within=1.5)
    assert sum(len(p.messages) for p in people) == 5
