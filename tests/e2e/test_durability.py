"""Nothing lost, nothing twice, on Telegram and on Zalo: restarts, stored updates, faults.

(Webhooks are in the channel-specific files; a real process killed mid-work in test_crash.)
"""

from __future__ import annotations

import pytest

from bot.app import App
from storage.models import ChatIdentity, InboxUpdate, OutboxMessage, Person
from tests.e2e.messengers import Messenger, count, settle, value, values
from tests.harness import codes_for, running_bot

WELCOME = "Đăng ký thành công"


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=pytest.mark.redis)])
async def test_a_person_mid_conversation_continues_after_a_restart(
    messenger: Messenger, any_db_url: str, store: str, request: pytest.FixtureRequest
) -> None:
    redis = str(request.getfixturevalue("redis_url")) if store == "redis" else None
    settings = messenger.settings_for(any_db_url, redis_url=redis)
    hoa = messenger.user(1, "Hoa")
    async with running_bot(settings) as app:
        [code] = await codes_for(app, "X_HAI_SON")
        await hoa.send_text("/start")
        assert "mã đăng ký" in await hoa.expect_message()
        await settle(messenger, app)
    # The bot is down; the person answers anyway. Only the conversation state knows that this
    # bare code answers the /start before it.
    await hoa.send_text(code)
    async with running_bot(settings) as app:
        msg = await hoa.expect_message()
        assert WELCOME in msg
        assert "Xã Hải Sơn" in msg
        await settle(messenger, app)
        assert await values(app, ChatIdentity, "channel", "external_id") == [
            (messenger.name, hoa.id)
        ]
        assert await count(app, InboxUpdate, InboxUpdate.status == "done") == 2
    assert len(hoa.messages) == 2


async def test_updates_stored_before_a_crash_are_handled_on_start(
    messenger: Messenger, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = messenger.settings_for(sqlite_url)
    user = messenger.user(2, "Quân")
    app = await App.create(settings)
    try:
        [code] = await codes_for(app, "PNV")
        await user.send_text(f"/start {code}")
        # The channel takes the update off the messenger and the pipeline commits it to the
        # inbox, acknowledging it; the process dies before a worker picks it up.
        monkeypatch.setattr(app.pipeline, "_kick", lambda *a: None)
        incoming = await messenger.pull_incoming()
        assert [m.text for m in incoming] == [f"/start {code}"]
        assert await app.pipeline.receive(incoming) == 1
    finally:
        await app.close()
    async with running_bot(settings) as app2:
        assert WELCOME in await user.expect_message()
        await settle(messenger, app2)
        assert await count(app2, InboxUpdate, InboxUpdate.status == "pending") == 0
        assert await count(app2, Person) == 1
    assert len(user.messages) == 1


async def test_a_reply_queued_before_a_crash_is_sent_on_start(
    messenger: Messenger, sqlite_url: str
) -> None:
    settings = messenger.settings_for(sqlite_url)
    user = messenger.user(5, "Phúc")
    app = await App.create(settings)  # serving no channel: it dies before it can send
    try:
        [code] = await codes_for(app, "PNV")
        await user.send_text(f"/start {code}")
        assert await app.pipeline.receive(await messenger.pull_incoming()) == 1
        await app.pipeline.drain(5)
        # Handled and committed, the welcome queued in the outbox, not sent.
        assert await count(app, Person) == 1
        assert await values(app, OutboxMessage, "status") == [("pending",)]
    finally:
        await app.close()
    assert user.messages == []
    async with running_bot(settings) as app2:
        # Well before the periodic sweep (30 s): start-up delivers what was queued.
        assert WELCOME in await user.expect_message(timeout=2)
        await app2.pipeline.drain(5)
        assert await values(app2, OutboxMessage, "status") == [("sent",)]
    assert len(user.messages) == 1


async def test_429_and_5xx_are_retried_and_the_reply_arrives(
    bot: App, messenger: Messenger
) -> None:
    user = messenger.user(3)
    messenger.fail_sends("429", retry_after=1)
    messenger.fail_sends("5xx", times=2)
    await user.send_text("/trogiup")
    msg = await user.expect_message(timeout=10)
    assert "chưa đăng ký" in msg
    await settle(messenger, bot)
    assert messenger.send_attempts() == 4  # 429, 5xx, 5xx, then delivered
    assert len(user.messages) == 1
    assert await values(bot, OutboxMessage, "status") == [("sent",)]


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    bot: App, messenger: Messenger
) -> None:
    [code] = await codes_for(bot, "PNV")
    user = messenger.user(4)
    await user.send_text(f"/start {code}")
    assert WELCOME in await user.expect_message()
    await settle(messenger, bot)
    assert await value(bot, ChatIdentity, "active") is True
    user.block()
    attempts = messenger.send_attempts()
    await user.send_text("/trogiup")
    await settle(messenger, bot)
    assert messenger.send_attempts() == attempts + 1  # refused once, not retried
    assert len(user.messages) == 1
    assert await value(bot, ChatIdentity, "active") is False
    assert await values(bot, OutboxMessage, "status") == [("sent",), ("unreachable",)]
