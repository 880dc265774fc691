"""A fake Zalo Bot API server on loopback, for end-to-end tests over real HTTP.

Built from docs/zalo-bot-api.md: ``/bot{token}/{method}``, GET or POST JSON, answers
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``.

    async with FakeZaloServer(token="1234:secret") as server:
        user = server.user("e4ea2cd5189df1c3a88c", display_name="Nguyễn Văn A")
        await user.send_text("Xin chào")          # queued for getUpdates, or POSTed to the webhook
        reply = await user.expect_message(contains="chào")

Like the real API, ``getUpdates`` hands out ONE update per call with no offset; an empty long
poll is answered ``{"ok": false, "error_code": 408, "description": "Request timeout"}`` (as the
live API does; ``poll_timeout_shape = "null"`` answers ``{"ok": true, "result": null}`` instead).
Duplicates are simulated on demand (``duplicate=True``, :meth:`FakeZaloServer.redeliver`).
Methods Zalo does not have (editMessageText, answerCallbackQuery, sendDocument, ...) get 404.

``sendPhoto`` takes the photo as an http(s) URL, as Zalo does. With ``fetch_photos = True`` the
server also downloads it before answering, as Zalo must to deliver it, records the bytes and
Content-Type on the :class:`SentMessage`, and refuses (400) a photo it cannot download.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import secrets
import socket
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType
from typing import Any, Final, Literal, Self
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

__all__ = [
    "SECRET_HEADER",
    "FakeZaloServer",
    "FakeZaloUser",
    "Fault",
    "Faults",
    "RateViolations",
    "SentMessage",
    "WebhookAttempt",
    "new_zalo_id",
]

SECRET_HEADER: Final = "X-Bot-Api-Secret-Token"
MAX_TEXT_LENGTH: Final = 2000
MAX_POLL_SECONDS: Final = 120.0
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
CHAT_ACTIONS: Final = frozenset({"typing", "upload_photo"})
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_dumps: Final = partial(json.dumps, ensure_ascii=False)

FaultKind = Literal["429", "500", "403", "slow"]
Handler = Callable[[web.Request, dict[str, Any]], Awaitable[web.StreamResponse]]


def new_zalo_id() -> str:
    """A random id shaped like Zalo's user, chat and message ids (20 hex digits)."""
    return secrets.token_hex(10)


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _error(code: int, description: str, *, status: int | None = None, **extra: Any) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description, **extra}
    return web.json_response(body, status=status or code, dumps=_dumps)


def _is_http_url(value: object, *, https_only: bool) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return not https_only or parts.scheme == "https" or parts.hostname in _LOOPBACK_HOSTS


@dataclass(frozen=True, slots=True)
class SentMessage:
    """One message the bot sent (sendMessage, sendPhoto or sendSticker)."""

    method: str
    chat_id: str
    message_id: str
    date: int
    text: str | None = None
    photo: str | None = None
    caption: str | None = None
    sticker: str | None = None
    # With `fetch_photos`: what the photo URL gave when the message was sent.
    photo_data: bytes | None = None
    photo_type: str | None = None

    @property
    def content(self) -> str:
        """The text, or the photo's caption; empty for a sticker."""
        return self.text or self.caption or ""


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """One POST of an update to the webhook: its HTTP status, or the error that stopped it."""

    message_id: str
    url: str
    status: int | None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(slots=True)
class Fault:
    """An injected failure for a method (and optionally one chat); ``times=None``: forever."""

    method: str
    kind: FaultKind
    times: int | None = 1
    retry_after: int = 1
    delay: float = 1.0
    chat_id: str | None = None


