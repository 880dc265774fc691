"""The Zalo channel adapter, over real HTTP against the fake Zalo server on loopback."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.channels.published import FileLinks
from bot.channels.zalo import (
    MAX_WEBHOOK_BODY,
    NAME,
    TEXT_LIMIT,
    WEBHOOK_PATH,
    ZaloChannel,
    delivery_error,
    to_incoming,
)
from bot.channels.zalo_api import (
    ZaloAPIError,
    ZaloBotAPI,
    ZaloConnectionError,
    ZaloRateLimitError,
    ZaloUnauthorizedError,
)
from core.channel import Rejected, RetryAfter, Transient, Unreachable
from core.messages import Attachment, Choice, FileRef, Incoming, Kind, Reply
from core.texts import common as texts
from tests.fakes.zalo_server import SECRET_HEADER, FakeZaloServer

TOKEN = "1234:secret"
USER_ID = "e4ea2cd5189df1c3a88c"
MESSAGE_ID = "16f6366b3f02645a3d15"
HOOK_SECRET = "hook-secret-123"
SSL_CONTEXT = ssl.create_default_context()  # built once: ~40 ms each


def update(event: str = "message.text.received", **fields: Any) -> dict[str, Any]:
    """A Zalo update as documented, with `fields` merged into its message."""
    message: dict[str, Any] = {
        "message_id": MESSAGE_ID,
        "date": 1766619597466,
        "chat": {"id": USER_ID, "chat_type": "PRIVATE"},
        "from": {"id": USER_ID, "display_name": "Nguyen Van A", "is_bot": False},
        **fields,
    }
    return {"event_name": event, "message": message}


class Received:
    """A `receive` that records what the channel hands over and lets a test wait for it."""

    def __init__(self) -> None:
        self.items: list[Incoming] = []
        self.calls = 0
        self.before: Callable[[Sequence[Incoming]], Any] | None = None
        self._changed = asyncio.Condition()

    async def __call__(self, updates: Sequence[Incoming]) -> int:
        self.calls += 1
        if self.before is not None:
            result = self.before(updates)
            if asyncio.iscoroutine(result):
                await result
        self.items.extend(updates)
        async with self._changed:
            self._changed.notify_all()
        return len(updates)

    async def wait(self, count: int, timeout: float = 5.0) -> list[Incoming]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.items) >= count)
        return self.items


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
def received() -> Received:
    return Received()


@pytest.fixture
def channel(api: ZaloBotAPI, received: Received) -> ZaloChannel:
    channel = ZaloChannel(api, received)
    channel.backoff_initial = 0.01
    return channel


# -- to_incoming -------------------------------------------------------------------------------


def test_a_text_message() -> None:
    assert to_incoming(update(text="Xin chào")) == Incoming(
        channel=NAME,
        update_key=MESSAGE_ID,
        chat_id=USER_ID,
        user_id=USER_ID,
        kind=Kind.TEXT,
        text="Xin chào",
        display_name="Nguyen Van A",
        message_id=MESSAGE_ID,
    )


def test_the_wrapped_shape_and_integer_ids_are_accepted() -> None:
    raw = update(text="1", message_id=42, chat={"id": 7, "chat_type": "PRIVATE"})
    raw["message"]["from"] = {"id": 7, "first_name": "Lan"}
    incoming = to_incoming({"ok": True, "result": raw})
    assert incoming is not None
    assert (incoming.update_key, incoming.chat_id, incoming.user_id) == ("42", "7", "7")
    assert incoming.display_name == "Lan"


def test_a_photo_with_its_caption() -> None:
    raw = update(
        "message.image.received", photo_url="https://cdn.example.vn/a.jpg", caption="Hiện trường"
    )
    incoming = to_incoming(raw)
    assert incoming is not None
    assert incoming.kind is Kind.PHOTO
    assert incoming.text == "Hiện trường"
    assert incoming.file == FileRef(
        file_id=MESSAGE_ID, url="https://cdn.example.vn/a.jpg", mime_type="image/jpeg"
    )


def test_a_document_with_its_url_and_name() -> None:
    flat = to_incoming(
        update(
            "message.document.received",
            url="https://cdn.example.vn/kh.pdf",
            file_name="kế hoạch.pdf",
            caption="Kế hoạch",
        )
    )
    nested = to_incoming(
        update(
            "message.document.received",
            document={"file_url": "https://cdn.example.vn/kh.pdf", "name": "kế hoạch.pdf"},
        )
    )
    bare = to_incoming(update("message.document.received"))
    assert flat is not None
    assert nested is not None
    assert bare is not None
    assert flat.kind is nested.kind is bare.kind is Kind.DOCUMENT
    assert flat.text == "Kế hoạch"
    expected = FileRef(
        file_id=MESSAGE_ID, file_name="kế hoạch.pdf", url="https://cdn.example.vn/kh.pdf"
    )
    assert flat.file == nested.file == expected
    assert bare.file == FileRef(file_id=MESSAGE_ID)


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("message.sticker.received", Kind.STICKER),
        ("message.voice.received", Kind.VOICE),
        ("message.unsupported.received", Kind.OTHER),
        ("message.location.received", Kind.OTHER),
        ("something.new", Kind.OTHER),
    ],
)
def test_other_kinds(event: str, kind: Kind) -> None:
    incoming = to_incoming(update(event, sticker="abc"))
    assert incoming is not None
    assert incoming.kind is kind
    assert incoming.text == ""
    assert incoming.file is None


def test_a_sender_without_from_is_the_chat() -> None:
    raw = update(text="hi")
    del raw["message"]["from"]
    incoming = to_incoming(raw)
    assert incoming is not None
    assert (incoming.user_id, incoming.display_name) == (USER_ID, "")


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(update(text="hi", chat={"id": "g1", "chat_type": "GROUP"}), id="group"),
        pytest.param(update(text="hi", chat={"id": "g1", "chat_type": 3}), id="odd-chat-type"),
        pytest.param({}, id="empty"),
        pytest.param({"ok": True, "result": None}, id="empty-result"),
        pytest.param({"ok": False, "error_code": 408}, id="error-envelope"),
        pytest.param({"event_name": "message.text.received"}, id="no-message"),
        pytest.param({"event_name": "message.text.received", "message": "x"}, id="message-str"),
        pytest.param(update(text="hi", chat=None), id="no-chat"),
        pytest.param(update(text="hi", chat={"chat_type": "PRIVATE"}), id="no-chat-id"),
        pytest.param(update(text="hi", message_id=None), id="no-message-id"),
        pytest.param(update(text="hi", message_id=True), id="bool-message-id"),
        pytest.param(update(text="hi", date="today"), id="bad-date"),
        pytest.param(update(text=None), id="text-missing"),
        pytest.param(
            {
                "event_name": "message.text.received",
                "message": {**update(text="hi")["message"], "from": {"display_name": "x"}},
            },
            id="from-without-id",
        ),
        pytest.param({**update(text="hi"), "event_name": 5}, id="bad-event-name"),
    ],
)
def test_malformed_and_group_updates_are_none(raw: dict[str, Any]) -> None:
    assert to_incoming(raw) is None


leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["PRIVATE", "GROUP", "message.image.received", "e4ea2cd5"])
)
json_values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
# Near-valid updates (the right keys, odd values) reach deeper than arbitrary dictionaries do.
keys = st.sampled_from(
    [
        *("message_id", "chat", "from", "id", "chat_type", "text", "date", "photo_url"),
        *("caption", "document", "url", "name", "size", "display_name", "first_name"),
        *("event_name", "ok", "result"),
    ]
)
near_values = st.recursive(
    leaves, lambda inner: st.dictionaries(keys, inner, max_size=5), max_leaves=10
)


events = st.sampled_from(
    [
        *("message.text.received", "message.image.received", "message.document.received"),
        *("message.sticker.received", "message.voice.received", "message.unsupported.received"),
    ]
) | st.text(max_size=5)
ids = st.text(min_size=1, max_size=6) | st.integers() | leaves
message_fields = ("from", "text", "date", "photo_url", "caption", "document", "url", "name")
# Updates with the required parts mostly in place and everything else odd.
shaped_updates = st.fixed_dictionaries(
    {
        "event_name": events,
        "message": st.fixed_dictionaries(
            {
                "message_id": ids,
                "chat": st.fixed_dictionaries({"id": ids}, optional={"chat_type": leaves}),
            },
            optional={k: leaves | st.dictionaries(keys, ids, max_size=3) for k in message_fields},
        ),
    }
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.text(max_size=8), json_values)
    | st.dictionaries(keys, near_values)
    | shaped_updates
    | st.builds(lambda u: {"ok": True, "result": u}, shaped_updates)
)
def test_to_incoming_never_raises(raw: dict[str, Any]) -> None:
    incoming = to_incoming(raw)
    event("handled" if incoming is not None else "dropped")
    if incoming is not None:
        assert incoming.update_key
        assert isinstance(incoming.chat_id, str)
        assert isinstance(incoming.user_id, str)
        assert isinstance(incoming.text, str)
        Incoming.from_json(json.loads(json.dumps(incoming.to_json())))  # storable


# -- sending -----------------------------------------------------------------------------------


async def test_a_long_reply_is_split_in_order_with_options_last(
    server: FakeZaloServer, channel: ZaloChannel
) -> None:
    user = server.user(USER_ID)
    words = [f"từ{i:04d}" for i in range(4500 // 7)]
    text = " ".join(words)
    assert 4490 <= len(text) <= 4500
    reply = Reply(text, (Choice("Đồng ý", "yes"), Choice("Không", "no")))
    await channel.send(USER_ID, reply)
    messages = user.messages
    assert [m.method for m in messages] == ["sendMessage"] * 3
    assert all(m.text and len(m.text) <= TEXT_LIMIT for m in messages)
    assert " ".join(m.content for m in messages).split() == [
        *words,
        "1.",
        "Đồng",
        "ý",
        "2.",
        "Không",
    ]
    assert messages[-1].content.endswith("1. Đồng ý\n2. Không")
    assert "1. Đồng ý" not in messages[0].content + messages[1].content


async def test_a_short_reply_is_one_message(server: FakeZaloServer, channel: ZaloChannel) -> None:
    user = server.user(USER_ID)
    await channel.send(USER_ID, Reply("Chọn:", (Choice("Có", "y"),)))
    assert (await user.expect_message()).text == "Chọn:\n\n1. Có"


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("429", RetryAfter),
        ("403", Unreachable),
        ("blocked", Unreachable),
        ("unknown-chat", Unreachable),
        ("500", Transient),
    ],
)
async def test_send_errors_are_mapped(
    server: FakeZaloServer, channel: ZaloChannel, setup: str, error: type[Exception]
) -> None:
    chat_id = "0" * 20 if setup == "unknown-chat" else server.user(USER_ID).id
    if setup in ("429", "403", "500"):
        server.faults.add("sendMessage", setup, retry_after=2)  # type: ignore[arg-type]
    if setup == "blocked":
        server.block(USER_ID)
    with pytest.raises(error) as caught:
        await channel.send(chat_id, Reply("xin chào"))
    if isinstance(caught.value, RetryAfter):
        assert caught.value.retry_after == 2
    assert server.calls["sendMessage"] == 1  # nothing retried here: the pipeline decides


async def test_an_unreachable_server_is_transient(received: Received) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    async with ZaloBotAPI(TOKEN, base_url=f"http://127.0.0.1:{port}", backoff=0.0) as api:
        with pytest.raises(Transient):
            await ZaloChannel(api, received).send(USER_ID, Reply("xin chào"))


@pytest.mark.parametrize(
    ("exc", "error"),
    [
        (ZaloRateLimitError(429, "slow down"), RetryAfter),
        (ZaloAPIError(400, "Bad Request: chat not found"), Unreachable),
        (ZaloAPIError(400, "Bad Request: text must be 1-2000 characters"), Rejected),
        (ZaloAPIError(404, "Not Found"), Rejected),
        (ZaloUnauthorizedError(401, "Unauthorized"), Rejected),
        (ZaloAPIError(502, "Bad Gateway"), Transient),
        (ZaloAPIError(0, "unexpected result type"), Transient),
        (ZaloConnectionError("sendMessage failed"), Transient),
        (ValueError("text must be 1-2000 characters"), Rejected),
    ],
)
def test_delivery_error_mapping(exc: Exception, error: type[Exception]) -> None:
    mapped = delivery_error(exc)  # type: ignore[arg-type]
    assert type(mapped) is error
    if isinstance(mapped, RetryAfter):
        assert mapped.retry_after == 1  # no retry_after given: wait a second


async def test_an_empty_reply_is_rejected(server: FakeZaloServer, channel: ZaloChannel) -> None:
    server.user(USER_ID)
    with pytest.raises(Rejected):
        await channel.send(USER_ID, Reply("  "))
    assert server.calls["sendMessage"] == 0


async def test_send_photo_continues_a_long_caption_as_text(
    server: FakeZaloServer, channel: ZaloChannel
) -> None:
    user = server.user(USER_ID)
    await channel.send_photo(USER_ID, "https://cdn.example.vn/vb.png", "Văn bản. " * 300)
    await channel.send_photo(USER_ID, "https://cdn.example.vn/vb2.png")
    first, rest, bare = user.messages
    assert (first.method, first.photo) == ("sendPhoto", "https://cdn.example.vn/vb.png")
    assert first.caption is not None
    assert len(first.caption) <= TEXT_LIMIT
    assert rest.method == "sendMessage"
    assert (first.caption + " " + (rest.text or "")).split() == ("Văn bản. " * 300).split()
    assert (bare.method, bare.caption) == ("sendPhoto", None)


# -- attachments -------------------------------------------------------------------------------

PUBLIC = "https://bot.example.gov.vn"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # links made now work to the end of 04/12/2026


@pytest.fixture
def outgoing(tmp_path: Path) -> Path:
    """A chart and a workbook in the bot's data directory, as the admin commands leave them."""
    (tmp_path / "charts").mkdir()
    (tmp_path / "exports").mkdir()
    (tmp_path / "charts" / "tonghop.png").write_bytes(b"\x89PNG\r\n\x1a\nchart")
    (tmp_path / "exports" / "a1b2.xlsx").write_bytes(b"PK\x03\x04workbook")
    return tmp_path


