"""What only Zalo needs: 2000-character pieces, choices as numbered lines, its webhook."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.app import App
from core.messages import Choice, Reply
from storage.models import InboxUpdate, OutboxMessage
from storage.queries import pipeline as q
from tests.e2e.messengers import ChatUser, Messenger, ZaloMessenger, count, values
from tests.harness import codes_for, running_bot

pytestmark = pytest.mark.parametrize("messenger", ["zalo"], indirect=True)

ZALO_LIMIT = 2000
SECRET_HEADER = "X-Bot-Api-Secret-Token"
HOOK_SECRET = "zalo-hook-S3cret"
NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def zalo_of(messenger: Messenger) -> ZaloMessenger:
    assert isinstance(messenger, ZaloMessenger)
    return messenger


async def register(app: App, user: ChatUser) -> None:
    [code] = await codes_for(app, "PNV")
    await user.send_text(f"/start {code}")
    assert "Đăng ký thành công" in await user.expect_message()


def squash(text: str) -> str:
    return " ".join(text.split())


async def test_a_long_reply_arrives_in_pieces_of_at_most_2000_characters(
    bot: App, messenger: Messenger
) -> None:
    user = messenger.user(1, "Lan")
    paragraphs = [
        f"Đoạn {i}: " + " ".join(f"chỉ tiêu số {i}.{j} đã hoàn thành" for j in range(40))
        for i in range(1, 6)
    ]
    text = "\n\n".join(paragraphs)
    reply = Reply(text, (Choice("Xác nhận gửi", "ok"), Choice("Để sau", "later")))
    async with bot.db.transaction() as conn:  # queued as a handler's reply would be
        out = await q.enqueue_replies(
            conn,
            channel="zalo",
            chat_id=user.chat_id,
            payloads=[reply.to_json()],
            inbox_id=None,
            now=bot.services.clock(),
        )
    await bot.pipeline.deliver(out)
    await bot.pipeline.drain(5)  # and recorded as sent
    pieces = user.messages
    assert len(pieces) >= 3
    assert all(0 < len(p) <= ZALO_LIMIT for p in pieces)
    assert squash(" ".join(pieces)) == squash(text + "\n\n1. Xác nhận gửi\n2. Để sau")
    assert pieces[-1].endswith("1. Xác nhận gửi\n2. Để sau")  # the options come last
    assert pieces[0].startswith("Đoạn 1:")
    assert all(p.startswith("Đoạn") for p in pieces[:-1])  # cut between paragraphs
    assert await values(bot, OutboxMessage, "status") == [("sent",)]


async def test_choices_arrive_as_numbered_lines_and_a_number_picks_one(
    bot: App, messenger: Messenger
) -> None:
    # Two people of the same unit and name: one picks "1", the other types its command.
    picker, typist = messenger.user(2, "Lan"), messenger.user(3, "Lan")
    for user in (picker, typist):
        await register(bot, user)
    await typist.send_text("/trogiup")
    help_ = await typist.expect_message()
    commands = {desc: name for name, desc in re.findall(r"^/(\w+) – (.+)$", help_, re.MULTILINE)}
    await picker.send_text("xin chào")
    menu = await picker.expect_message()
    assert "chưa hiểu" in menu
    options = NUMBERED.findall(menu)
    assert [int(n) for n, _ in options] == list(range(1, len(options) + 1))
    assert options, menu
    assert all(label in commands for _, label in options)  # each option is a command
    first = commands[options[0][1]]

    await picker.send_text("1")
    picked = await picker.expect_message()
    await typist.send_text(f"/{first}")
    typed = await typist.expect_message()
    assert "chưa hiểu" not in picked
    assert CODE.sub("CODE", picked) == CODE.sub("CODE", typed)


# -- webhook mode -------------------------------------------------------------------------------


@pytest.fixture
async def hook_bot(messenger: Messenger, sqlite_url: str) -> AsyncIterator[App]:
    port = free_port()
    settings = messenger.settings_for(
        sqlite_url,
        webhook_base_url=f"http://127.0.0.1:{port}",
        webhook_secret=HOOK_SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    async with running_bot(settings) as app:
        assert zalo_of(messenger).server.webhook_url == f"http://127.0.0.1:{port}/zalo/webhook"
        yield app


async def delivered(messenger: Messenger, n: int) -> None:
    """Until the fake server has had `n` webhook POSTs answered 2xx (each stored first)."""
    server = zalo_of(messenger).server
    await server.wait_for(lambda: len(server.webhook_delivered) >= n)


async def test_webhook_refuses_a_wrong_or_missing_secret(
    hook_bot: App, messenger: Messenger
) -> None:
    server = zalo_of(messenger).server
    url = server.webhook_url
    assert url is not None
    user = messenger.user(4)
    body = {
        "ok": True,
        "result": {
            "event_name": "message.text.received",
            "message": {
                "message_id": "a1b2c3d4e5f6a7b8c9d0",
                "date": 1766619597466,
                "chat": {"id": user.chat_id, "chat_type": "PRIVATE"},
                "from": {"id": user.id, "display_name": "X", "is_bot": False},
                "text": "/trogiup",
            },
        },
    }
    async with httpx.AsyncClient() as client:
        wrong = await client.post(url, json=body, headers={SECRET_HEADER: "not-the-secret"})
        missing = await client.post(url, json=body)
        telegrams = await client.post(
            url, json=body, headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET}
        )
        garbage = await client.post(url, content=b"{not json", headers={SECRET_HEADER: HOOK_SECRET})
    assert [r.status_code for r in (wrong, missing, telegrams, garbage)] == [401, 401, 401, 400]
    assert await count(hook_bot, InboxUpdate) == 0
    await user.expect_no_message()
    # The same body with the secret is taken.
    async with httpx.AsyncClient() as client:
        right = await client.post(url, json=body, headers={SECRET_HEADER: HOOK_SECRET})
    assert right.status_code == 200
    assert "chưa đăng ký" in await user.expect_message()
    assert await count(hook_bot, InboxUpdate) == 1


@pytest.mark.parametrize("shape", ["wrapped", "bare"])
async def test_webhook_handles_both_update_shapes(
    hook_bot: App, messenger: Messenger, shape: str
) -> None:
    server = zalo_of(messenger).server
    server.webhook_shape = shape  # type: ignore[assignment]
    user = messenger.user(5, "Mai")
    await register(hook_bot, user)
    await user.send_text("/trogiup")
    assert "Anh/Chị là Mai" in await user.expect_message()
    assert [a.status for a in server.webhook_attempts] == [200, 200]
    assert await count(hook_bot, InboxUpdate, InboxUpdate.status == "done") == 2


async def test_webhook_redelivery_is_handled_once(hook_bot: App, messenger: Messenger) -> None:
    user = messenger.user(6)
    await register(hook_bot, user)
    user.redeliver_last()
    await delivered(messenger, 2)  # answered 200: seen and dropped
    await hook_bot.pipeline.drain(5)
    await user.send_text("/trogiup")
    assert "Đầu mối" in await user.expect_message()  # not a second welcome
    await delivered(messenger, 3)
    await hook_bot.pipeline.drain(5)
    assert len(user.messages) == 2
    assert await count(hook_bot, InboxUpdate) == 2
    assert await values(hook_bot, OutboxMessage, "status") == [("sent",), ("sent",)]
