"""The Zalo Bot API client, against httpx.MockTransport and recorded payload shapes."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.zalo_api import (
    DEFAULT_BASE_URL,
    ZaloAPIError,
    ZaloBotAPI,
    ZaloConnectionError,
    ZaloError,
    ZaloForbiddenError,
    ZaloRateLimitError,
    ZaloUnauthorizedError,
    parse_update,
)

FIXTURES = Path(__file__).parent / "fixtures" / "zalo"
SECRET = "HcapvQPPTFJvrEXq"
TOKEN = f"7384994410:{SECRET}"
CHAT = "e4ea2cd5189df1c3a88c"

Step = httpx.Response | dict[str, Any] | type[httpx.TransportError]


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return data


class Script:
    """A MockTransport handler answering from a list of steps (the last one repeats)."""

    def __init__(self, *steps: Step) -> None:
        self.steps = steps
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        if isinstance(step, type):
            raise step(f"simulated failure for {request.url}", request=request)
        if isinstance(step, dict):
            return httpx.Response(200, json=step)
        return step

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


@asynccontextmanager
async def api_for(script: Script, **kwargs: Any) -> AsyncIterator[ZaloBotAPI]:
    kwargs.setdefault("backoff", 0.0)
    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(script)) as client,
        ZaloBotAPI(TOKEN, client=client, **kwargs) as api,
    ):
        yield api


def ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


# -- every method ------------------------------------------------------------------------------


async def test_get_me_posts_json_to_the_bot_url() -> None:
    script = Script(fixture("get_me"))
    async with api_for(script) as api:
        me = await api.get_me()
    assert me["account_name"] == "bot.chiendichxanh"
    request = script.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"{DEFAULT_BASE_URL}/bot{TOKEN}/getMe"
    assert request.headers["content-type"] == "application/json"
    assert script.body() == {}
    assert request.extensions["timeout"]["read"] is not None


async def test_base_url_is_configurable() -> None:
    script = Script(fixture("get_me"))
    async with api_for(script, base_url="http://127.0.0.1:8081/") as api:
        await api.get_me()
        assert api.base_url == "http://127.0.0.1:8081"
    assert str(script.requests[0].url) == f"http://127.0.0.1:8081/bot{TOKEN}/getMe"


async def test_get_updates_returns_one_update_and_outwaits_the_long_poll() -> None:
    script = Script(fixture("update_text"))
    async with api_for(script) as api:
        update = await api.get_updates(timeout=25)
    assert update is not None
    assert update["event_name"] == "message.text.received"
    assert update["message"]["message_id"] == "16f6366b3f02645a3d15"
    assert update["message"]["text"] == "Xin chào"
    assert script.body() == {"timeout": "25"}
    assert script.requests[0].extensions["timeout"]["read"] > 25


@pytest.mark.parametrize(
    "answer",
    [fixture("get_updates_timeout"), ok(None), ok({}), {"ok": True}],
    ids=["error-408", "null-result", "empty-result", "no-result"],
)
async def test_get_updates_returns_none_when_the_long_poll_times_out(
    answer: dict[str, Any],
) -> None:
    script = Script(answer)
    async with api_for(script) as api:
        assert await api.get_updates(timeout=1) is None
    assert script.attempts == 1


async def test_get_updates_rejects_a_malformed_update() -> None:
    script = Script(ok({"event_name": "message.text.received", "message": "nope"}))
    async with api_for(script) as api:
        with pytest.raises(ZaloAPIError, match="malformed update"):
            await api.get_updates(timeout=1)


async def test_get_updates_rejects_a_negative_timeout() -> None:
    script = Script(ok(None))
    async with api_for(script) as api:
        with pytest.raises(ValueError, match="timeout"):
            await api.get_updates(timeout=-1)
    assert script.attempts == 0


async def test_set_webhook_sends_url_and_secret() -> None:
    script = Script(fixture("webhook_info"))
    async with api_for(script) as api:
        info = await api.set_webhook("https://bot.example.gov.vn/zalo/webhook", "s" * 32)
    assert info["url"] == "https://bot.example.gov.vn/zalo/webhook"
    assert script.body() == {
        "url": "https://bot.example.gov.vn/zalo/webhook",
        "secret_token": "s" * 32,
    }
    assert script.requests[0].url.path.endswith("/setWebhook")


@pytest.mark.parametrize(
    ("url", "secret", "error"),
    [
        ("https://bot.example.gov.vn/hook", "short", "secret_token"),
        ("https://bot.example.gov.vn/hook", "s" * 257, "secret_token"),
        ("http://bot.example.gov.vn/hook", "s" * 16, "https"),
        ("ftp://bot.example.gov.vn/hook", "s" * 16, "URL"),
        ("/relative/hook", "s" * 16, "URL"),
    ],
)
async def test_set_webhook_validates_locally(url: str, secret: str, error: str) -> None:
    script = Script(fixture("webhook_info"))
    async with api_for(script) as api:
        with pytest.raises(ValueError, match=error):
            await api.set_webhook(url, secret)
    assert script.attempts == 0


async def test_set_webhook_allows_plain_http_on_loopback() -> None:
    script = Script(ok({"url": "http://127.0.0.1:9000/hook", "updated_at": 1}))
    async with api_for(script) as api:
        await api.set_webhook("http://127.0.0.1:9000/hook", "s" * 8)
    assert script.attempts == 1


async def test_delete_webhook_and_get_webhook_info() -> None:
    script = Script(ok({"url": "", "updated_at": 1766619000000}), fixture("webhook_info"))
    async with api_for(script) as api:
        assert (await api.delete_webhook())["url"] == ""
        assert (await api.get_webhook_info())["url"].startswith("https://")
    assert [r.url.path.rsplit("/", 1)[1] for r in script.requests] == [
        "deleteWebhook",
        "getWebhookInfo",
    ]


async def test_send_message_sends_chat_id_and_text() -> None:
    script = Script(fixture("send_message"))
    async with api_for(script) as api:
        sent = await api.send_message(CHAT, "Chào anh, mời báo cáo số liệu tuần này.")
    assert sent == {"message_id": "9b1f0c5e2d7a48c3b6e0", "date": 1766619600123}
    assert script.body() == {"chat_id": CHAT, "text": "Chào anh, mời báo cáo số liệu tuần này."}


@pytest.mark.parametrize("length", [1, 2000])
async def test_send_message_accepts_the_documented_lengths(length: int) -> None:
    script = Script(fixture("send_message"))
    async with api_for(script) as api:
        await api.send_message(CHAT, "ư" * length)
    assert script.attempts == 1


@pytest.mark.parametrize(
    ("chat_id", "text", "error"),
    [
        (CHAT, "", "text must be 1-2000"),
        (CHAT, "a" * 2001, "text must be 1-2000"),
        ("", "xin chào", "chat_id"),
        (123, "xin chào", "chat_id"),
    ],
    ids=["empty-text", "too-long", "empty-chat", "int-chat"],
)
async def test_send_message_rejects_bad_arguments_before_any_request(
    chat_id: Any, text: str, error: str
) -> None:
    script = Script(fixture("send_message"))
    async with api_for(script) as api:
        with pytest.raises(ValueError, match=error):
            await api.send_message(chat_id, text)
    assert script.attempts == 0


async def test_send_photo_with_and_without_caption() -> None:
    script = Script(fixture("send_message"))
    photo = "https://cdn.example.gov.vn/bieu-do.png"
    async with api_for(script) as api:
        await api.send_photo(CHAT, photo)
        await api.send_photo(CHAT, photo, caption="Biểu đồ tiến độ")
        with pytest.raises(ValueError, match="caption"):
            await api.send_photo(CHAT, photo, caption="x" * 2001)
        with pytest.raises(ValueError, match="photo_url"):
            await api.send_photo(CHAT, "not a url")
    assert script.body(0) == {"chat_id": CHAT, "photo": photo}
    assert script.body(1) == {"chat_id": CHAT, "photo": photo, "caption": "Biểu đồ tiến độ"}
    assert script.attempts == 2


async def test_send_sticker_and_chat_action() -> None:
    script = Script(fixture("send_message"), ok(True))
    async with api_for(script) as api:
        await api.send_sticker(CHAT, "a1b2c3")
        assert await api.send_chat_action(CHAT) is True
        with pytest.raises(ValueError, match="action"):
            await api.send_chat_action(CHAT, "record_video")
    assert script.body(0) == {"chat_id": CHAT, "sticker": "a1b2c3"}
    assert script.body(1) == {"chat_id": CHAT, "action": "typing"}
    assert script.attempts == 2


# -- error mapping -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status", "error_type", "code"),
    [
        ("error_unauthorized", 401, ZaloUnauthorizedError, 401),
        ("error_forbidden", 403, ZaloForbiddenError, 403),
        ("error_rate_limit", 429, ZaloRateLimitError, 429),
        ("error_bad_request", 400, ZaloAPIError, 400),
        # Some answers carry the error only in the body, with HTTP 200.
        ("error_forbidden", 200, ZaloForbiddenError, 403),
        ("error_unauthorized", 200, ZaloUnauthorizedError, 401),
    ],
)
async def test_errors_map_to_the_exception_tree(
    name: str, status: int, error_type: type[ZaloAPIError], code: int
) -> None:
    body = fixture(name)
    script = Script(httpx.Response(status, json=body))
    async with api_for(script) as api:
        with pytest.raises(error_type) as caught:
            await api.send_message(CHAT, "xin chào")
    assert type(caught.value) is error_type
    assert isinstance(caught.value, ZaloError)
    assert caught.value.error_code == code
    assert caught.value.description == body["description"]
    assert caught.value.method == "sendMessage"


async def test_rate_limit_carries_retry_after_from_the_body() -> None:
    script = Script(httpx.Response(429, json=fixture("error_rate_limit")))
    async with api_for(script) as api:
        with pytest.raises(ZaloRateLimitError) as caught:
            await api.send_message(CHAT, "xin chào")
    assert caught.value.retry_after == 2


async def test_rate_limit_falls_back_to_the_retry_after_header() -> None:
    body = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
    script = Script(httpx.Response(429, json=body, headers={"Retry-After": "7"}))
    async with api_for(script) as api:
        with pytest.raises(ZaloRateLimitError) as caught:
            await api.get_me()
    assert caught.value.retry_after == 7


async def test_rate_limit_without_a_hint_has_no_retry_after() -> None:
    script = Script(httpx.Response(429, json={"ok": False, "error_code": 429}))
    async with api_for(script) as api:
        with pytest.raises(ZaloRateLimitError) as caught:
            await api.get_me()
    assert caught.value.retry_after is None
    assert caught.value.description == "unknown error"


async def test_a_non_json_answer_is_an_api_error() -> None:
    script = Script(httpx.Response(200, text="<html>maintenance</html>"))
    async with api_for(script) as api:
        with pytest.raises(ZaloAPIError, match="non-JSON"):
            await api.get_me()


async def test_an_unexpected_result_type_is_an_api_error() -> None:
    script = Script(ok(["not", "a", "dict"]))
    async with api_for(script) as api:
        with pytest.raises(ZaloAPIError, match="unexpected result"):
            await api.get_me()


# -- retries -----------------------------------------------------------------------------------


async def test_reads_retry_connect_errors_then_succeed() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectError, fixture("get_me"))
    async with api_for(script) as api:
        assert (await api.get_me())["id"] == "1234"
    assert script.attempts == 3


async def test_reads_retry_server_errors_then_succeed() -> None:
    script = Script(
        httpx.Response(502, text="Bad Gateway"),
        httpx.Response(500, json={"ok": False, "error_code": 500, "description": "Internal"}),
        fixture("update_text"),
    )
    async with api_for(script) as api:
        assert await api.get_updates(timeout=1) is not None
    assert script.attempts == 3


async def test_reads_give_up_after_the_configured_retries() -> None:
    script = Script(httpx.ReadTimeout)
    async with api_for(script) as api:
        with pytest.raises(ZaloConnectionError) as caught:
            await api.get_webhook_info()
    assert script.attempts == 4  # 1 + the default 3 retries
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


async def test_retry_count_is_configurable() -> None:
    script = Script(httpx.Response(503, json={"ok": False, "error_code": 503}))
    async with api_for(script, retries=1) as api:
        with pytest.raises(ZaloAPIError) as caught:
            await api.get_me()
    assert caught.value.error_code == 503
    assert script.attempts == 2


async def test_no_retries_when_retries_is_zero() -> None:
    script = Script(httpx.ConnectError)
    async with api_for(script, retries=0) as api:
        with pytest.raises(ZaloConnectionError):
            await api.get_me()
    assert script.attempts == 1


@pytest.mark.parametrize(
    "name",
    [
        "error_bad_request",
        "error_unauthorized",
        "error_forbidden",
        "error_rate_limit",
        "get_updates_timeout",
    ],
)
async def test_a_4xx_is_never_retried(name: str) -> None:
    body = fixture(name)
    script = Script(httpx.Response(body["error_code"], json=body))
    async with api_for(script) as api:
        with pytest.raises(ZaloAPIError):
            await api.get_me()
    assert script.attempts == 1


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
async def test_sends_retry_when_the_request_never_left(failure: type[httpx.TransportError]) -> None:
    script = Script(failure, fixture("send_message"))
    async with api_for(script) as api:
        await api.send_message(CHAT, "xin chào")
    assert script.attempts == 2


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.RemoteProtocolError],
)
async def test_sends_do_not_retry_when_the_message_may_have_arrived(
    failure: type[httpx.TransportError],
) -> None:
    script = Script(failure, fixture("send_message"))
    async with api_for(script) as api:
        with pytest.raises(ZaloConnectionError) as caught:
            await api.send_message(CHAT, "xin chào")
    assert script.attempts == 1
    assert isinstance(caught.value.__cause__, failure)


async def test_sends_do_not_retry_server_errors() -> None:
    script = Script(
        httpx.Response(500, json={"ok": False, "error_code": 500}), fixture("send_message")
    )
    async with api_for(script) as api:
        with pytest.raises(ZaloAPIError) as caught:
            await api.send_photo(CHAT, "https://cdn.example.gov.vn/a.png")
    assert caught.value.error_code == 500
    assert script.attempts == 1


async def test_chat_action_is_retried_like_a_read() -> None:
    script = Script(httpx.ReadTimeout, ok(True))
    async with api_for(script) as api:
        assert await api.send_chat_action(CHAT) is True
    assert script.attempts == 2


async def test_backoff_doubles_between_retries(caplog: pytest.LogCaptureFixture) -> None:
    script = Script(httpx.ConnectError)
    caplog.set_level(logging.WARNING, logger="bot.channels.zalo_api")
    async with api_for(script, backoff=0.01) as api:
        with pytest.raises(ZaloConnectionError):
            await api.get_me()
    delays = [r.getMessage().rsplit(" in ", 1)[1] for r in caplog.records]
    assert delays == ["0.01s", "0.02s", "0.04s"]


# -- secrecy and lifecycle ---------------------------------------------------------------------


async def test_the_token_never_appears_in_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    echo = {"ok": False, "error_code": 400, "description": f"bad path /bot{TOKEN}/sendMessage"}
    script = Script(httpx.ConnectError, httpx.Response(400, json=echo))
    caplog.set_level(logging.DEBUG)
    errors: list[BaseException] = []
    async with api_for(script, retries=0) as api:
        for _ in range(2):
            with pytest.raises(ZaloError) as caught:
                await api.send_message(CHAT, "xin chào")
            errors.append(caught.value)
        assert SECRET not in repr(api)
    assert "simulated failure" in str(errors[0])
    assert "/bot<redacted>/sendMessage" in str(errors[1])
    for error in errors:
        assert SECRET not in str(error)
        assert SECRET not in repr(error)
    assert "HTTP Request" in caplog.text  # httpx did log the requests ...
    assert SECRET not in caplog.text  # ... with the token hidden


async def test_a_file_links_token_echoed_in_an_error_is_hidden() -> None:
    link = "https://bot.example.gov.vn/files/4f6e27b2.1796403600.4f74d3ee/bieu-do.png"
    echo = {"ok": False, "error_code": 400, "description": f"cannot download {link}"}
    async with api_for(Script(httpx.Response(400, json=echo))) as api:
        with pytest.raises(ZaloAPIError) as caught:
            await api.send_photo(CHAT, link)
    assert "4f74d3ee" not in str(caught.value)
    assert "/files/<redacted>/bieu-do.png" in caught.value.description


async def test_a_bad_token_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="token must be") as caught:
        ZaloBotAPI("12/34 secret")
    assert "secret" not in str(caught.value)


async def test_an_owned_client_is_closed_and_an_injected_one_is_not() -> None:
    async with ZaloBotAPI(TOKEN) as owned:
        pass
    assert owned._client.is_closed
    async with httpx.AsyncClient() as client:
        async with ZaloBotAPI(TOKEN, client=client):
            pass
        assert not client.is_closed


# -- parse_update ------------------------------------------------------------------------------


def test_parse_update_accepts_the_wrapped_shape() -> None:
    update = parse_update(fixture("update_text"))
    assert update == fixture("update_text")["result"]


def test_parse_update_accepts_the_bare_shape() -> None:
    update = parse_update(fixture("update_image_bare"))
    assert update is not None
    assert update["event_name"] == "message.image.received"
    assert update["message"]["photo_url"].endswith(".jpg")
    assert update["message"]["from"]["display_name"] == "Nguyễn Văn A"


@pytest.mark.parametrize("body", [ok(None), ok({}), {"ok": True}])
def test_parse_update_returns_none_for_an_empty_result(body: dict[str, Any]) -> None:
    assert parse_update(body) is None


def test_parse_update_turns_integer_ids_into_strings() -> None:
    body = fixture("update_text")
    body["result"]["message"]["message_id"] = 42
    body["result"]["message"]["chat"]["id"] = 7
    update = parse_update(body)
    assert update is not None
    assert update["message"]["message_id"] == "42"
    assert update["message"]["chat"]["id"] == "7"
    assert body["result"]["message"]["message_id"] == 42  # the input is left alone


def _broken(path: str, value: Any) -> dict[str, Any]:
    body = fixture("update_text")
    node = body["result"]
    *parents, leaf = path.split(".")
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[leaf]
    else:
        node[leaf] = value
    return body


_DELETE = object()

MALFORMED: list[tuple[str, Any]] = [
    ("list", []),
    ("string", "message.text.received"),
    ("null", None),
    ("empty-object", {}),
    ("unrelated-object", {"hello": "world"}),
    ("error-envelope", fixture("error_unauthorized")),
    ("ok-not-true", {"ok": "yes", "result": fixture("update_text")["result"]}),
    ("result-list", ok([fixture("update_text")["result"]])),
    ("event-name-number", {"event_name": 3, "message": {}}),
    ("no-message", _broken("message", _DELETE)),
    ("message-string", _broken("message", "Xin chào")),
    ("no-chat", _broken("message.chat", _DELETE)),
    ("chat-id-null", _broken("message.chat.id", None)),
    ("message-id-bool", _broken("message.message_id", True)),
    ("message-id-empty", _broken("message.message_id", "")),
    ("from-list", _broken("message.from", [])),
    ("date-string", _broken("message.date", "hôm nay")),
]


@pytest.mark.parametrize("body", [b for _, b in MALFORMED], ids=[n for n, _ in MALFORMED])
def test_parse_update_rejects_malformed_bodies(body: Any) -> None:
    with pytest.raises(ValueError, match=r"must|neither|error envelope"):
        parse_update(body)


_json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_json = st.recursive(
    _json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
_keys = st.sampled_from(
    ["ok", "result", "event_name", "message", "message_id", "chat", "id", "from", "date", "text"]
)
_near_update: st.SearchStrategy[Any] = st.recursive(
    _json_scalars,
    lambda children: st.dictionaries(_keys, children, max_size=6) | st.lists(children, max_size=3),
    max_leaves=30,
)


@given(_json | _near_update)
def test_parse_update_raises_nothing_but_value_error(body: Any) -> None:
    try:
        result = parse_update(body)
    except ValueError:
        return
    assert result is None or isinstance(result["message"], dict)


def test_all_errors_share_one_root() -> None:
    for error_type in (
        ZaloConnectionError,
        ZaloAPIError,
        ZaloUnauthorizedError,
        ZaloForbiddenError,
        ZaloRateLimitError,
    ):
        assert issubclass(error_type, ZaloError)
    assert issubclass(ZaloRateLimitError, ZaloAPIError)