@pytest.fixture
def linked(api: ZaloBotAPI, received: Received, outgoing: Path) -> ZaloChannel:
    """The channel of a bot with a public address: attachments go as links."""
    links = FileLinks(
        base_url=PUBLIC, data_dir=outgoing, secret="s" * 32, ttl_days=7, clock=lambda: NOW
    )
    return ZaloChannel(api, received, links=links)


def chart(folder: Path) -> Attachment:
    return Attachment(str(folder / "charts" / "tonghop.png"), kind="photo", file_name="tonghop.png")


def workbook(folder: Path) -> Attachment:
    path = folder / "exports" / "a1b2.xlsx"
    return Attachment(str(path), kind="document", file_name="tổng hợp thi đua.xlsx")


async def test_a_photo_goes_by_url_with_the_reply_as_its_caption(
    server: FakeZaloServer, linked: ZaloChannel, outgoing: Path
) -> None:
    user = server.user(USER_ID)
    await linked.send(
        USER_ID, Reply("Biểu đồ tháng 3", (Choice("Tháng 2", "/tonghop 2"),), chart(outgoing))
    )
    [photo] = user.messages
    assert photo.method == "sendPhoto"
    assert photo.caption == "Biểu đồ tháng 3\n\n1. Tháng 2"
    assert photo.photo is not None
    assert photo.photo.startswith(f"{PUBLIC}/files/")
    assert photo.photo.endswith("/tonghop.png")