class Faults:
    """Injected failures, consumed in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self,
        method: str,
        kind: FaultKind,
        *,
        times: int | None = 1,
        retry_after: int = 1,
        delay: float = 1.0,
        chat_id: str | None = None,
    ) -> Fault:
        """Fail the next ``times`` calls of ``method``: 429 (with ``retry_after``), 500, 403, or
        ``slow`` (answer normally after ``delay`` seconds)."""
        if kind not in ("429", "500", "403", "slow"):
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(method, kind, times, retry_after, delay, chat_id)
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Drop every pending fault."""
        self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)

    def take(self, method: str, chat_id: object) -> Fault | None:
        """The fault to apply to this call, if any (consuming one of its ``times``)."""
        for fault in self._faults:
            if fault.method == method and fault.chat_id in (None, chat_id):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                return fault
        return None


@dataclass(slots=True)
class RateViolations:
    """Messages sent beyond the global per-second budget, and beyond 1/s per chat (+ burst)."""

    global_count: int = 0
    per_chat: Counter[str] = field(default_factory=Counter)

    @property
    def per_chat_total(self) -> int:
        return sum(self.per_chat.values())

    @property
    def total(self) -> int:
        return self.global_count + self.per_chat_total


class _TokenBucket:
    __slots__ = ("capacity", "last", "rate", "tokens")

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.last = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class FakeZaloUser:
    """A Zalo user in a private chat with the bot (chat id == user id)."""

    def __init__(self, server: FakeZaloServer, user_id: str, display_name: str) -> None:
        self.server = server
        self.id = user_id
        self.display_name = display_name
        self.messages: list[SentMessage] = []
        self.chat_actions: list[str] = []
        self._read = 0
        self._changed = asyncio.Condition()

    @property
    def chat_id(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"FakeZaloUser({self.id!r}, display_name={self.display_name!r})"

    async def send_text(self, text: str, *, duplicate: bool = False) -> dict[str, Any]:
        """The user types ``text``; returns the update (``duplicate``: Zalo delivers it twice)."""
        return self._emit("message.text.received", {"text": text}, duplicate)

    async def send_image(
        self, photo_url: str, caption: str | None = None, *, duplicate: bool = False
    ) -> dict[str, Any]:
        """The user sends a photo (with an optional caption)."""
        fields: dict[str, Any] = {"photo_url": photo_url}
        if caption is not None:
            fields["caption"] = caption
        return self._emit("message.image.received", fields, duplicate)

    async def send_sticker(
        self, sticker: str | None = None, *, duplicate: bool = False
    ) -> dict[str, Any]:
        """The user sends a sticker."""
        return self._emit(
            "message.sticker.received", {"sticker": sticker or new_zalo_id()}, duplicate
        )

    async def send_unsupported(self, *, duplicate: bool = False) -> dict[str, Any]:
        """The user sends something the Bot API does not describe (a file, a location...)."""
        return self._emit("message.unsupported.received", {}, duplicate)

    def _emit(self, event_name: str, fields: dict[str, Any], duplicate: bool) -> dict[str, Any]:
        message = {
            "message_id": new_zalo_id(),
            "date": _now_ms(),
            "chat": {"id": self.id, "chat_type": "PRIVATE"},
            "from": {"id": self.id, "display_name": self.display_name, "is_bot": False},
            **fields,
        }
        update = {"event_name": event_name, "message": message}
        self.server._publish(update)
        if duplicate:
            self.server._publish(update)
        return update

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - reads better at the call site of a test helper
        contains: str | None = None,
    ) -> SentMessage:
        """The next unread message the bot sent this user; with ``contains``, the next one whose
        text or caption contains it (earlier unread ones are passed over). AssertionError if
        none arrives within ``timeout`` seconds."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                while True:
                    while self._read < len(self.messages):
                        message = self.messages[self._read]
                        self._read += 1
                        if contains is None or contains in message.content:
                            return message
                    await self._changed.wait()
        except TimeoutError:
            wanted = f" containing {contains!r}" if contains else ""
            seen = [m.content for m in self.messages]
            raise AssertionError(
                f"{self!r}: no message{wanted} within {timeout}s; all messages so far: {seen}"
            ) from None

    async def expect_no_message(self, within: float = 0.3) -> None:
        """Assert the bot sends this user nothing new for ``within`` seconds."""
        unread = len(self.messages) - self._read
        if unread:
            raise AssertionError(f"{self!r} has unread messages: {self.messages[self._read :]}")
        count = len(self.messages)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(lambda: len(self.messages) > count)
        if len(self.messages) > count:
            raise AssertionError(f"{self!r} got unexpected {self.messages[count:]}")

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


class FakeZaloServer:
    """A Zalo Bot API stand-in on 127.0.0.1 (random port); use as an async context manager."""

    def __init__(
        self,
        token: str = "1234:secret",  # noqa: S107 - a fake server's fake token
        *,
        host: str = "127.0.0.1",
        global_rate_limit: float = 30.0,
        chat_rate_limit: float = 1.0,
        chat_burst: int = 3,
        webhook_retry_delay: float = 0.05,
        webhook_timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``global_rate_limit`` messages/s over all chats and ``chat_rate_limit`` per chat
        (tolerating bursts of ``chat_burst``) are observed, never enforced: overruns are
        counted in :attr:`rate_violations`. ``clock`` (seconds) drives that accounting."""
        self.token = token
        self.bot_id = token.split(":", 1)[0]
        self.host = host
        self.faults = Faults()
        self.calls: Counter[str] = Counter()
        self.sent: list[SentMessage] = []
        self.sent_by_chat: dict[str, list[SentMessage]] = {}
        self.chat_actions: list[tuple[str, str]] = []
        self.rate_violations = RateViolations()
        self.webhook_shape: Literal["wrapped", "bare"] = "wrapped"
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.webhook_attempts: list[WebhookAttempt] = []
        self.webhook_delivered: list[dict[str, Any]] = []
        self.poll_timeout_shape: Literal["error", "null"] = "error"
        self.fetch_photos = False
        self.blocked: set[str] = set()
        self.updates: dict[str, dict[str, Any]] = {}
        self._webhook_url: str | None = None
        self._webhook_secret: str | None = None
        self._webhook_updated_at = 0
        self._users: dict[str, FakeZaloUser] = {}
        self._pending: deque[dict[str, Any]] = deque()
        self._available = asyncio.Event()
        self._changed = asyncio.Condition()
        self._lanes: dict[str, deque[dict[str, Any]]] = {}
        self._lane_tasks: dict[str, asyncio.Task[None]] = {}
        self._clock = clock
        self._global_bucket = _TokenBucket(global_rate_limit, global_rate_limit, clock())
        self._chat_rate = chat_rate_limit
        self._chat_burst = chat_burst
        self._chat_buckets: dict[str, _TokenBucket] = {}
        self._closing = False
        self._pollers = 0
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._port: int | None = None
        self._methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }

    # -- lifecycle -----------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Listen on ``host`` at a free port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((self.host, 0))
            site = web.SockSite(runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            await runner.cleanup()
            raise
        self._port = sock.getsockname()[1]
        self._runner = runner
        self._session = aiohttp.ClientSession()

    async def close(self) -> None:
        """Stop webhook deliveries, end pending long polls, and stop listening."""
        self._closing = True
        self._available.set()
        tasks = list(self._lane_tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: give it to the client as its API base."""
        if self._port is None:
            raise RuntimeError("the server is not started")
        return f"http://{self.host}:{self._port}"

    # -- users and updates ---------------------------------------------------------------------

    def user(self, user_id: str | None = None, *, display_name: str | None = None) -> FakeZaloUser:
        """The user with this id (created on first use; a random id if none is given)."""
        user_id = user_id or new_zalo_id()
        user = self._users.get(user_id)
        if user is None:
            user = FakeZaloUser(self, user_id, display_name or f"Người dùng {user_id[:6]}")
            self._users[user_id] = user
            self.sent_by_chat[user_id] = user.messages
        elif display_name is not None:
            user.display_name = display_name
        return user

    @property
    def users(self) -> list[FakeZaloUser]:
        return list(self._users.values())

    def redeliver(self, message_id: str) -> None:
        """Hand out an update already sent once more, as Zalo sometimes does."""
        self._publish(self.updates[message_id])

    def block(self, chat_id: str) -> None:
        """The user blocks the bot: sends to this chat get 403."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: str) -> None:
        self.blocked.discard(chat_id)

    @property
    def pending_updates(self) -> int:
        """Updates waiting for getUpdates."""
        return len(self._pending)

    @property
    def waiting_pollers(self) -> int:
        """getUpdates calls now waiting in a long poll."""
        return self._pollers

    @property
    def webhook_url(self) -> str | None:
        return self._webhook_url

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - as in expect_message
    ) -> None:
        """Wait until ``predicate()`` holds; it is re-checked whenever the bot sends a message,
        a long poll starts, or a webhook POST is answered. AssertionError after ``timeout`` s."""
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(predicate)
        except TimeoutError:
            raise AssertionError(f"condition not met within {timeout}s") from None

    async def wait_sent(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has sent at least ``count`` messages in all."""
        await self.wait_for(lambda: len(self.sent) >= count, timeout)

    def _publish(self, update: dict[str, Any]) -> None:
        message = update["message"]
        self.updates[message["message_id"]] = update
        if self._webhook_url is None:
            self._pending.append(update)
            self._available.set()
            return
        chat_id = message["chat"]["id"]
        self._lanes.setdefault(chat_id, deque()).append(update)
        if chat_id not in self._lane_tasks and not self._closing:
            self._lane_tasks[chat_id] = asyncio.create_task(self._run_lane(chat_id))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # -- webhook delivery ----------------------------------------------------------------------

    async def _run_lane(self, chat_id: str) -> None:
        # One lane per chat keeps each chat's updates in order while chats proceed in parallel.
        lane = self._lanes[chat_id]
        try:
            while lane:
                if not await self._deliver(lane[0]):
                    # The webhook was removed: the rest waits for getUpdates, in order.
                    self._pending.extend(lane)
                    lane.clear()
                    self._available.set()
                    break
                lane.popleft()
        finally:
            self._lane_tasks.pop(chat_id, None)
            if not lane:
                self._lanes.pop(chat_id, None)

    async def _deliver(self, update: dict[str, Any]) -> bool:
        assert self._session is not None
        timeout = aiohttp.ClientTimeout(total=self.webhook_timeout)
        while True:
            url, secret = self._webhook_url, self._webhook_secret
            if url is None or secret is None:
                return False
            body = update if self.webhook_shape == "bare" else {"ok": True, "result": update}
            status: int | None = None
            error: str | None = None
            try:
                async with self._session.post(
                    url,
                    data=_dumps(body).encode(),
                    headers={SECRET_HEADER: secret, "Content-Type": "application/json"},
                    timeout=timeout,
                ) as response:
                    status = response.status
                    await response.read()
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"{type(exc).__name__}: {exc}"
            attempt = WebhookAttempt(update["message"]["message_id"], url, status, error)
            self.webhook_attempts.append(attempt)
            if attempt.delivered:
                self.webhook_delivered.append(update)
                await self._notify()
                return True
            await self._notify()
            await asyncio.sleep(self.webhook_retry_delay)

    # -- HTTP ----------------------------------------------------------------------------------

    def _route(self, request: web.Request) -> str | web.Response:
        """The API method named by ``/bot{token}/{method}``, or the error answer."""
        token, slash, method = request.path.removeprefix("/bot").partition("/")
        if not request.path.startswith("/bot") or not slash or not method or "/" in method:
            return _error(404, "Not Found")
        if not hmac.compare_digest(token.encode(), self.token.encode()):
            return _error(401, "Unauthorized")
        if request.method not in ("GET", "POST"):
            return _error(405, "Method Not Allowed")
        return method

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = self._route(request)
        if not isinstance(method, str):
            return method
        params = await self._params(request)
        if params is None:
            return _error(400, "Bad Request: the body must be a JSON object")
        self.calls[method] += 1
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, f"Not Found: method {method} does not exist")
        fault = self.faults.take(method, params.get("chat_id"))
        if fault is not None:
            failure = await self._apply(fault)
            if failure is not None:
                return failure
        return await handler(request, params)

    async def _apply(self, fault: Fault) -> web.Response | None:
        """The error answer for this fault, or None to go on (after a delay, for ``slow``)."""
        if fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            return None
        if fault.kind == "429":
            return self._rate_limited(fault.retry_after)
        if fault.kind == "403":
            return _error(403, "Forbidden: the user has blocked the bot")
        return _error(500, "Internal Server Error")

    @staticmethod
    def _rate_limited(retry_after: int) -> web.Response:
        response = _error(
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
        )
        response.headers["Retry-After"] = str(retry_after)
        return response

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any] | None:
        params: dict[str, Any] = dict(request.query)
        if request.method != "POST" or not request.can_read_body:
            return params
        raw = await request.read()
        if not raw.strip():
            return params
        if request.content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
            return params
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(body, dict):
            return None
        params.update(body)
        return params

    def _check_chat(self, chat_id: object) -> web.Response | None:
        if not isinstance(chat_id, str) or not chat_id:
            return _error(400, "Bad Request: chat_id must be a non-empty string")
        if chat_id not in self._users:
            return _error(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            return _error(403, "Forbidden: the user has blocked the bot")
        return None

    async def _record(self, message: SentMessage) -> web.Response:
        self.sent.append(message)
        self.sent_by_chat[message.chat_id].append(message)
        self._observe_rate(message.chat_id)
        await self._users[message.chat_id]._notify()
        await self._notify()
        return _ok({"message_id": message.message_id, "date": message.date})

    def _observe_rate(self, chat_id: str) -> None:
        now = self._clock()
        if not self._global_bucket.take(now):
            self.rate_violations.global_count += 1
        bucket = self._chat_buckets.get(chat_id)
        if bucket is None:
            bucket = self._chat_buckets[chat_id] = _TokenBucket(
                self._chat_rate, self._chat_burst, now
            )
        if not bucket.take(now):
            self.rate_violations.per_chat[chat_id] += 1

    # -- methods -------------------------------------------------------------------------------

    async def _get_me(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "id": self.bot_id,
                "account_name": f"bot.{self.bot_id}",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    async def _get_updates(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        if self._webhook_url is not None:
            return _error(409, "Conflict: getUpdates is not available while a webhook is set")
        raw_timeout = params.get("timeout", 30)
        try:
            timeout = float(raw_timeout)
        except (TypeError, ValueError):
            return _error(400, "Bad Request: timeout must be a number of seconds")
        if isinstance(raw_timeout, bool) or not 0 <= timeout <= MAX_POLL_SECONDS:
            return _error(400, f"Bad Request: timeout must be 0-{MAX_POLL_SECONDS:g} seconds")
        self._pollers += 1
        await self._notify()
        try:
            update = await self._next_update(timeout, request)
        finally:
            self._pollers -= 1
        if update is not None:
            return _ok(update)
        if self.poll_timeout_shape == "null":
            return _ok(None)
        return _error(408, "Request timeout", status=200)

    async def _next_update(self, seconds: float, request: web.Request) -> dict[str, Any] | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self._pending:
            remaining = deadline - loop.time()
            if self._closing or self._webhook_url is not None or remaining <= 0:
                return None
            self._available.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._available.wait()
            except TimeoutError:
                return None
        update = self._pending.popleft()
        transport = request.transport
        if transport is None or transport.is_closing():
            # The poller hung up: keep the update for the next one rather than lose it.
            self._pending.appendleft(update)
            self._available.set()
            return None
        return update

    async def _set_webhook(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        url = params.get("url")
        secret = params.get("secret_token")
        if not _is_http_url(url, https_only=True):
            return _error(400, "Bad Request: url must be an HTTPS URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must be 8-256 characters")
        assert isinstance(url, str)
        self._webhook_url = url
        self._webhook_secret = secret
        self._webhook_updated_at = _now_ms()
        self._available.set()  # long polls in progress end now
        waiting = list(self._pending)
        self._pending.clear()
        for update in waiting:
            self._publish(update)
        return _ok({"url": url, "updated_at": self._webhook_updated_at})

    async def _delete_webhook(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        self._webhook_url = None
        self._webhook_secret = None
        self._webhook_updated_at = _now_ms()
        return _ok({"url": "", "updated_at": self._webhook_updated_at})

    async def _get_webhook_info(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        return _ok({"url": self._webhook_url or "", "updated_at": self._webhook_updated_at})

    async def _send_message(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        chat_id, text = params.get("chat_id"), params.get("text")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT_LENGTH:
            return _error(400, f"Bad Request: text must be 1-{MAX_TEXT_LENGTH} characters")
        assert isinstance(chat_id, str)
        return await self._record(
            SentMessage("sendMessage", chat_id, new_zalo_id(), _now_ms(), text=text)
        )

    async def _send_photo(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        chat_id, photo, caption = params.get("chat_id"), params.get("photo"), params.get("caption")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        if not _is_http_url(photo, https_only=False):
            return _error(400, "Bad Request: photo must be a URL")
        if caption is not None and (not isinstance(caption, str) or len(caption) > MAX_TEXT_LENGTH):
            return _error(400, f"Bad Request: caption must be at most {MAX_TEXT_LENGTH} characters")
        assert isinstance(chat_id, str)
        assert isinstance(photo, str)
        data: bytes | None = None
        content_type: str | None = None
        if self.fetch_photos:
            fetched = await self._fetch_photo(photo)
            if fetched is None:
                return _error(400, "Bad Request: the photo could not be downloaded")
            data, content_type = fetched
        return await self._record(
            SentMessage(
                "sendPhoto",
                chat_id,
                new_zalo_id(),
                _now_ms(),
                photo=photo,
                caption=caption,
                photo_data=data,
                photo_type=content_type,
            )
        )

    async def _fetch_photo(self, url: str) -> tuple[bytes, str] | None:
        """The photo's bytes and Content-Type, or None unless it answers 200 with an image."""
        assert self._session is not None
        try:
            async with self._session.get(
                url, timeout=aiohttp.ClientTimeout(total=5), allow_redirects=False
            ) as response:
                data = await response.content.read(MAX_PHOTO_BYTES + 1)
                content_type = response.headers.get("Content-Type", "")
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            return None
        if status != 200 or not content_type.startswith("image/") or len(data) > MAX_PHOTO_BYTES:
            return None
        return data, content_type

    async def _send_sticker(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        chat_id, sticker = params.get("chat_id"), params.get("sticker")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        if not isinstance(sticker, str) or not sticker:
            return _error(400, "Bad Request: sticker must be a sticker id")
        assert isinstance(chat_id, str)
        return await self._record(
            SentMessage("sendSticker", chat_id, new_zalo_id(), _now_ms(), sticker=sticker)
        )

    async def _send_chat_action(self, request: web.Request, params: dict[str, Any]) -> web.Response:
        chat_id, action = params.get("chat_id"), params.get("action")
        refused = self._check_chat(chat_id)
        if refused is not None:
            return refused
        if action not in CHAT_ACTIONS:
            return _error(400, f"Bad Request: action must be one of {sorted(CHAT_ACTIONS)}")
        assert isinstance(chat_id, str)
        assert isinstance(action, str)
        self.chat_actions.append((chat_id, action))
        self._users[chat_id].chat_actions.append(action)
        return _ok(True)
