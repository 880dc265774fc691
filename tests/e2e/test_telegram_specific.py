"""What only Telegram has: the command menu, deep links, inline buttons, its webhook."""

from __future__ import annotations

import re
import socket

import httpx
import pytest

from bot.app import App
from storage.models import ChatIdentity, InboxUpdate, OutboxMessage
from tests.e2e.messengers import Messenger, TelegramChatUser, TelegramMessenger, count, values
from tests.fakes.telegram_server import FakeTelegramServer
from tests.harness import codes_for, running_bot

pytestmark = pytest.mark.parametrize("messenger", ["telegram"], indirect=True)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HOOK_SECRET = "s3cret-Token_1"
CALLBACK_DATA_LIMIT = 64  # bytes
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tg(messenger: Messenger) -> FakeTelegramServer:
    assert isinstance(messenger, TelegramMessenger)
    return messenger.server


def tg_user(messenger: Messenger, n: int, name: str = "Người dùng") -> TelegramChatUser:
    user = messenger.user(n, name)
    assert isinstance(user, TelegramChatUser)
    return user


async def register(app: App, user: TelegramChatUser) -> None:
    [code] = await codes_for(app, "PNV")
    await user.send_text(f"/start {code}")
    assert "Đăng ký thành công" in await user.expect_message()


async def test_command_menu_is_set_in_vietnamese(bot: App, messenger: Messenger) -> None:
    server = tg(messenger)
    for lang in ("", "vi"):
        descriptions = {c["command"]: c["description"] for c in server.commands[("default", lang)]}
        assert {"start", "trogiup", "huy", "lienket"} <= set(descriptions)
        assert descriptions["trogiup"] == "Hướng dẫn và vai trò của tôi"
        assert descriptions["start"] == "Bắt đầu, đăng ký bằng mã"
        assert descriptions["lienket"] == "Liên kết thêm tài khoản Zalo hoặc Telegram"


async def test_deep_link_payload_registers(bot: App, messenger: Messenger) -> None:
    [by_link, by_menu] = await codes_for(bot, "PNV", role="head", count=2)
    hung, lan = tg_user(messenger, 1, "Hùng"), tg_user(messenger, 2, "Lan")
    # Opening t.me/<bot>?start=CODE makes the app send "/start CODE" (a bot_command entity).
    await hung.send_text(f"/start {by_link}")
    assert "Thủ trưởng đơn vị" in await hung.expect_message()
    # A command may come addressed to the bot by name.
    await lan.raw.send_text(f"/start@{tg(messenger).bot_username} {by_menu}")
    assert "Thủ trưởng đơn vị" in await lan.expect_message()
    assert sorted(await values(bot, ChatIdentity, "external_id")) == [(hung.id,), (lan.id,)]
    assert bot.services.bot_username == tg(messenger).bot_username  # what deep links name


async def test_choices_come_with_inline_buttons_that_work_like_typing(
    bot: App, messenger: Messenger
) -> None:
    presser, typist = tg_user(messenger, 3, "Lan"), tg_user(messenger, 4, "Lan")
    for user in (presser, typist):
        await register(bot, user)
        await user.send_text("xin chào")
    menu = await presser.raw.expect_message()
    await typist.expect_message()
    options = NUMBERED.findall(menu.text or "")
    assert options, menu.text
    assert menu.keyboard_kind == "inline"
    buttons = menu.buttons
    assert [text for text, _ in buttons] == [f"{n}. {label}"[:64] for n, label in options]
    assert all(
        data is not None and 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT for _, data in buttons
    )
    first_data = buttons[0][1]
    assert first_data is not None

    press = await presser.raw.press_button(menu, first_data)
    pressed = await presser.expect_message()
    await presser.raw.expect_callback_answer(press)  # the button stops spinning
    await typist.send_text("1")
    typed = await typist.expect_message()
    assert "chưa hiểu" not in pressed
    assert CODE.sub("CODE", pressed) == CODE.sub("CODE", typed)
    await bot.pipeline.drain(5)
    assert await count(bot, InboxUpdate, InboxUpdate.status == "done") == 6


async def test_webhook_checks_the_secret_and_handles_a_redelivery_once(
    messenger: Messenger, sqlite_url: str
) -> None:
    server = tg(messenger)
    port = free_port()
    settings = messenger.settings_for(
        sqlite_url,
        webhook_base_url=f"http://127.0.0.1:{port}",
        webhook_secret=HOOK_SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    async with running_bot(settings) as app:
        assert server.webhook_url == f"http://127.0.0.1:{port}/telegram/webhook"
        url = server.webhook_url
        body = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 9, "type": "private"},
                "from": {"id": 9, "is_bot": False, "first_name": "X"},
                "text": "/trogiup",
            },
        }
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=body, headers={SECRET_HEADER: "nope"})
            missing = await client.post(url, json=body)
            zalos = await client.post(
                url, json=body, headers={"X-Bot-Api-Secret-Token": HOOK_SECRET}
            )
            garbage = await client.post(
                url, content=b"{not json", headers={SECRET_HEADER: HOOK_SECRET}
            )
        statuses = [r.status_code for r in (wrong, missing, zalos, garbage)]
        assert statuses == [401, 401, 401, 400]
        assert await count(app, InboxUpdate) == 0
        user = tg_user(messenger, 5)
        await register(app, user)
        assert user.last_update is not None
        registration = user.last_update["update_id"]
        server.deliver_twice(registration)
        await server.wait_updates_consumed()  # the webhook answered 200 to the redelivery
        await app.pipeline.drain(5)
        await user.send_text("/trogiup")
        assert "Đầu mối" in await user.expect_message()
        await server.wait_updates_consumed()
        await app.pipeline.drain(5)
        assert len(user.messages) == 2
        assert await count(app, InboxUpdate) == 2
        assert await values(app, OutboxMessage, "status") == [("sent",), ("sent",)]
        assert server.delivery_counts[registration] == 2