async def test_a_document_goes_as_its_download_link_after_the_text(
    server: FakeZaloServer, linked: ZaloChannel, outgoing: Path
) -> None:
    user = server.user(USER_ID)
    await linked.send(USER_ID, Reply("Đã xuất dữ liệu.", attachment=workbook(outgoing)))
    text, link = user.messages
    assert (text.method, text.text) == ("sendMessage", "Đã xuất dữ liệu.")
    assert link.method == "sendMessage"
    assert link.text is not None
    assert link.text.startswith("Anh/Chị tải tệp “tổng hợp thi đua.xlsx” tại:\n" + PUBLIC)
    assert "/tong-hop-thi-dua.xlsx\n" in link.text
    assert link.text.endswith("(Liên kết có hiệu lực đến hết ngày 04/12/2026.)")
    assert server.calls["sendPhoto"] == 0


async def test_a_retry_resumes_after_the_photo(
    server: FakeZaloServer, linked: ZaloChannel, outgoing: Path
) -> None:
    user = server.user(USER_ID)
    text = "Tổng hợp số liệu của các đơn vị. " * 100  # over one caption
    reply = Reply(text, attachment=chart(outgoing))
    server.faults.add("sendMessage", "500")
    with pytest.raises(Transient) as failed:
        await linked.send(USER_ID, reply)
    assert failed.value.pieces_sent == 1  # the photo went
    await linked.send(USER_ID, reply, skip=failed.value.pieces_sent)
    photo, rest = user.messages
    assert (photo.method, rest.method) == ("sendPhoto", "sendMessage")
    assert f"{photo.caption} {rest.text}".split() == text.split()


