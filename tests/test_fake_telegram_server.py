"""The fake Telegram Bot API server, driven over loopback HTTP (httpx, aiohttp and aiogram)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp import web

from tests.fakes.telegram_server import (
    SPEC,
    ApiError,
    FakeTelegramServer,
    RateLimits,
    WaitTimeout,
    parse_entities,
    validate_object,
)

TOKEN = "123:ABC"
INLINE = {"inline_keyboard": [[{"text": "Có", "callback_data": "yes"}]]}


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(token=TOKEN, webhook_retry_delay=0.01) as s:
        yield s


@pytest.fixture
async def http(server: FakeTelegramServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{server.base_url}/bot{TOKEN}/", timeout=10) as c:
        yield c


async def call(http: httpx.AsyncClient, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """POST JSON; (HTTP status, body)."""
    r = await http.post(method, json=params)
    return r.status_code, r.json()


async def ok(http: httpx.AsyncClient, method: str, **params: Any) -> Any:
    status, body = await call(http, method, **params)
    assert status == 200, body
    assert body["ok"] is True
    return body["result"]


async def bad(http: httpx.AsyncClient, method: str, **params: Any) -> str:
    """The description of a 400 answer."""
    status, body = await call(http, method, **params)
    assert status == 400, body
    assert body["ok"] is False
    assert body["error_code"] == 400
    return str(body["description"])


# --- identity, routing, request encodings -----------------------------------------------------


async def test_get_me_identity_and_routing(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    me = (await http.get("getMe")).json()["result"]
    assert me["id"] == 123
    assert me["is_bot"] is True
    assert me["first_name"] == "Bot Thi đua CCHC"
    assert me["username"] == "thidua_test_bot"
    validate_object("User", me)

    async with httpx.AsyncClient(base_url=server.base_url) as raw:
        r = await raw.get("/bot999:WRONG/getMe")
        assert r.status_code == 401
        assert r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        r = await raw.post(f"/bot{TOKEN}/sendMesage", json={"chat_id": 1, "text": "x"})
        assert r.status_code == 404
        assert r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        r = await raw.get(f"/file/bot{TOKEN}/documents/nothing.pdf")
        assert r.status_code == 404
    assert (await http.get("getme")).json()["ok"] is True  # method names are case-insensitive


async def test_all_request_encodings_are_accepted(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    r = await http.get("sendMessage", params={"chat_id": "1001", "text": "qua GET"})
    assert r.json()["ok"], r.json()
    r = await http.post(
        "sendMessage",
        data={"chat_id": "1001", "text": "urlencoded", "reply_markup": json.dumps(INLINE)},
    )
    assert r.json()["ok"], r.json()
    r = await http.post(
        "sendMessage",
        data={"chat_id": "1001", "text": "multipart", "disable_notification": "true"},
        files={"unused": ("a.txt", b"x")},
    )
    assert r.json()["ok"], r.json()
    await ok(http, "sendMessage", chat_id=1001, text="json", reply_markup=INLINE)
    texts = [m.text for m in lan.messages]
    assert texts == ["qua GET", "urlencoded", "multipart", "json"]
    assert lan.messages[1].buttons == [("Có", "yes")]
    assert server.sent[0].params["chat_id"] == 1001  # numeric strings become Integers


# --- validation against the spec ----------------------------------------------------------------


async def test_required_parameters_and_text_limits(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    server.user(1001, "Lan")
    assert await bad(http, "sendMessage", text="hi") == "Bad Request: chat_id is empty"
    assert await bad(http, "sendMessage", chat_id=1001) == "Bad Request: message text is empty"
    assert (
        await bad(http, "sendMessage", chat_id=1001, text="")
        == "Bad Request: message text is empty"
    )
    assert (
        await bad(http, "sendMessage", chat_id=1001, text=" \n ")
        == "Bad Request: message text is empty"
    )
    assert (
        await bad(http, "sendMessage", chat_id=1001, text="x" * 4097)
        == "Bad Request: message is too long"
    )
    await ok(http, "sendMessage", chat_id=1001, text="ệ" * 4096)
    # the limit applies after entity parsing: tags do not count
    await ok(http, "sendMessage", chat_id=1001, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert await bad(http, "getFile") == "Bad Request: file_id is empty"
    assert await bad(http, "answerCallbackQuery") == "Bad Request: callback_query_id is empty"


async def test_caption_limit_on_multipart_upload(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    server.user(1001, "Lan")
    r = await http.post(
        "sendPhoto",
        data={"chat_id": "1001", "caption": "c" * 1025},
        files={"photo": ("a.jpg", b"\xff\xd8jpeg")},
    )
    assert r.status_code == 400
    assert r.json()["description"] == "Bad Request: message caption is too long"
    r = await http.post(
        "sendPhoto",
        data={"chat_id": "1001", "caption": "c" * 1024},
        files={"photo": ("a.jpg", b"\xff\xd8jpeg")},
    )
    assert r.json()["ok"], r.json()


async def test_wrong_types_and_unknown_parameters(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    server.user(1001, "Lan")
    d = await bad(http, "sendMessage", chat_id=1001, text="x", disable_notification="maybe")
    assert d == 'Bad Request: field "disable_notification" must be of type Boolean'
    d = await bad(http, "sendMessage", chat_id=[1001], text="x")
    assert d.startswith('Bad Request: field "chat_id" must be of type')
    d = await bad(http, "editMessageText", chat_id=1001, message_id="abc", text="x")
    assert d == 'Bad Request: field "message_id" must be of type Integer'
    d = await bad(http, "sendMessage", chat_id=1001, text="x", parse_mod="HTML")
    assert d == 'Bad Request: unknown parameter "parse_mod" for method sendMessage'
    d = await bad(
        http,
        "sendMessage",
        chat_id=1001,
        text="x",
        entities=[{"type": "bold", "offset": "a", "length": 1}],
    )
    assert d == 'Bad Request: field "entities[0].offset" must be of type Integer'
    d = await bad(http, "setMyCommands", commands=[{"command": "start"}])
    assert d == (
        'Bad Request: can\'t parse BotCommand: field "commands[0].description" is required'
    )
    d = await bad(
        http,
        "setMyCommands",
        commands=[{"command": "start", "description": "x"}],
        scope={"type": "nowhere"},
    )
    assert d.startswith(
        'Bad Request: can\'t parse BotCommandScope: field "scope.type" must be one of'
    )
    await ok(
        http,
        "setMyCommands",
        commands=[{"command": "start", "description": "x"}],
        scope={"type": "chat", "chat_id": "1001"},
    )


async def test_reply_markup_shapes(server: FakeTelegramServer, http: httpx.AsyncClient) -> None:
    server.user(1001, "Lan")

    async def send(markup: Any) -> httpx.Response:
        return await http.post(
            "sendMessage", data={"chat_id": "1001", "text": "x", "reply_markup": markup}
        )

    r = await send("{not json")
    assert r.json()["description"] == "Bad Request: can't parse reply keyboard markup JSON object"
    r = await send(json.dumps({"inline_keyboard": "x"}))
    assert (
        r.json()["description"]
        == 'Bad Request: field "reply_markup.inline_keyboard" must be an Array'
    )
    r = await send(
        json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "b", "colour": 1}]]})
    )
    assert r.status_code == 400
    assert "unknown field" in r.json()["description"]
    r = await send(json.dumps({"inline_keyboard": [[{"text": "chỉ có chữ"}]]}))
    assert "Text buttons are unallowed in the inline keyboard" in r.json()["description"]
    r = await send(json.dumps({"inline_keyboard": [[{"text": "a", "url": "không phải url"}]]}))
    assert r.json()["description"] == "Bad Request: BUTTON_URL_INVALID"
    for good in (
        {
            "keyboard": [[{"text": "Gửi số điện thoại", "request_contact": True}]],
            "resize_keyboard": True,
        },
        {"remove_keyboard": True},
        {"force_reply": True, "input_field_placeholder": "Nhập số"},
        INLINE,
    ):
        r = await send(json.dumps(good))
        assert r.json()["ok"], (good, r.json())
    kinds = [m.keyboard_kind for m in server.messages_to(1001)]
    assert kinds == ["reply", "remove", "force_reply", "inline"]
    assert server.messages_to(1001)[0].buttons == [("Gửi số điện thoại", None)]
    # only inline keyboards appear in the returned Message, as on the real server
    assert "reply_markup" not in server.messages_to(1001)[0].message
    assert server.messages_to(1001)[3].message["reply_markup"] == INLINE


@pytest.mark.parametrize(
    ("data", "valid"),
    [
        ("a" * 64, True),
        ("ệ" * 21, True),  # 63 bytes
        ("a" * 65, False),
        ("ệ" * 22, False),  # 22 characters but 66 bytes
        ("", False),
    ],
)
async def test_callback_data_is_1_to_64_bytes(
    server: FakeTelegramServer, http: httpx.AsyncClient, data: str, valid: bool
) -> None:
    server.user(1001, "Lan")
    markup = {
        "inline_keyboard": [
            [{"text": "ok", "callback_data": "x"}],
            [{"text": "b", "callback_data": data}],
        ]
    }
    status, body = await call(http, "sendMessage", chat_id=1001, text="x", reply_markup=markup)
    if valid:
        assert status == 200, body
    else:
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")
    # the same check inside editMessageReplyMarkup
    if valid:
        return
    msg = await ok(http, "sendMessage", chat_id=1001, text="y")
    d = await bad(
        http,
        "editMessageReplyMarkup",
        chat_id=1001,
        message_id=msg["message_id"],
        reply_markup=markup,
    )
    assert d == "Bad Request: BUTTON_DATA_INVALID"


async def test_entity_parsing(server: FakeTelegramServer, http: httpx.AsyncClient) -> None:
    server.user(1001, "Lan")
    d = await bad(http, "sendMessage", chat_id=1001, text="<div>x</div>", parse_mode="HTML")
    assert d == 'Bad Request: can\'t parse entities: Unsupported start tag "div" at byte offset 0'
    d = await bad(http, "sendMessage", chat_id=1001, text="Điểm < 5", parse_mode="HTML")
    assert d.startswith(
        'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset'
    )
    d = await bad(http, "sendMessage", chat_id=1001, text="<b>đậm", parse_mode="HTML")
    assert (
        d
        == "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\""
    )
    d = await bad(http, "sendMessage", chat_id=1001, text="Xong.", parse_mode="MarkdownV2")
    assert d == (
        "Bad Request: can't parse entities: "
        "Character '.' is reserved and must be escaped with the preceding '\\'"
    )
    d = await bad(http, "sendMessage", chat_id=1001, text="*đậm", parse_mode="MarkdownV2")
    assert d == "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0"
    d = await bad(http, "sendMessage", chat_id=1001, text="x", parse_mode="Plain")
    assert d == "Bad Request: unsupported parse_mode"
    msg = await ok(
        http,
        "sendMessage",
        chat_id=1001,
        text="<b>Báo cáo</b> &amp; <i>kế hoạch</i>",
        parse_mode="HTML",
    )
    assert msg["text"] == "Báo cáo & kế hoạch"
    assert msg["entities"] == [
        {"type": "bold", "offset": 0, "length": 7},
        {"type": "italic", "offset": 10, "length": 8},
    ]
    assert parse_entities("*Đạt* 100\\%\\.", "MarkdownV2") == (
        "Đạt 100%.",
        [{"type": "bold", "offset": 0, "length": 3}],
    )
    assert parse_entities("[link](https://x.vn/a\\)b) `c`", "MarkdownV2")[1] == [
        {"type": "text_link", "url": "https://x.vn/a)b", "offset": 0, "length": 4},
        {"type": "code", "offset": 5, "length": 1},
    ]
    assert parse_entities("😀 <b>x</b>", "HTML")[1] == [
        {"type": "bold", "offset": 3, "length": 1}
    ]  # UTF-16
    with pytest.raises(ApiError, match="Can't find end of the entity"):
        parse_entities("*open", "Markdown")


# --- users, updates, getUpdates ------------------------------------------------------------------


async def test_users_make_well_formed_updates(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan", last_name="Nguyễn", username="lan_ng")
    minh = server.user(1002, "Minh")
    u1 = await lan.send_text("/start ABC")
    u2 = await minh.send_command("baocao", "tuan 12")
    u3 = await lan.send_photo(b"\xff\xd8photo", caption="Ảnh minh chứng")
    u4 = await lan.send_document(b"%PDF-1.4", "bao_cao.pdf", "application/pdf")
    u5 = await minh.send_sticker()
    u6 = await minh.send_contact("+84901234567")
    ids = [u["update_id"] for u in (u1, u2, u3, u4, u5, u6)]
    assert ids == list(range(ids[0], ids[0] + 6))
    m1 = u1["message"]
    assert m1["chat"] == {
        "id": 1001,
        "type": "private",
        "username": "lan_ng",
        "first_name": "Lan",
        "last_name": "Nguyễn",
    }
    assert m1["from"]["id"] == 1001
    assert m1["from"]["is_bot"] is False
    assert m1["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert abs(m1["date"] - time.time()) < 5
    assert u2["message"]["text"] == "/baocao tuan 12"
    assert [u["message"]["message_id"] for u in (u1, u3, u4)] == [1, 2, 3]  # per chat
    assert [u["message"]["message_id"] for u in (u2, u5, u6)] == [1, 2, 3]
    assert "entities" not in u6["message"]

    got = await ok(http, "getUpdates")
    assert got == [u1, u2, u3, u4, u5, u6]
    for update in got:
        validate_object("Update", update)  # every field is one the spec defines, typed as it says

    f = await ok(http, "getFile", file_id=u4["message"]["document"]["file_id"])
    assert f["file_size"] == 8
    async with httpx.AsyncClient() as raw:
        assert (await raw.get(server.file_url(f["file_path"]))).content == b"%PDF-1.4"
        biggest = max(u3["message"]["photo"], key=lambda p: p["width"])
        path = (await ok(http, "getFile", file_id=biggest["file_id"]))["file_path"]
        assert (await raw.get(server.file_url(path))).content == b"\xff\xd8photo"


async def test_offset_confirms_updates_for_good(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    sent = [await lan.send_text(f"tin {i}") for i in range(5)]
    ids = [u["update_id"] for u in sent]
    assert [u["update_id"] for u in await ok(http, "getUpdates", limit=2)] == ids[:2]
    assert [u["update_id"] for u in await ok(http, "getUpdates")] == ids  # nothing confirmed yet
    assert [u["update_id"] for u in await ok(http, "getUpdates", offset=ids[2])] == ids[2:]
    # confirmed updates are gone forever, even without an offset
    assert [u["update_id"] for u in await ok(http, "getUpdates")] == ids[2:]
    assert [u["update_id"] for u in await ok(http, "getUpdates", offset=-1)] == ids[-1:]
    assert await ok(http, "getUpdates", offset=ids[-1] + 1) == []
    assert server.pending_update_count == 0
    await server.wait_updates_consumed(timeout=0.1)


async def test_long_poll_wakes_on_update_and_times_out(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    start = time.monotonic()
    assert await ok(http, "getUpdates", timeout=1) == []
    assert 0.9 < time.monotonic() - start < 2

    poll = asyncio.create_task(ok(http, "getUpdates", timeout=30, allowed_updates=["message"]))
    await server.wait_for(lambda: server.long_polling)
    start = time.monotonic()
    update = await lan.send_text("dậy đi")
    result = await asyncio.wait_for(poll, 2)
    assert result == [update]
    assert time.monotonic() - start < 0.5


async def test_overlapping_get_updates_conflict(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    first = asyncio.create_task(call(http, "getUpdates", timeout=30))
    await server.wait_for(lambda: server.long_polling)
    second = asyncio.create_task(call(http, "getUpdates", timeout=0))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409
    assert body == {
        "ok": False,
        "error_code": 409,
        "description": "Conflict: terminated by other getUpdates request; "
        "make sure that only one bot instance is running",
    }
    assert (await second)[0] == 200
    assert server.conflicts == 1


async def test_allowed_updates_filter_and_my_chat_member(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    msg = await ok(http, "sendMessage", chat_id=1001, text="Chọn", reply_markup=INLINE)
    await lan.block(notify=True)
    blocked = await ok(http, "getUpdates")
    assert blocked[0]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    validate_object("Update", blocked[0])
    await lan.unblock()
    await ok(http, "getUpdates", offset=blocked[-1]["update_id"] + 1, allowed_updates=["message"])
    press = await lan.press_button(lan.messages[0], "yes")  # dropped: not allowed
    text = await lan.send_text("hi")
    assert await ok(http, "getUpdates") == [text]
    assert server.dropped_updates == [press]
    assert msg["message_id"] == 1


# --- webhook -----------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint on loopback that fails the first `failures` POSTs."""

    def __init__(self, failures: int = 0, reply: dict[str, Any] | None = None) -> None:
        self.failures = failures
        self.reply = reply
        self.received: list[tuple[dict[str, Any], str | None]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append((body, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        if self.reply is not None:
            return web.json_response(self.reply)
        return web.Response(status=200)

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


async def test_webhook_secret_and_retry_until_2xx(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    early = await lan.send_text("trước khi có webhook")
    async with Receiver(failures=2) as hook:
        assert await ok(http, "setWebhook", url=hook.url, secret_token="bi-mat_123") is True
        later = await lan.send_text("sau")
        await server.wait_for(lambda: server.webhook_delivery_count == 2)
        # the first update failed twice (500), then got through; order kept within the chat
        assert [b["update_id"] for b, _ in hook.received] == [early["update_id"]] * 3 + [
            later["update_id"]
        ]
        assert {secret for _, secret in hook.received} == {"bi-mat_123"}
        assert [a.status for a in server.webhook_attempts] == [500, 500, 200, 200]
        assert server.delivery_counts[early["update_id"]] == 1
        info = await ok(http, "getWebhookInfo")
        assert info["url"] == hook.url
        assert info["pending_update_count"] == 0
        assert "500" in info["last_error_message"]
        status, body = await call(http, "getUpdates")
        assert status == 409
        assert body["description"].startswith(
            "Conflict: can't use getUpdates method while webhook is active"
        )
        assert await ok(http, "deleteWebhook") is True
    assert (await ok(http, "getWebhookInfo"))["url"] == ""
    assert await ok(http, "getUpdates") == []
    d = await bad(http, "setWebhook", url="http://example.com/hook")
    assert d == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    d = await bad(http, "setWebhook", url="https://example.com/hook", secret_token="có dấu")
    assert d == "Bad Request: secret token contains unallowed characters"


async def test_webhook_reply_method_is_executed_and_undelivered_updates_return(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    reply = {"method": "sendMessage", "chat_id": 1001, "text": "trả lời qua webhook"}
    async with Receiver(reply=reply) as hook:
        await ok(http, "setWebhook", url=hook.url)
        await lan.send_text("chào")
        assert (await lan.expect_message()).text == "trả lời qua webhook"
    # the receiver is gone: deliveries fail and stay pending; deleteWebhook hands them to getUpdates
    stuck = await lan.send_text("không ai nhận")
    await server.wait_for(
        lambda: any(a.update_id == stuck["update_id"] and a.error for a in server.webhook_attempts)
    )
    await ok(http, "deleteWebhook")
    assert await ok(http, "getUpdates") == [stuck]


async def test_duplicate_delivery_in_both_modes(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    u = await lan.send_text("một lần", duplicate=True)
    got = await ok(http, "getUpdates")
    assert got == [u, u]
    confirmed = await ok(http, "getUpdates", offset=u["update_id"] + 1)
    assert confirmed == []
    server.deliver_twice(u["update_id"])  # redelivered although confirmed
    assert await ok(http, "getUpdates", offset=u["update_id"] + 1) == [u]
    assert await ok(http, "getUpdates", offset=u["update_id"] + 1) == []
    assert server.delivery_counts[u["update_id"]] == 3

    async with Receiver() as hook:
        await ok(http, "setWebhook", url=hook.url)
        w = await lan.send_text("webhook", duplicate=True)
        await server.wait_for(lambda: server.delivery_counts.get(w["update_id"]) == 2)
        server.deliver_twice(w["update_id"])
        await server.wait_for(lambda: server.delivery_counts.get(w["update_id"]) == 3)
        assert [b["update_id"] for b, _ in hook.received] == [w["update_id"]] * 3
        await ok(http, "deleteWebhook")


# --- what the bot sends ------------------------------------------------------------------------


async def test_send_message_result_records_and_waits(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    waiting = asyncio.create_task(lan.expect_message(timeout=2, contains="Chọn"))
    msg = await ok(http, "sendMessage", chat_id=1001, text="Chọn đơn vị", reply_markup=INLINE)
    assert msg["from"] == {
        "id": 123,
        "is_bot": True,
        "first_name": "Bot Thi đua CCHC",
        "username": "thidua_test_bot",
    }
    assert msg["chat"]["id"] == 1001
    assert msg["text"] == "Chọn đơn vị"
    assert msg["reply_markup"] == INLINE
    validate_object("Message", msg)
    record = await waiting
    assert (record.text, record.message_id, record.buttons) == (
        "Chọn đơn vị",
        msg["message_id"],
        [("Có", "yes")],
    )
    assert record.reply_markup == INLINE
    assert server.messages_to(1001) == [record]
    assert server.texts_to(1001) == ["Chọn đơn vị"]
    call_ = server.sent[-1]
    assert (call_.method, call_.chat_id, call_.params["text"]) == (
        "sendMessage",
        1001,
        "Chọn đơn vị",
    )
    assert (await server.wait_for_call("sendMessage")).result == msg
    with pytest.raises(WaitTimeout, match="no new bot message"):
        await lan.expect_message(timeout=0.05)
    await lan.expect_no_message(within=0.05)
    await ok(http, "sendMessage", chat_id=1001, text="một")
    await ok(http, "sendMessage", chat_id=1001, text="hai")
    assert (await lan.expect_message(contains="hai")).text == "hai"  # "một" skipped
    assert lan.texts == ["Chọn đơn vị", "một", "hai"]


async def test_buttons_callbacks_edits_and_deletes(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    await ok(http, "sendMessage", chat_id=1001, text="Xác nhận?", reply_markup=INLINE)
    record = await lan.expect_message()
    with pytest.raises(ValueError, match="no button"):
        await lan.press_button(record, "no")
    press = await lan.press_button(record, text="Có")
    cq = press["callback_query"]
    assert (cq["data"], cq["from"]["id"], cq["message"]["message_id"]) == (
        "yes",
        1001,
        record.message_id,
    )
    validate_object("Update", press)
    assert (
        await ok(http, "answerCallbackQuery", callback_query_id=cq["id"], text="Đã ghi nhận")
        is True
    )
    assert (await lan.expect_callback_answer(press))["text"] == "Đã ghi nhận"
    d = await bad(http, "answerCallbackQuery", callback_query_id=cq["id"])
    assert d == "Bad Request: query is too old and response timeout expired or query ID is invalid"

    mid = record.message_id
    edited = await ok(
        http,
        "editMessageText",
        chat_id=1001,
        message_id=mid,
        text="Đã xác nhận",
        reply_markup=INLINE,
    )
    assert edited["text"] == "Đã xác nhận"
    assert "edit_date" in edited
    assert (await lan.expect_edit()).text == "Đã xác nhận"
    d = await bad(
        http,
        "editMessageText",
        chat_id=1001,
        message_id=mid,
        text="Đã xác nhận",
        reply_markup=INLINE,
    )
    assert d.startswith("Bad Request: message is not modified")
    # editing text without reply_markup removes the inline keyboard
    await ok(http, "editMessageText", chat_id=1001, message_id=mid, text="Xong")
    assert record.reply_markup is None
    assert record.buttons == []
    d = await bad(http, "editMessageReplyMarkup", chat_id=1001, message_id=mid)
    assert d.startswith("Bad Request: message is not modified")
    await ok(http, "editMessageReplyMarkup", chat_id=1001, message_id=mid, reply_markup=INLINE)
    assert record.buttons == [("Có", "yes")]
    assert record.edit_count == 3
    assert (
        await bad(http, "editMessageText", chat_id=1001, message_id=99, text="x")
        == "Bad Request: message to edit not found"
    )
    assert await ok(http, "deleteMessage", chat_id=1001, message_id=mid) is True
    assert record.deleted
    assert (
        await bad(http, "deleteMessage", chat_id=1001, message_id=mid)
        == "Bad Request: message to delete not found"
    )


async def test_documents_actions_commands_profile(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    lan = server.user(1001, "Lan")
    r = await http.post(
        "sendDocument",
        data={"chat_id": "1001", "caption": "Báo cáo", "document": "attach://f1"},
        files={"f1": ("bao_cao.xlsx", b"PK\x03\x04xlsx", "application/vnd.ms-excel")},
    )
    doc = r.json()["result"]["document"]
    assert doc["file_name"] == "bao_cao.xlsx"
    assert doc["file_size"] == 8
    record = await lan.expect_message()
    assert (record.kind, record.text, record.file and record.file.data) == (
        "document",
        "Báo cáo",
        b"PK\x03\x04xlsx",
    )
    resend = await ok(http, "sendDocument", chat_id=1001, document=doc["file_id"])  # by file_id
    assert resend["document"]["file_id"] == doc["file_id"]
    d = await bad(http, "sendDocument", chat_id=1001, document="không-có-file")
    assert d == "Bad Request: wrong file identifier/HTTP URL specified"
    d = await bad(http, "sendDocument", chat_id=1001, document="attach://missing")
    assert "not attached" in d
    assert await bad(http, "getFile", file_id="nope") == "Bad Request: invalid file_id"

    assert await ok(http, "sendChatAction", chat_id=1001, action="typing") is True
    assert server.chat(1001).actions == ["typing"]
    assert (
        await bad(http, "sendChatAction", chat_id=1001, action="dancing")
        == "Bad Request: wrong parameter action in request"
    )

    cmds = [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "baocao", "description": "Nộp báo cáo"},
    ]
    await ok(http, "setMyCommands", commands=cmds)
    await ok(http, "setMyCommands", commands=cmds[:1], language_code="vi")
    await ok(http, "setMyCommands", commands=cmds[1:], scope={"type": "chat", "chat_id": 1001})
    assert server.commands[("default", "")] == cmds
    assert server.commands[("default", "vi")] == cmds[:1]
    assert server.commands[("chat:1001", "")] == cmds[1:]
    assert await ok(http, "getMyCommands", language_code="vi") == cmds[:1]
    d = await bad(http, "setMyCommands", commands=[{"command": "/Start", "description": "x"}])
    assert d == "Bad Request: BOT_COMMAND_INVALID"
    await ok(http, "setMyDescription", description="Bot báo cáo thi đua", language_code="vi")
    assert await ok(http, "getMyDescription", language_code="vi") == {
        "description": "Bot báo cáo thi đua"
    }
    assert server.profile[("description", "vi")] == "Bot báo cáo thi đua"
    assert await ok(http, "setMyShortDescription", short_description="Thi đua CCHC") is True
    assert await ok(http, "close") is True


async def test_command_menus_per_scope_and_language(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    server.user(1001, "Lan")  # Vietnamese, like every fake user by default
    server.user(1002, "Minh")
    server.user(1003, "Ann", language_code="en")
    everyone = [{"command": "start", "description": "Bắt đầu"}]
    admins = [*everyone, {"command": "tonghop", "description": "Tổng hợp"}]
    vi = [{"command": "trogiup", "description": "Trợ giúp"}]
    await ok(http, "setMyCommands", commands=everyone)
    await ok(http, "setMyCommands", commands=vi, language_code="vi")
    chat = {"type": "chat", "chat_id": 1001}
    await ok(http, "setMyCommands", commands=admins, scope=chat)
    assert await ok(http, "getMyCommands", scope=chat) == admins
    assert await ok(http, "getMyCommands", scope=chat, language_code="vi") == []
    # What each person sees: the chat's own list first, whatever their language.
    assert server.menu(1001) == admins
    assert server.menu_names(1001, "en") == ["start", "tonghop"]
    assert server.menu(1002) == vi
    assert server.menu(1003) == everyone
    await ok(http, "setMyCommands", commands=everyone, scope={"type": "all_private_chats"})
    assert (server.menu(1001), server.menu(1002)) == (admins, everyone)

    assert await ok(http, "deleteMyCommands", scope=chat) is True
    assert await ok(http, "getMyCommands", scope=chat) == []
    assert ("chat:1001", "") not in server.commands
    assert server.menu(1001) == everyone
    assert await ok(http, "deleteMyCommands", scope=chat) is True  # nothing left: still fine

    for method, extra in (("setMyCommands", {"commands": everyone}), ("deleteMyCommands", {})):
        d = await bad(http, method, scope={"type": "chat", "chat_id": 555}, **extra)
        assert d == "Bad Request: chat not found"
    # A menu call's chat is its scope's: faults can target one person's menu.
    server.faults.add(method="setMyCommands", kind="502", chat_id=1002)
    await ok(http, "setMyCommands", commands=admins, scope=chat)
    status, body = await call(
        http, "setMyCommands", commands=admins, scope={"type": "chat", "chat_id": 1002}
    )
    assert (status, body["description"]) == (502, "Bad Gateway")
    assert [c.chat_id for c in server.calls if c.method == "setMyCommands"][-2:] == [1001, 1002]


async def test_unknown_blocked_and_unstarted_chats(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    assert await bad(http, "sendMessage", chat_id=555, text="x") == "Bad Request: chat not found"
    shy = server.user(2002, "Hà", started=False)
    status, body = await call(http, "sendMessage", chat_id=2002, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    await shy.send_text("/start")
    await ok(http, "sendMessage", chat_id=2002, text="x")
    server.block(2002)
    status, body = await call(http, "sendMessage", chat_id=2002, text="x")
    assert (status, body) == (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    server.unblock(2002)
    await ok(http, "sendMessage", chat_id=2002, text="x")


# --- faults and rate limits ----------------------------------------------------------------------


async def test_fault_kinds(server: FakeTelegramServer, http: httpx.AsyncClient) -> None:
    server.user(1001, "Lan")
    server.user(1002, "Minh")
    fault = server.faults.add(method="sendMessage", kind="429", retry_after=3, times=2)
    for _ in range(2):
        status, body = await call(http, "sendMessage", chat_id=1001, text="x")
        assert (status, body) == (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 3",
                "parameters": {"retry_after": 3},
            },
        )
    await ok(http, "sendMessage", chat_id=1001, text="x")
    assert fault.hits == 2
    assert len(server.faults) == 0

    server.faults.add(method="sendMessage", kind="500")
    server.faults.add(method="sendMessage", kind="502")
    assert await call(http, "sendMessage", chat_id=1001, text="x") == (
        500,
        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
    )
    assert (await call(http, "sendMessage", chat_id=1001, text="x"))[0] == 502
    server.faults.add(method="getMe", kind="502html")
    r = await http.get("getMe")
    assert (r.status_code, r.headers["content-type"].split(";")[0]) == (502, "text/html")

    server.faults.add(method="sendMessage", kind="403", chat_id=1002, times=None)
    await ok(http, "sendMessage", chat_id=1001, text="x")
    for _ in range(2):
        status, body = await call(http, "sendMessage", chat_id=1002, text="x")
        assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    server.faults.clear()

    server.faults.add(method="sendMessage", kind="400")
    assert await bad(http, "sendMessage", chat_id=1001, text="x") == "Bad Request: chat not found"

    server.faults.add(method="getMe", kind="slow", delay=0.3)
    start = time.monotonic()
    assert (await ok(http, "getMe"))["id"] == 123
    assert time.monotonic() - start >= 0.3

    server.faults.add(method="getMe", kind="disconnect")
    with pytest.raises(httpx.TransportError):
        await http.get("getMe")
    assert (await ok(http, "getMe"))["id"] == 123
    with pytest.raises(ValueError, match="unknown fault kind"):
        server.faults.add(method="getMe", kind="418")  # type: ignore[arg-type]
    failed = [c for c in server.calls if not c.ok]
    assert len(failed) == 9  # 429 x2, 500, 502, 502html, 403 x2, 400, disconnect


async def test_rate_violations_counted_and_enforced(
    http: httpx.AsyncClient, server: FakeTelegramServer
) -> None:
    server.user(1001, "Lan")
    for i in range(5):
        await ok(http, "sendMessage", chat_id=1001, text=f"{i}")
    chat_v = [v for v in server.rate_violations if v.scope == "chat"]
    assert [(v.chat_id, v.count) for v in chat_v] == [(1001, 4), (1001, 5)]  # burst of 3 tolerated
    for uid in range(2000, 2030):
        server.user(uid, "U")
        await ok(http, "sendMessage", chat_id=uid, text="x")
    global_v = [v for v in server.rate_violations if v.scope == "global"]
    assert len(global_v) == 5  # 35 messages within a second, 30 allowed
    assert server.rate_violations[-1].count == 35

    async with FakeTelegramServer(
        TOKEN, rate_limits=RateLimits(chat_limit=1, enforce=True)
    ) as strict:
        strict.user(3000, "V")
        url = strict.api_url("sendMessage")
        assert (await http.post(url, json={"chat_id": 3000, "text": "1"})).status_code == 200
        r = await http.post(url, json={"chat_id": 3000, "text": "2"})
        assert r.status_code == 429
        assert r.json()["parameters"]["retry_after"] == 1
        assert strict.texts_to(3000) == ["1"]
        assert len(strict.rate_violations) == 1


# --- a real aiogram Bot, and load ----------------------------------------------------------------


async def test_real_aiogram_bot(server: FakeTelegramServer) -> None:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
    from aiogram.types import (
        BotCommand,
        BotCommandScopeChat,
        BufferedInputFile,
        InlineKeyboardButton,
        InlineKeyboardMarkup,
    )

    lan = server.user(1001, "Lan")
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
    try:
        me = await bot.get_me()
        assert (me.id, me.username) == (123, "thidua_test_bot")
        kb = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Đồng ý", callback_data="ok:1")]]
        )
        sent = await bot.send_message(
            1001, "<b>Xin chào</b> Lan", parse_mode="HTML", reply_markup=kb
        )
        assert sent.text == "Xin chào Lan"
        record = await lan.expect_message()
        assert record.buttons == [("Đồng ý", "ok:1")]
        assert record.raw_text == "<b>Xin chào</b> Lan"

        update = await lan.send_text("/start ABC")
        await lan.press_button(record, "ok:1")
        updates = await bot.get_updates(timeout=1, allowed_updates=["message", "callback_query"])
        assert updates[0].update_id == update["update_id"]
        assert updates[0].message is not None
        assert updates[0].message.text == "/start ABC"
        assert updates[1].callback_query is not None
        assert updates[1].callback_query.data == "ok:1"
        assert await bot.answer_callback_query(updates[1].callback_query.id) is True

        doc = await bot.send_document(1001, BufferedInputFile(b"noi dung", "bc.txt"), caption="Tệp")
        assert doc.document is not None
        f = await bot.get_file(doc.document.file_id)
        assert f.file_path is not None
        assert (await bot.download_file(f.file_path)).read() == b"noi dung"  # type: ignore[union-attr]

        await bot.set_my_commands(
            [BotCommand(command="start", description="Bắt đầu")],
            scope=BotCommandScopeChat(chat_id=1001),
        )
        assert server.commands[("chat:1001", "")] == [
            {"command": "start", "description": "Bắt đầu"}
        ]

        with pytest.raises(TelegramBadRequest, match="message is too long"):
            await bot.send_message(1001, "x" * 5000)
        server.faults.add(method="sendMessage", kind="429", retry_after=2)
        with pytest.raises(TelegramRetryAfter) as retry:
            await bot.send_message(1001, "x")
        assert retry.value.retry_after == 2
        server.block(1001)
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(1001, "x")
    finally:
        await bot.session.close()


async def test_200_concurrent_users_are_answered(server: FakeTelegramServer) -> None:
    """A raw echo bot over aiohttp (getUpdates with offsets, one task per update)."""
    users = [server.user(5000 + i, f"Người {i}") for i in range(200)]
    stop = asyncio.Event()

    async def echo_bot() -> None:
        offset = 0
        async with aiohttp.ClientSession() as session:

            async def answer(update: dict[str, Any]) -> None:
                m = update["message"]
                async with session.post(
                    server.api_url("sendMessage"),
                    json={"chat_id": m["chat"]["id"], "text": "Đã nhận: " + m["text"]},
                ) as r:
                    assert r.status == 200, await r.text()

            tasks: set[asyncio.Task[None]] = set()
            while not stop.is_set():
                async with session.post(
                    server.api_url("getUpdates"), json={"offset": offset, "timeout": 1}
                ) as r:
                    updates = (await r.json())["result"]
                for u in updates:
                    offset = u["update_id"] + 1
                    task = asyncio.create_task(answer(u))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            await asyncio.gather(*tasks)

    bot = asyncio.create_task(echo_bot())
    start = time.monotonic()
    await asyncio.gather(*(u.send_text(f"báo cáo {u.id}") for u in users))
    replies = await asyncio.gather(*(u.expect_message(timeout=8) for u in users))
    elapsed = time.monotonic() - start
    stop.set()
    bot.cancel()  # it may be in a long poll
    with contextlib.suppress(asyncio.CancelledError):
        await bot
    assert [r.text for r in replies] == [f"Đã nhận: báo cáo {u.id}" for u in users]
    assert all(r.chat_id == u.id for r, u in zip(replies, users, strict=True))
    assert len(server.sent) == 200
    assert any(v.scope == "global" for v in server.rate_violations)  # 200 messages in ~1 s
    assert elapsed < 5


async def test_thousands_of_updates_per_second(
    server: FakeTelegramServer, http: httpx.AsyncClient
) -> None:
    users = [server.user(7000 + i, "U") for i in range(50)]
    start = time.monotonic()
    for _ in range(60):
        for u in users:
            await u.send_text("x")
    offset, seen = 0, 0
    while seen < 3000:
        batch = await ok(http, "getUpdates", offset=offset)
        seen += len(batch)
        offset = batch[-1]["update_id"] + 1
    await ok(http, "getUpdates", offset=offset)
    elapsed = time.monotonic() - start
    assert server.pending_update_count == 0
    assert elapsed < 3, f"3000 updates took {elapsed:.2f}s"


def test_spec_is_loaded_once_and_indexed() -> None:
    assert SPEC.version.startswith("Bot API")
    send = SPEC.method("SENDMESSAGE")
    assert send is not None
    assert send.name == "sendMessage"
    assert set(send.required) == {"chat_id", "text"}
    assert SPEC.types["BotCommandScope"].by_tag["chat"] == "BotCommandScopeChat"
