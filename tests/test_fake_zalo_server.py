"""The fake Zalo Bot API server, driven through the real client over loopback HTTP."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections import deque
from collections.abc import AsyncIterator, Iterable
from typing import Any, Self

import httpx
import pytest
from aiohttp import web

from bot.channels.zalo_api import (
    ZaloAPIError,
    ZaloBotAPI,
    ZaloConnectionError,
    ZaloForbiddenError,
    ZaloRateLimitError,
    ZaloUnauthorizedError,
    parse_update,
)
from tests.fakes.zalo_server import SECRET_HEADER, FakeZaloServer, new_zalo_id

TOKEN = "1234:secret"
USER_ID = "e4ea2cd5189df1c3a88c"
HOOK_SECRET = "hook-secret-123"
# Building an SSL context costs ~40 ms; every client here shares one (loopback is plain HTTP).
SSL_CONTEXT = ssl.create_default_context()


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloServer]:
    async with FakeZaloServer(token=TOKEN) as server:
        yield server


@pytest.fixture
async def api(server: FakeZaloServer) -> AsyncIterator[ZaloBotAPI]:
    async with (
        httpx.AsyncClient(verify=SSL_CONTEXT) as client,
        ZaloBotAPI(TOKEN, client=client, base_url=server.base_url, backoff=0.0) as api,
    ):
        yield api


@pytest.fixture
async def raw(server: FakeZaloServer) -> AsyncIterator[httpx.AsyncClient]:
    """A plain HTTP client, for requests the real client refuses to make."""
    base_url = f"{server.base_url}/bot{TOKEN}"
    async with httpx.AsyncClient(base_url=base_url, timeout=5, verify=SSL_CONTEXT) as client:
        yield client


class WebhookReceiver:
    """A bot-side webhook endpoint on loopback that answers the given statuses, then 200."""

    def __init__(self, statuses: Iterable[int] = ()) -> None:
        self.statuses = deque(statuses)
        self.requests: list[tuple[str | None, Any]] = []
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        self.requests.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(status=self.statuses.popleft() if self.statuses else 200)

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/zalo/webhook", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}/zalo/webhook"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


# -- basics ------------------------------------------------------------------------------------


async def test_get_me_describes_the_bot(api: ZaloBotAPI) -> None:
    me = await api.get_me()
    assert me == {
        "id": "1234",
        "account_name": "bot.1234",
        "account_type": "BASIC",
        "can_join_groups": False,
    }


async def test_a_wrong_token_gets_401(server: FakeZaloServer) -> None:
    async with httpx.AsyncClient(verify=SSL_CONTEXT) as client:
        wrong = ZaloBotAPI("1234:wrong", client=client, base_url=server.base_url)
        with pytest.raises(ZaloUnauthorizedError):
            await wrong.get_me()
        response = await client.get(f"{server.base_url}/bot1234:wrong/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_get_requests_work_too(raw: httpx.AsyncClient) -> None:
    assert (await raw.get("/getMe")).json()["result"]["id"] == "1234"
    answer = (await raw.get("/getUpdates", params={"timeout": "0"})).json()
    assert answer == {"ok": False, "error_code": 408, "description": "Request timeout"}


@pytest.mark.parametrize(
    "method", ["editMessageText", "answerCallbackQuery", "sendDocument", "setMyCommands"]
)
async def test_methods_zalo_lacks_get_404(raw: httpx.AsyncClient, method: str) -> None:
    response = await raw.post(f"/{method}", json={"chat_id": USER_ID, "text": "x"})
    assert response.status_code == 404
    assert response.json()["ok"] is False
    assert response.json()["error_code"] == 404


# -- updates -----------------------------------------------------------------------------------


async def test_updates_look_like_the_documented_example(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user(USER_ID, display_name="Nguyễn Văn A")
    sent = await user.send_text("Xin chào")
    update = await api.get_updates(timeout=1)
    assert update == sent
    message = update["message"]
    assert update["event_name"] == "message.text.received"
    assert set(message) == {"message_id", "date", "chat", "from", "text"}
    assert isinstance(message["message_id"], str)
    assert len(message["message_id"]) == 20
    assert message["date"] > 1_600_000_000_000  # milliseconds
    assert message["chat"] == {"id": USER_ID, "chat_type": "PRIVATE"}
    assert message["from"] == {"id": USER_ID, "display_name": "Nguyễn Văn A", "is_bot": False}
    assert message["text"] == "Xin chào"


async def test_other_kinds_of_user_message(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    user = server.user()
    await user.send_image("https://cdn.example.vn/anh.jpg", caption="Ảnh hiện trường")
    await user.send_sticker()
    await user.send_unsupported()
    updates = [await api.get_updates(timeout=1) for _ in range(3)]
    assert [u["event_name"] for u in updates if u] == [
        "message.image.received",
        "message.sticker.received",
        "message.unsupported.received",
    ]
    image = updates[0]
    assert image is not None
    assert image["message"]["photo_url"] == "https://cdn.example.vn/anh.jpg"
    assert image["message"]["caption"] == "Ảnh hiện trường"


async def test_a_long_poll_wakes_up_as_soon_as_the_user_writes(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    poll = asyncio.create_task(api.get_updates(timeout=20))
    await server.wait_for(lambda: server.waiting_pollers == 1)
    started = asyncio.get_running_loop().time()
    await user.send_text("1")
    update = await asyncio.wait_for(poll, timeout=5)
    assert update is not None
    assert update["message"]["text"] == "1"
    assert asyncio.get_running_loop().time() - started < 2


async def test_an_empty_long_poll_waits_then_returns_none(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await api.get_updates(timeout=1) is None
    assert loop.time() - started >= 0.9
    server.poll_timeout_shape = "null"
    assert await api.get_updates(timeout=0) is None


async def test_each_call_hands_out_one_update_once(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    user = server.user()
    for text in ("một", "hai", "ba"):
        await user.send_text(text)
    texts = []
    for _ in range(3):
        update = await api.get_updates(timeout=1)
        assert update is not None
        texts.append(update["message"]["text"])
    assert texts == ["một", "hai", "ba"]
    assert await api.get_updates(timeout=0) is None


async def test_duplicates_are_handed_out_on_demand(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    user = server.user()
    sent = await user.send_text("báo cáo", duplicate=True)
    message_id = sent["message"]["message_id"]
    first, second = await api.get_updates(timeout=1), await api.get_updates(timeout=1)
    assert first == second == sent
    server.redeliver(message_id)
    again = await api.get_updates(timeout=1)
    assert again is not None
    assert again["message"]["message_id"] == message_id
    assert await api.get_updates(timeout=0) is None


async def test_get_updates_fails_while_a_webhook_is_set(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    await api.set_webhook("https://bot.example.gov.vn/zalo/webhook", HOOK_SECRET)
    with pytest.raises(ZaloAPIError) as caught:
        await api.get_updates(timeout=0)
    assert caught.value.error_code == 409


# -- webhook -----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["wrapped", "bare"])
async def test_webhook_posts_each_update_with_the_secret(
    server: FakeZaloServer, api: ZaloBotAPI, shape: Any
) -> None:
    server.webhook_shape = shape
    user = server.user(USER_ID, display_name="Trần Thị B")
    async with WebhookReceiver() as receiver:
        info = await api.set_webhook(receiver.url, HOOK_SECRET)
        assert info["url"] == receiver.url
        assert (await api.get_webhook_info())["url"] == receiver.url
        sent = [await user.send_text(text) for text in ("một", "hai", "ba")]
        await server.wait_for(lambda: len(server.webhook_delivered) == 3)
    assert [secret for secret, _ in receiver.requests] == [HOOK_SECRET] * 3
    bodies = [body for _, body in receiver.requests]
    if shape == "wrapped":
        assert bodies == [{"ok": True, "result": update} for update in sent]
    else:
        assert bodies == sent
    assert [parse_update(body) for body in bodies] == sent


async def test_webhook_retries_until_the_bot_answers_2xx(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    async with WebhookReceiver(statuses=[500, 503, 401]) as receiver:
        await api.set_webhook(receiver.url, HOOK_SECRET)
        first = await user.send_text("một")
        second = await user.send_text("hai")
        await server.wait_for(lambda: len(server.webhook_delivered) == 2)
    assert [a.status for a in server.webhook_attempts] == [500, 503, 401, 200, 200]
    # Per chat, order is kept: "hai" waits until "một" is through.
    assert [body["result"] for _, body in receiver.requests] == [first] * 4 + [second]


async def test_updates_queued_before_set_webhook_are_posted_and_delete_returns_to_polling(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    queued = await user.send_text("trước webhook")
    async with WebhookReceiver() as receiver:
        await api.set_webhook(receiver.url, HOOK_SECRET)
        await server.wait_for(lambda: len(server.webhook_delivered) == 1)
    assert receiver.requests[0][1]["result"] == queued
    assert (await api.delete_webhook())["url"] == ""
    assert (await api.get_webhook_info())["url"] == ""
    later = await user.send_text("sau webhook")
    assert await api.get_updates(timeout=1) == later


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("https://bot.example.gov.vn/hook", "short"),
        ("https://bot.example.gov.vn/hook", "s" * 257),
        ("http://bot.example.gov.vn/hook", "s" * 16),
        ("not a url", "s" * 16),
    ],
)
async def test_set_webhook_validates_url_and_secret(
    raw: httpx.AsyncClient, url: str, secret: str
) -> None:
    response = await raw.post("/setWebhook", json={"url": url, "secret_token": secret})
    assert response.status_code == 400
    assert response.json()["error_code"] == 400


# -- sending -----------------------------------------------------------------------------------


async def test_sent_messages_are_recorded_per_chat(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    user = server.user(USER_ID)
    other = server.user()
    answer = await api.send_message(USER_ID, "Chào anh")
    await api.send_photo(USER_ID, "https://cdn.example.vn/bieu-do.png", caption="Tiến độ")
    await api.send_message(other.id, "Chào chị")
    assert await api.send_chat_action(USER_ID) is True
    text = await user.expect_message()
    assert (text.method, text.text, text.message_id) == (
        "sendMessage",
        "Chào anh",
        answer["message_id"],
    )
    photo = await user.expect_message()
    assert (photo.method, photo.photo, photo.caption) == (
        "sendPhoto",
        "https://cdn.example.vn/bieu-do.png",
        "Tiến độ",
    )
    assert [m.text for m in other.messages] == ["Chào chị"]
    assert len(server.sent) == 3
    assert server.sent_by_chat[USER_ID] == user.messages == [text, photo]
    assert user.chat_actions == ["typing"]


async def test_expect_message_waits_for_a_later_reply(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    waiting = asyncio.create_task(user.expect_message(contains="câu hỏi 2"))
    await api.send_message(user.id, "câu hỏi 1")
    await api.send_message(user.id, "câu hỏi 2")
    assert (await waiting).text == "câu hỏi 2"
    with pytest.raises(AssertionError, match="no message"):
        await user.expect_message(timeout=0.05)


async def test_expect_no_message_notices_a_reply(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    user = server.user()
    check = asyncio.create_task(user.expect_no_message(within=5))
    await asyncio.sleep(0)  # the check runs up to its wait
    await api.send_message(user.id, "không mong đợi")
    with pytest.raises(AssertionError, match="unexpected"):
        await check


@pytest.mark.parametrize("text", ["", "a" * 2001])
async def test_text_outside_1_to_2000_characters_is_refused(
    server: FakeZaloServer, raw: httpx.AsyncClient, text: str
) -> None:
    server.user(USER_ID)
    response = await raw.post("/sendMessage", json={"chat_id": USER_ID, "text": text})
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert "2000" in response.json()["description"]
    assert server.sent == []


async def test_a_text_of_2000_characters_is_accepted(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    await api.send_message(user.id, "ơ" * 2000)
    assert len((await user.expect_message()).content) == 2000


async def test_a_caption_over_2000_characters_is_refused(
    server: FakeZaloServer, raw: httpx.AsyncClient
) -> None:
    server.user(USER_ID)
    body = {"chat_id": USER_ID, "photo": "https://cdn.example.vn/a.png", "caption": "c" * 2001}
    response = await raw.post("/sendPhoto", json=body)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "photo", [None, "", "anh.png", "ftp://cdn.example.vn/a.png", "file:///etc/passwd", 42]
)
async def test_a_photo_must_be_an_http_url(
    server: FakeZaloServer, raw: httpx.AsyncClient, photo: object
) -> None:
    server.user(USER_ID)
    body: dict[str, object] = {"chat_id": USER_ID, "caption": "Biểu đồ"}
    if photo is not None:
        body["photo"] = photo
    response = await raw.post("/sendPhoto", json=body)
    assert response.status_code == 400
    assert "photo" in response.json()["description"]
    assert server.sent == []


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
async def photos() -> AsyncIterator[str]:
    """A web server with one photo (/a.png), a page (/a.html), and nothing else (404)."""

    async def png(_request: web.Request) -> web.Response:
        return web.Response(body=PNG, content_type="image/png")

    async def html(_request: web.Request) -> web.Response:
        return web.Response(text="<p>không phải ảnh</p>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/a.png", png)
    app.router.add_get("/a.html", html)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


async def test_fetch_photos_records_what_the_url_gives_and_refuses_what_is_no_photo(
    server: FakeZaloServer, api: ZaloBotAPI, photos: str
) -> None:
    user = server.user(USER_ID)
    server.fetch_photos = True
    await api.send_photo(USER_ID, f"{photos}/a.png", caption="Biểu đồ")
    sent = await user.expect_message()
    assert (sent.photo_data, sent.photo_type, sent.caption) == (PNG, "image/png", "Biểu đồ")
    for missing in ("/a.html", "/khong-co.png"):
        with pytest.raises(ZaloAPIError) as refused:
            await api.send_photo(USER_ID, photos + missing)
        assert refused.value.error_code == 400
        assert "could not be downloaded" in refused.value.description
    assert len(server.sent) == 1


async def test_sticker_needs_an_id(server: FakeZaloServer, raw: httpx.AsyncClient) -> None:
    user = server.user(USER_ID)
    assert (await raw.post("/sendSticker", json={"chat_id": USER_ID})).status_code == 400
    ok = await raw.post("/sendSticker", json={"chat_id": USER_ID, "sticker": "abc"})
    assert ok.json()["ok"] is True
    assert (await user.expect_message()).sticker == "abc"


async def test_an_unknown_chat_gets_400(api: ZaloBotAPI) -> None:
    with pytest.raises(ZaloAPIError) as caught:
        await api.send_message(new_zalo_id(), "xin chào")
    assert caught.value.error_code == 400
    assert "chat not found" in caught.value.description


async def test_a_blocked_chat_gets_403(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    user = server.user()
    server.block(user.id)
    with pytest.raises(ZaloForbiddenError):
        await api.send_message(user.id, "xin chào")
    server.unblock(user.id)
    await api.send_message(user.id, "xin chào")
    assert len(user.messages) == 1


# -- faults ------------------------------------------------------------------------------------


async def test_a_429_fault_is_not_retried_and_carries_retry_after(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    server.faults.add(method="sendMessage", kind="429", times=1, retry_after=3)
    with pytest.raises(ZaloRateLimitError) as caught:
        await api.send_message(user.id, "xin chào")
    assert caught.value.retry_after == 3
    assert server.calls["sendMessage"] == 1
    await api.send_message(user.id, "xin chào")  # the fault was used up
    assert len(user.messages) == 1


async def test_500_faults_are_retried_for_reads_only(
    server: FakeZaloServer, api: ZaloBotAPI
) -> None:
    user = server.user()
    server.faults.add(method="getMe", kind="500", times=2)
    assert (await api.get_me())["id"] == "1234"
    assert server.calls["getMe"] == 3
    server.faults.add(method="sendMessage", kind="500")
    with pytest.raises(ZaloAPIError) as caught:
        await api.send_message(user.id, "xin chào")
    assert caught.value.error_code == 500
    assert server.calls["sendMessage"] == 1
    assert user.messages == []


async def test_a_403_fault_for_one_chat(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    blocked, fine = server.user(), server.user()
    server.faults.add(method="sendMessage", kind="403", times=None, chat_id=blocked.id)
    await api.send_message(fine.id, "ok")
    for _ in range(2):
        with pytest.raises(ZaloForbiddenError):
            await api.send_message(blocked.id, "không tới")
    assert [len(blocked.messages), len(fine.messages)] == [0, 1]
    assert len(server.faults) == 1


async def test_a_slow_send_times_out_without_a_retry_yet_arrives(
    server: FakeZaloServer,
) -> None:
    user = server.user()
    server.faults.add(method="sendMessage", kind="slow", delay=0.3)
    async with httpx.AsyncClient(verify=SSL_CONTEXT) as client:
        api = ZaloBotAPI(TOKEN, client=client, base_url=server.base_url, timeout=0.1, backoff=0)
        with pytest.raises(ZaloConnectionError):
            await api.send_message(user.id, "chậm")
    # Exactly why sends are not retried after a read timeout: the server got it anyway.
    assert (await user.expect_message(timeout=2)).text == "chậm"
    assert server.calls["sendMessage"] == 1


# -- rates and load ----------------------------------------------------------------------------


async def test_rate_violations_are_counted_per_chat_and_globally() -> None:
    now = [100.0]
    async with (
        FakeZaloServer(
            token=TOKEN, global_rate_limit=5, chat_burst=3, clock=lambda: now[0]
        ) as server,
        httpx.AsyncClient(verify=SSL_CONTEXT) as client,
    ):
        api = ZaloBotAPI(TOKEN, client=client, base_url=server.base_url)
        busy, quiet = server.user(), server.user()
        for _ in range(5):
            await api.send_message(busy.id, "nhắc")  # burst of 3, then 2 too fast
        await api.send_message(quiet.id, "nhắc")  # 6th within the second: over the global 5
        now[0] += 1.0
        await api.send_message(busy.id, "nhắc")  # a second later: within both budgets
    assert server.rate_violations.per_chat == {busy.id: 2}
    assert server.rate_violations.global_count == 1
    assert server.rate_violations.total == 3


async def test_many_users_and_messages_at_once(server: FakeZaloServer, api: ZaloBotAPI) -> None:
    users = [server.user() for _ in range(200)]
    # Few requests in flight: one httpx pool slows down sharply with hundreds at once.
    in_flight = asyncio.Semaphore(8)

    async def converse(index: int) -> None:
        user = users[index]
        await user.send_text(f"báo cáo {index}")
        async with in_flight:
            for n in range(3):
                await api.send_message(user.id, f"{index}/{n}")

    await asyncio.gather(*(converse(i) for i in range(len(users))))
    received = [await api.get_updates(timeout=1) for _ in users]
    assert len({u["message"]["message_id"] for u in received if u}) == 200
    assert len(server.sent) == 600
    assert server.pending_updates == 0
    assert all(
        [m.text for m in u.messages] == [f"{i}/{n}" for n in range(3)] for i, u in enumerate(users)
    )