async def test_without_a_public_address_or_a_file_a_note_stands_in(
    server: FakeZaloServer, channel: ZaloChannel, linked: ZaloChannel, outgoing: Path
) -> None:
    user = server.user(USER_ID)
    await channel.send(USER_ID, Reply("Biểu đồ", attachment=chart(outgoing)))
    gone = Attachment(str(outgoing / "charts" / "da-xoa.png"), kind="photo")
    await linked.send(USER_ID, Reply("Biểu đồ", attachment=gone))
    for message in user.messages:
        assert message.method == "sendMessage"
        assert message.text == "Biểu đồ\n\n" + texts.ATTACHMENT_NOT_ON_CHANNEL
    assert len(user.messages) == 2


class GatedAPI(ZaloBotAPI):
    """Sends wait at a gate; records how many are in flight at once."""

    def __init__(self) -> None:
        super().__init__(TOKEN, base_url="http://127.0.0.1:9")
        self.gate = asyncio.Event()
        self.active = 0
        self.most = 0
        self.changed = asyncio.Condition()

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        self.active += 1
        self.most = max(self.most, self.active)
        async with self.changed:
            self.changed.notify_all()
        await self.gate.wait()
        self.active -= 1
        return {"message_id": "m", "date": 0}


async def test_requests_in_flight_are_capped(received: Received) -> None:
    async with GatedAPI() as api:
        channel = ZaloChannel(api, received, max_in_flight=3)
        sends = [asyncio.create_task(channel.send(str(i), Reply("x"))) for i in range(10)]
        async with asyncio.timeout(5), api.changed:
            await api.changed.wait_for(lambda: api.active == 3)
        for _ in range(20):  # let every other send reach the semaphore
            await asyncio.sleep(0)
        assert api.most == 3
        api.gate.set()
        async with asyncio.timeout(5):
            await asyncio.gather(*sends)
        assert api.most == 3


