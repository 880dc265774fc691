"""Nothing lost, nothing twice: restarts, redeliveries, webhooks and messenger faults."""

from __future__ import annotations

import socket

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App
from storage.models import ChatIdentity, InboxUpdate, OutboxMessage
from tests.conftest import make_settings
from tests.e2e.conftest import TOKEN
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import Clock, codes_for, running_bot


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scalar(app: App, q: object) -> object:
    async with app.db.read() as conn:
        return (await conn.execute(q)).scalar_one()  # type: ignore[call-overload]


@pytest.mark.parametrize("store", ["database", pytest.param("redis", marks=pytest.mark.redis)])
async def test_a_person_mid_conversation_continues_after_a_restart(
    tg: FakeTelegramServer, any_db_url: str, store: str, request: pytest.FixtureRequest
) -> None:
    redis = str(request.getfixturevalue("redis_url")) if store == "redis" else None
    settings = make_settings(any_db_url, telegram_bot_token=TOKEN,
                             telegram_api_base=tg.base_url, redis_url=redis)
    user = tg.user(user_id=2001, first_name="Hoa")
    async with running_bot(settings) as app:
        [code] = await codes_for(app, "X_HAI_SON")
        await user.send_text("/start")
        assert "mã đăng ký" in (await user.expect_message()).text
    # The bot is down; the person answers anyway.
    await user.send_text(code)
    async with running_bot(settings) as app:
        msg = await user.expect_message()
        assert "Đăng ký thành công" in msg.text
        assert "Xã Hải Sơn" in msg.text
        assert await scalar(app, select(func.count()).select_from(ChatIdentity)) == 1


async def test_updates_stored_before_a_crash_are_handled_on_start(
    tg: FakeTelegramServer, sqlite_url: str
) -> None:
    settings = make_settings(sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=tg.base_url)
    app = await App.create(settings)
    from bot.channels.telegram import TelegramChannel, make_bot

    # Store an update the way polling does, then "crash" before handling it.
    channel = TelegramChannel(make_bot(TOKEN, tg.base_url), app.pipeline.receive)
    user = tg.user(user_id=2002)
    [code] = await codes_for(app, "PNV")
    app.pipeline._schedule = lambda *a: None  # type: ignore[method-assign]  # the crash
    await user.send_text(f"/start {code}")
    updates = await channel.bot.get_updates(timeout=1)
    await channel._accept(updates)
    await channel.close()
    await app.close()
    async with running_bot(settings) as app2:
        assert "Đăng ký thành công" in (await user.expect_message()).text
        pending = await scalar(app2, select(func.count()).select_from(InboxUpdate)
                               .where(InboxUpdate.status == "pending"))  # type: ignore[arg-type]
        assert pending == 0


async def test_webhook_checks_the_secret_and_handles_a_redelivery_once(
    tg: FakeTelegramServer, sqlite_url: str
) -> None:
    port = free_port()
    settings = make_settings(
        sqlite_url, telegram_bot_token=TOKEN, telegram_api_base=tg.base_url,
        webhook_base_url=f"http://127.0.0.1:{port}", webhook_secret="s3cret-Token_1",
        webhook_listen=f"127.0.0.1:{port}",
    )
    async with running_bot(settings) as app:
        assert tg.webhook_url == f"http://127.0.0.1:{port}/telegram/webhook"
        url = tg.webhook_url
        body = {"update_id": 1, "message": {"message_id": 1, "date": 0,
                                             "chat": {"id": 9, "type": "private"},
                                             "from": {"id": 9, "is_bot": False, "first_name": "X"},
                                             "text": "/trogiup"}}
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=body,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
            missing = await client.post(url, json=body)
            garbage = await client.post(url, content=b"{not json",
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"})
        assert (wrong.status_code, missing.status_code, garbage.status_code) == (401, 401, 400)
        assert await scalar(app, select(func.count()).select_from(InboxUpdate)) == 0
        [code] = await codes_for(app, "PNV")
        user = tg.user(user_id=2003)
        update = await user.send_text(f"/start {code}")
        assert "Đăng ký thành công" in (await user.expect_message()).text
        tg.deliver_twice(update["update_id"])
        await tg.wait_updates_consumed()
        await user.send_text("/trogiup")
        assert "Đầu mối" in (await user.expect_message()).text
        assert len(user.messages) == 2
        assert await scalar(app, select(func.count()).select_from(InboxUpdate)) == 2


async def test_429_and_5xx_are_retried_and_the_reply_arrives(
    bot: App, tg: FakeTelegramServer
) -> None:
    user = tg.user(user_id=2004)
    tg.faults.add(method="sendMessage", kind="429", retry_after=1, times=1)
    tg.faults.add(method="sendMessage", kind="502", times=2)
    await user.send_text("/trogiup")
    msg = await user.expect_message(timeout=10)
    assert "chưa đăng ký" in msg.text
    assert len(user.messages) == 1
    await bot.pipeline.drain(5)
    sent = await scalar(bot, select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.status == "sent"))  # type: ignore[arg-type]
    assert sent == 1


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    bot: App, tg: FakeTelegramServer
) -> None:
    [code] = await codes_for(bot, "PNV")
    user = tg.user(user_id=2005)
    await user.send_text(f"/start {code}")
    await user.expect_message()
    fault = tg.faults.add(method="sendMessage", kind="403", times=1)
    await user.send_text("/trogiup")
    await tg.wait_for(lambda: fault.hits == 1)
    await bot.pipeline.drain(5)
    assert await scalar(bot, select(ChatIdentity.active)) is False  # type: ignore[arg-type]
    status = await scalar(bot, select(OutboxMessage.status).order_by(
        OutboxMessage.id.desc()).limit(1))  # type: ignore[union-attr]
    assert status == "unreachable"