async def test_a_send_cancelled_while_waiting_for_a_slot_leaves_no_coroutine(
    received: Received,
) -> None:
    async with GatedAPI() as api:
        channel = ZaloChannel(api, received, max_in_flight=1)
        first = asyncio.create_task(channel.send("1", Reply("x")))
        second = asyncio.create_task(channel.send("2", Reply("x")))
        async with asyncio.timeout(5), api.changed:
            await api.changed.wait_for(lambda: api.active == 1)
        second.cancel()
        with pytest.raises(asyncio.CancelledError):
            await second
        api.gate.set()
        await asyncio.wait_for(first, 5)
        assert api.most == 1


# -- polling -----------------------------------------------------------------------------------


async def test_prepare_keeps_the_bot_name(channel: ZaloChannel) -> None:
    await channel.prepare()
    assert (channel.bot_name, channel.bot_id) == ("bot.1234", "1234")


async def run_poll(channel: ZaloChannel) -> tuple[asyncio.Event, asyncio.Task[None]]:
    stop = asyncio.Event()
    return stop, asyncio.create_task(channel.poll(stop))


async def stopped(stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    stop.set()
    await asyncio.wait_for(task, 2)  # promptly, although the long poll lasts 30 s


async def test_poll_stores_each_update_before_asking_for_the_next(
    server: FakeZaloServer, channel: ZaloChannel, received: Received
) -> None:
    user = server.user(USER_ID, display_name="Nguyễn Văn A")
    # getUpdates does not work while a webhook is set: the poller deletes it first.
    await channel.api.set_webhook("https://bot.example.gov.vn/zalo/webhook", HOOK_SECRET)
    polls_seen: list[tuple[int, int]] = []
    received.before = lambda _: polls_seen.append(
        (server.calls["getUpdates"], server.waiting_pollers)
    )
    stop, task = await run_poll(channel)
    await server.wait_for(lambda: server.waiting_pollers == 1)
    assert server.webhook_url is None
    await user.send_text("một")
    await user.send_text("hai")
    await user.send_image("https://cdn.example.vn/a.jpg", caption="ba")
    items = await received.wait(3)
    assert [(m.kind, m.text, m.display_name) for m in items] == [
        (Kind.TEXT, "một", "Nguyễn Văn A"),
        (Kind.TEXT, "hai", "Nguyễn Văn A"),
        (Kind.PHOTO, "ba", "Nguyễn Văn A"),
    ]
    assert received.calls == 3  # one update at a time
    # Each update was stored before the next getUpdates call was made.
    assert polls_seen == [(1, 0), (2, 0), (3, 0)]
    await server.wait_for(lambda: server.waiting_pollers == 1)
    await stopped(stop, task)
    assert server.calls["deleteWebhook"] == 1


async def test_a_duplicate_reaches_receive_with_the_same_key(
    server: FakeZaloServer, channel: ZaloChannel, received: Received
) -> None:
    user = server.user(USER_ID)
    sent = await user.send_text("báo cáo", duplicate=True)
    server.redeliver(sent["message"]["message_id"])
    stop, task = await run_poll(channel)
    first, second, third = await received.wait(3)
    assert first == second == third
    assert first.update_key == sent["message"]["message_id"]
    await stopped(stop, task)


async def test_poll_ignores_group_and_unsupported_chats_but_keeps_going(
    server: FakeZaloServer, channel: ZaloChannel, received: Received
) -> None:
    user = server.user(USER_ID)
    group = update(text="nhóm", message_id="g" * 20, chat={"id": "g1", "chat_type": "GROUP"})
    server._publish(group)
    await user.send_text("riêng")
    stop, task = await run_poll(channel)
    [only] = await received.wait(1)
    assert only.text == "riêng"
    await server.wait_for(lambda: server.waiting_pollers == 1)
    assert received.calls == 1
    await stopped(stop, task)


async def test_poll_backs_off_on_errors_and_goes_on(
    server: FakeZaloServer, channel: ZaloChannel, received: Received
) -> None:
    user = server.user(USER_ID)
    server.faults.add("deleteWebhook", "500", times=4)  # the client retries 3 times
    server.faults.add("getUpdates", "500", times=4)
    server.faults.add("getUpdates", "429", retry_after=0)
    await user.send_text("vẫn tới")
    stop, task = await run_poll(channel)
    [item] = await received.wait(1)
    assert item.text == "vẫn tới"
    assert server.calls["deleteWebhook"] == 5
    assert server.calls["getUpdates"] == 6
    await stopped(stop, task)


class ScriptedAPI(ZaloBotAPI):
    """getUpdates answers from a script: an update, None, or an exception to raise."""

    def __init__(self, script: list[Any]) -> None:
        super().__init__(TOKEN, base_url="http://127.0.0.1:9")
        self.script = script
        self.polls = 0
        self.polled = asyncio.Event()
        self.idle = asyncio.Event()

    async def delete_webhook(self) -> dict[str, Any]:
        return {"url": ""}

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:  # noqa: ASYNC109
        self.polls += 1
        self.polled.set()
        if not self.script:
            self.idle.set()
            await asyncio.Event().wait()  # a long poll that never ends
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


async def test_poll_survives_connection_errors_malformed_updates_and_store_failures(
    received: Received,
) -> None:
    good = update(text="cuối cùng")
    script = [
        ZaloConnectionError("getUpdates failed"),
        ZaloAPIError(0, "malformed update", method="getUpdates"),
        None,
        ZaloAPIError(409, "Conflict"),
        good,
    ]
    failures = [RuntimeError("database is down")]

    def fail_once(_: Sequence[Incoming]) -> None:
        if failures:
            raise failures.pop()

    received.before = fail_once
    async with ScriptedAPI(script) as api:
        channel = ZaloChannel(api, received)
        channel.backoff_initial = 0.01
        stop, task = await run_poll(channel)
        [item] = await received.wait(1)
        assert item.text == "cuối cùng"
        assert received.calls == 2  # the failed store was tried again
        await asyncio.wait_for(api.idle.wait(), 5)
        await stopped(stop, task)
        assert api.polls == 6


async def test_poll_stops_promptly_during_a_backoff(received: Received) -> None:
    async with ScriptedAPI([ZaloConnectionError("down")]) as api:
        channel = ZaloChannel(api, received)
        channel.backoff_initial = 60.0
        stop, task = await run_poll(channel)
        await asyncio.wait_for(api.polled.wait(), 5)
        await stopped(stop, task)


async def test_a_wrong_token_ends_polling(server: FakeZaloServer, received: Received) -> None:
    async with ZaloBotAPI("1234:wrong", base_url=server.base_url, backoff=0.0) as api:
        channel = ZaloChannel(api, received)
        with pytest.raises(ZaloUnauthorizedError):
            await asyncio.wait_for(channel.poll(asyncio.Event()), 5)


async def test_a_cancelled_poller_finishes_storing_what_it_was_given(
    server: FakeZaloServer, channel: ZaloChannel, received: Received
) -> None:
    storing, release = asyncio.Event(), asyncio.Event()

    async def slow_store(_: Sequence[Incoming]) -> None:
        storing.set()
        await release.wait()

    received.before = slow_store
    await server.user(USER_ID).send_text("đừng mất")
    _, task = await run_poll(channel)
    await asyncio.wait_for(storing.wait(), 5)
    task.cancel()
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert [m.text for m in received.items] == ["đừng mất"]


async def test_a_cancelled_poller_cancels_its_long_poll(
    server: FakeZaloServer, channel: ZaloChannel, received: Received
) -> None:
    _, task = await run_poll(channel)
    await server.wait_for(lambda: server.waiting_pollers == 1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 2)
    # An update that comes in now is not lost: the next poller gets it.
    user = server.user(USER_ID)
    await user.send_text("sau")
    stop, task = await run_poll(channel)
    [item] = await received.wait(1)
    assert item.text == "sau"
    await stopped(stop, task)


# -- webhook -----------------------------------------------------------------------------------


@pytest.fixture
async def hook(channel: ZaloChannel) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, channel.webhook_handler(HOOK_SECRET))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield client


def body(raw: Any) -> bytes:
    return json.dumps(raw, ensure_ascii=False).encode()


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-123", HOOK_SECRET + "x"])
async def test_webhook_without_the_secret_is_401(
    hook: TestClient[web.Request, web.Application], received: Received, secret: str | None
) -> None:
    headers = {} if secret is None else {SECRET_HEADER: secret}
    for data in (body(update(text="hi")), b"{not json", b"x" * (MAX_WEBHOOK_BODY + 10)):
        response = await hook.post(WEBHOOK_PATH, data=io.BytesIO(data), headers=headers)
        assert response.status == 401
    assert received.calls == 0


async def test_webhook_refuses_oversized_bodies(
    hook: TestClient[web.Request, web.Application], received: Received
) -> None:
    headers = {SECRET_HEADER: HOOK_SECRET}
    padded = update(text="hi", padding="x" * MAX_WEBHOOK_BODY)
    response = await hook.post(WEBHOOK_PATH, data=io.BytesIO(body(padded)), headers=headers)
    assert response.status == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while read
        for _ in range(20):
            yield b" " * 65536

    response = await hook.post(WEBHOOK_PATH, data=chunks(), headers=headers)
    assert response.status == 413
    assert received.calls == 0


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{not json",
        b"\xff\xfe",
        b"[" * 100_000,
        body([1, 2]),
        body({"ok": False, "error_code": 500, "description": "x"}),
        body({"event_name": "message.text.received"}),
        body(update(text="hi", message_id=None)),
    ],
)
async def test_webhook_refuses_malformed_bodies(
    hook: TestClient[web.Request, web.Application], received: Received, data: bytes
) -> None:
    response = await hook.post(WEBHOOK_PATH, data=data, headers={SECRET_HEADER: HOOK_SECRET})
    assert response.status == 400
    assert received.calls == 0


async def test_webhook_accepts_a_large_body_sent_in_pieces(
    hook: TestClient[web.Request, web.Application], received: Received
) -> None:
    data = body(update(text="dài " * 100_000))
    assert 300_000 < len(data) < MAX_WEBHOOK_BODY

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 10_000):
            yield data[start : start + 10_000]

    response = await hook.post(WEBHOOK_PATH, data=chunks(), headers={SECRET_HEADER: HOOK_SECRET})
    assert response.status == 200
    assert received.items[0].text == "dài " * 100_000


@pytest.mark.parametrize("wrapped", [True, False])
async def test_webhook_accepts_wrapped_and_bare_updates(
    hook: TestClient[web.Request, web.Application], received: Received, wrapped: bool
) -> None:
    raw = update(text="Xin chào")
    data = body({"ok": True, "result": raw} if wrapped else raw)
    response = await hook.post(WEBHOOK_PATH, data=data, headers={SECRET_HEADER: HOOK_SECRET})
    assert response.status == 200
    assert received.items == [to_incoming(raw)]


@pytest.mark.parametrize(
    "raw",
    [
        {"ok": True, "result": None},
        update(text="nhóm", chat={"id": "g1", "chat_type": "GROUP"}),
    ],
)
async def test_webhook_acknowledges_what_it_does_not_handle(
    hook: TestClient[web.Request, web.Application], received: Received, raw: dict[str, Any]
) -> None:
    response = await hook.post(WEBHOOK_PATH, data=body(raw), headers={SECRET_HEADER: HOOK_SECRET})
    assert response.status == 200
    assert received.calls == 0


async def test_webhook_answers_500_when_storing_fails(
    hook: TestClient[web.Request, web.Application], received: Received
) -> None:
    def fail(_: Sequence[Incoming]) -> None:
        raise RuntimeError("database is down")

    received.before = fail
    data = body(update(text="hi"))
    response = await hook.post(WEBHOOK_PATH, data=data, headers={SECRET_HEADER: HOOK_SECRET})
    assert response.status == 500


def test_a_webhook_needs_a_secret(channel: ZaloChannel) -> None:
    with pytest.raises(ValueError, match="secret"):
        channel.webhook_handler("")


@pytest.mark.parametrize("shape", ["wrapped", "bare"])
async def test_the_fake_server_delivers_to_the_webhook(
    server: FakeZaloServer, channel: ZaloChannel, received: Received, shape: Any
) -> None:
    server.webhook_shape = shape
    app = web.Application()
    app.router.add_post(WEBHOOK_PATH, channel.webhook_handler(HOOK_SECRET))
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        await web.SockSite(runner, sock).start()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}{WEBHOOK_PATH}"
        await channel.set_webhook(url, HOOK_SECRET)
        assert server.webhook_url == url
        user = server.user(USER_ID)
        sent = [await user.send_text(t) for t in ("một", "hai")]
        await user.send_sticker()
        items = await received.wait(3)
        await server.wait_for(lambda: len(server.webhook_delivered) == 3)
    finally:
        await runner.cleanup()
    assert [m.update_key for m in items[:2]] == [s["message"]["message_id"] for s in sent]
    assert [m.kind for m in items] == [Kind.TEXT, Kind.TEXT, Kind.STICKER]
    assert all(a.status == 200 for a in server.webhook_attempts)


async def test_close_closes_an_owned_client(server: FakeZaloServer, received: Received) -> None:
    api = ZaloBotAPI(TOKEN, base_url=server.base_url)
    channel = ZaloChannel(api, received)
    await channel.prepare()
    await channel.close()
    with pytest.raises(RuntimeError, match="closed"):
        await api.get_me()
