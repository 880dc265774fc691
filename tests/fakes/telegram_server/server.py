"""The aiohttp application on loopback and its state: the Bot API methods, updates, files.

``FakeTelegramServer`` answers ``/bot<token>/<method>`` and ``/file/bot<token>/<path>``,
validates every call (``spec``), injects faults and counts rate violations (``faults``), keeps
chats and users (``users``) and delivers updates through ``getUpdates`` or a webhook
(``webhook``). See the package docstring for what it fakes and checks.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, Self, cast
from urllib.parse import urlsplit

from aiohttp import web

from tests.fakes.telegram_server.common import _FILE_DIRS, ApiError, JsonDict, _dumps, bad_request
from tests.fakes.telegram_server.faults import (
    FaultInjector,
    RateLimits,
    RateViolation,
    _Disconnect,
    _HtmlError,
    apply_fault,
)
from tests.fakes.telegram_server.multipart import Upload, parse_reply_body, read_params
from tests.fakes.telegram_server.parse_mode import parse_entities
from tests.fakes.telegram_server.records import (
    ApiCall,
    BotMessage,
    FakeFile,
    WaitTimeout,
    WebhookAttempt,
    _Signal,
)
from tests.fakes.telegram_server.spec import _URL_RE, SPEC, ObjectSpec, _Checker
from tests.fakes.telegram_server.users import FakeChat, FakeUser
from tests.fakes.telegram_server.webhook import _Pending, _Webhook

MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024


BOT_FIRST_NAME: Final = "Bot Thi đua CCHC"
BOT_USERNAME: Final = "thidua_test_bot"
CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update kinds that are not delivered unless asked for in allowed_updates.
OPT_IN_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_MEDIA_METHODS: Final = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}


_CONTENT_KEYS: Final = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    *_FILE_DIRS,
    "contact",
    "location",
    "dice",
)
_CONFLICT_POLL: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CONFLICT_WEBHOOK: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


_SECRET_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _kind_of(update: Mapping[str, Any]) -> str:
    return next(k for k in update if k != "update_id")


def _scope_chat_id(params: Mapping[str, Any]) -> Any:
    """The chat a command-menu call is about (its scope's chat), for faults and the record."""
    scope = params.get("scope")
    return scope.get("chat_id") if isinstance(scope, Mapping) else None


Handler = Callable[[JsonDict], Awaitable[Any]]


class FakeTelegramServer:
    """The fake Bot API server; see the package docstring."""

    def __init__(
        self,
        token: str = "123:ABC",  # noqa: S107 - a fake server's fake token
        *,
        strict: bool = True,
        rate_limits: RateLimits | None = None,
        webhook_retry_delay: float = 0.05,
        webhook_timeout: float = 10.0,
        callback_answer_timeout: float = 15.0,
        long_poll_cap: float = 50.0,
        first_update_id: int = 100_000_001,
        bot_first_name: str = BOT_FIRST_NAME,
        bot_username: str = BOT_USERNAME,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.strict = strict
        self.rate_limits = rate_limits or RateLimits()
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.callback_answer_timeout = callback_answer_timeout
        self.long_poll_cap = long_poll_cap
        """getUpdates waits at most this long whatever its timeout (lower it to stop bots fast)."""
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username

        self.calls: list[ApiCall] = []
        """Every request, failed ones included."""
        self.sent: list[ApiCall] = []
        """Every successful call except getUpdates."""
        self.faults = FaultInjector()
        self.rate_violations: list[RateViolation] = []
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        """setMyCommands payloads by (scope key, language_code); scope keys: "default",
        "all_private_chats", "chat:<id>", "chat_administrators:<id>", "chat_member:<id>:<user>"."""
        self.profile: dict[tuple[str, str], str] = {}
        """("description" | "short_description" | "name", language_code) -> text."""
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.callback_answers: dict[str, JsonDict] = {}
        self.files: dict[str, FakeFile] = {}
        self.updates: dict[int, JsonDict] = {}
        """Every update ever created, by update_id."""
        self.delivery_counts: dict[int, int] = {}
        """update_id -> times handed to the bot (getUpdates answers + successful webhook POSTs)."""
        self.dropped_updates: list[JsonDict] = []
        """Updates not queued because allowed_updates excluded their kind."""
        self.webhook_attempts: list[WebhookAttempt] = []
        self.webhook_delivery_count = 0
        self.conflicts = 0

        self._chats: dict[int, FakeChat] = {}
        self._users: dict[int, FakeUser] = {}
        self._files_by_path: dict[str, FakeFile] = {}
        self._sent_by_method: dict[str, list[ApiCall]] = {}
        self._callbacks: dict[str, tuple[FakeUser, float]] = {}
        self._queue: deque[_Pending] = deque()
        self._dups: deque[_Pending] = deque()
        self._allowed: frozenset[str] | None = None
        self._webhook: _Webhook | None = None
        self._poller: list[bool] | None = None  # [terminated] of the running getUpdates
        self._updates_signal = _Signal()
        self._changed = _Signal()
        self._next_update_id = first_update_id
        self._counter = itertools.count(1)
        self._global_sends: deque[float] = deque()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendMediaGroup": self._send_media_group,
            "sendContact": partial(self._send_other, "sendContact"),
            "sendLocation": partial(self._send_other, "sendLocation"),
            "sendDice": partial(self._send_other, "sendDice"),
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": partial(self._set_profile, "description"),
            "getMyDescription": partial(self._get_profile, "description"),
            "setMyShortDescription": partial(self._set_profile, "short_description"),
            "getMyShortDescription": partial(self._get_profile, "short_description"),
            "setMyName": partial(self._set_profile, "name"),
            "getMyName": partial(self._get_profile, "name"),
            "setChatMenuButton": self._set_menu_button,
            "getChatMenuButton": self._get_menu_button,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        for method in _MEDIA_METHODS:
            self._handlers[method] = partial(self._send_media, method)

    # --- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=2048).start()

    async def stop(self) -> None:
        """Stop webhook delivery, answer waiting long polls, close the listener."""
        self._closing = True
        self._updates_signal.notify()
        self._changed.notify()
        if self._webhook is not None:
            hook, self._webhook = self._webhook, None
            await hook.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    close = stop

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def api_url(self, method: str) -> str:
        return f"{self.base_url}/bot{self.token}/{method}"

    def file_url(self, file_path: str) -> str:
        return f"{self.base_url}/file/bot{self.token}/{file_path}"

    @property
    def bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # --- users and chats ------------------------------------------------------------------

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Người dùng",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        started: bool = True,
    ) -> FakeUser:
        """The user with this id (created on first use, with a private chat of the same id).

        `started=False`: the user has never opened the bot, so sending to them answers 403
        "bot can't initiate conversation with a user" until they write.
        """
        if user_id is None:
            user_id = 10_000_000 + next(self._counter)
        if (existing := self._users.get(user_id)) is not None:
            return existing
        chat = FakeChat(
            self, user_id, "private", username=username, first_name=first_name, last_name=last_name
        )
        chat.started = started
        chat.members.add(user_id)
        self._chats[user_id] = chat
        user = FakeUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            chat=chat,
        )
        self._users[user_id] = user
        return user

    @property
    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    def group(
        self,
        chat_id: int,
        title: str = "Nhóm thi đua",
        *,
        chat_type: Literal["group", "supergroup"] = "supergroup",
        members: Iterable[FakeUser] = (),
        username: str | None = None,
    ) -> FakeChat:
        """A group chat the bot is in; users write there with ``send_text(..., chat=group)``."""
        if (existing := self._chats.get(chat_id)) is not None:
            return existing
        chat = FakeChat(self, chat_id, chat_type, title=title, username=username)
        chat.members.update(u.id for u in members)
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> FakeChat:
        return self._chats[chat_id]

    def block(self, chat_id: int, *, notify: bool = False) -> None:
        """The user blocks the bot: sends to them answer 403 "bot was blocked by the user"."""
        chat = self._chats[chat_id]
        chat.blocked = True
        if notify and (user := self._users.get(chat_id)) is not None:
            self.enqueue_update(
                "my_chat_member", self._member_update(user, "member", "kicked"), chat_key=chat_id
            )

    def unblock(self, chat_id: int, *, notify: bool = False) -> None:
        chat = self._chats[chat_id]
        chat.blocked = False
        if notify and (user := self._users.get(chat_id)) is not None:
            self.enqueue_update(
                "my_chat_member", self._member_update(user, "kicked", "member"), chat_key=chat_id
            )

    def _member_update(self, user: FakeUser, old: str, new: str) -> JsonDict:
        def member(status: str) -> JsonDict:
            m: JsonDict = {"status": status, "user": self.bot_user}
            if status == "kicked":
                m["until_date"] = 0
            return m

        return {
            "chat": user.chat.to_dict(),
            "from": user.to_dict(),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    def messages_to(self, chat_id: int) -> list[BotMessage]:
        chat = self._chats.get(chat_id)
        return list(chat.messages) if chat else []

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.text or "" for m in self.messages_to(chat_id)]

    # --- files ----------------------------------------------------------------------------

    def add_file(
        self,
        data: bytes,
        *,
        kind: str = "document",
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> FakeFile:
        """Store a file; getFile and /file/bot<token>/<path> serve it."""
        n = next(self._counter)
        ext = (
            Path(file_name).suffix
            if file_name
            else {"photo": ".jpg", "sticker": ".webp"}.get(kind, "")
        )
        f = FakeFile(
            file_id=f"{kind[:2].upper()}ACAgUAAxkB{n:08d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AgAD{n:06d}{secrets.token_hex(3)}",
            file_path=f"{_FILE_DIRS.get(kind, 'documents')}/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self.files[f.file_id] = f
        self._files_by_path[f.file_path] = f
        return f

    def _photo_sizes(self, data: bytes, width: int, height: int) -> list[JsonDict]:
        sizes = []
        for w, h in (
            (max(1, width * 90 // max(width, height)), max(1, height * 90 // max(width, height))),
            (width, height),
        ):
            f = self.add_file(data, kind="photo", mime_type="image/jpeg")
            sizes.append(
                {
                    "file_id": f.file_id,
                    "file_unique_id": f.file_unique_id,
                    "file_size": f.file_size,
                    "width": w,
                    "height": h,
                }
            )
        return sizes

    # --- updates --------------------------------------------------------------------------

    def enqueue_update(
        self, kind: str, payload: JsonDict, *, chat_key: int | None = None, duplicate: bool = False
    ) -> JsonDict:
        """Queue ``{"update_id": next, kind: payload}`` for delivery; returns the update."""
        uid = self._next_update_id
        self._next_update_id += 1
        update: JsonDict = {"update_id": uid, kind: payload}
        self.updates[uid] = update
        if not self._allowed_kind(kind):
            self.dropped_updates.append(update)
            return update
        self._route(_Pending(uid, update, chat_key))
        if duplicate:
            self._route(_Pending(uid, update, chat_key, duplicate=True))
        return update

    def deliver_twice(self, update_id: int) -> JsonDict:
        """Deliver update `update_id` once more, same update_id, even if already confirmed."""
        update = self.updates[update_id]
        self._route(_Pending(update_id, update, self._chat_key(update), duplicate=True))
        return update

    redeliver = deliver_twice

    @property
    def pending_update_count(self) -> int:
        if self._webhook is not None:
            return self._webhook.pending
        return len(self._queue) + len(self._dups)

    @property
    def long_polling(self) -> bool:
        """Whether a getUpdates request is waiting right now."""
        return self._poller is not None

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.url if self._webhook else None

    @staticmethod
    def _chat_key(update: Mapping[str, Any]) -> int | None:
        payload = update[_kind_of(update)]
        if not isinstance(payload, dict):
            return None
        if isinstance(chat := payload.get("chat"), dict):
            return cast(int, chat.get("id"))
        if isinstance(msg := payload.get("message"), dict) and isinstance(
            chat := msg.get("chat"), dict
        ):
            return cast(int, chat.get("id"))
        if isinstance(sender := payload.get("from"), dict):
            return cast(int, sender.get("id"))
        return None

    def _allowed_kind(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in OPT_IN_UPDATES
        return kind in self._allowed

    def _route(self, item: _Pending) -> None:
        if self._webhook is not None:
            self._webhook.dispatch(item)
        elif item.duplicate:
            self._dups.append(item)
        else:
            self._queue.append(item)
        self._updates_signal.notify()
        self._changed.notify()

    def _delivered(self, item: _Pending) -> None:
        self.delivery_counts[item.update_id] = self.delivery_counts.get(item.update_id, 0) + 1
        self.webhook_delivery_count += 1
        self._changed.notify()

    def _press(self, user: FakeUser, message: BotMessage, data: str, duplicate: bool) -> JsonDict:
        qid = f"{self.bot_id}{next(self._counter):012d}"
        self._callbacks[qid] = (user, time.monotonic())
        payload = {
            "id": qid,
            "from": user.to_dict(),
            "message": message.message,
            "chat_instance": str(abs(hash((self.bot_id, message.chat_id)))),
            "data": data,
        }
        return self.enqueue_update(
            "callback_query", payload, chat_key=message.chat_id, duplicate=duplicate
        )

    # --- waiting --------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until `predicate()` holds; re-checked on every call, update and delivery."""
        if not await self._changed.wait_until(predicate, timeout):
            raise WaitTimeout(f"condition not met within {timeout}s")

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ApiCall:
        """The first successful call of `method` (optionally matching `where`), past or future."""
        calls = self._sent_by_method.setdefault(method, [])
        seen = 0
        found: list[ApiCall] = []

        def ready() -> bool:
            nonlocal seen
            while seen < len(calls):
                call = calls[seen]
                seen += 1
                if where is None or where(call):
                    found.append(call)
                    return True
            return False

        if not await self._changed.wait_until(ready, timeout):
            raise WaitTimeout(f"no matching {method} call within {timeout}s")
        return found[0]

    async def wait_sent(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until the bot has sent at least `count` messages (all chats)."""
        await self.wait_for(
            lambda: sum(len(c.messages) for c in self._chats.values()) >= count, timeout
        )

    async def wait_updates_consumed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until every queued update is confirmed (offset moved past it, or webhook got 2xx)."""
        if not await self._changed.wait_until(lambda: self.pending_update_count == 0, timeout):
            raise WaitTimeout(
                f"{self.pending_update_count} updates still unconfirmed after {timeout}s"
            )

    async def wait_callback_answer(self, query_id: str, timeout: float = 5.0) -> JsonDict:  # noqa: ASYNC109
        """The answerCallbackQuery parameters for `query_id`."""
        await self.wait_for(lambda: query_id in self.callback_answers, timeout)
        return self.callback_answers[query_id]

    # --- HTTP -----------------------------------------------------------------------------

    @staticmethod
    def _response(status: int, payload: JsonDict) -> web.Response:
        return web.Response(
            body=_dumps(payload).encode(), status=status, content_type="application/json"
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._response(401, ApiError(401, "Unauthorized").payload())
        f = self._files_by_path.get(request.match_info["path"])
        if f is None:
            return self._response(404, ApiError(404, "Not Found").payload())
        return web.Response(body=f.data, content_type=f.mime_type or "application/octet-stream")

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._response(401, ApiError(401, "Unauthorized").payload())
        spec = SPEC.method(request.match_info["method"])
        if spec is None:
            return self._response(404, ApiError(404, "Not Found").payload())
        try:
            raw, uploads = await read_params(request)
        except ApiError as e:
            return self._response(e.status, e.payload())
        try:
            status, payload = await self._execute(spec, raw, uploads)
        except _Disconnect:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        except _HtmlError as e:
            page = (
                f"<html><head><title>{e.status} Bad Gateway</title></head><body><center>"
                f"<h1>{e.status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
            )
            return web.Response(text=page, status=e.status, content_type="text/html")
        return self._response(status, payload)

    async def _execute(
        self, spec: ObjectSpec, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> tuple[int, JsonDict]:
        """Validate, inject faults, run the method; (status, body). Records the call."""
        method = spec.name
        now = time.time()
        chat_id: int | None = None
        params: JsonDict = dict(raw)
        try:
            params = _Checker(SPEC, uploads, self.strict).params(spec, raw)
            chat_id = self._chat_id_of(params.get("chat_id", _scope_chat_id(params)))
            if (fault := self.faults.take(method, chat_id)) is not None:
                await apply_fault(fault)
            handler = self._handlers.get(method) or partial(self._fallback, spec)
            result = await handler(params)
        except ApiError as e:
            self.calls.append(ApiCall(method, params, chat_id, now, e.status, None, e.description))
            self._changed.notify()
            return e.status, e.payload()
        except (_Disconnect, _HtmlError) as e:
            status = e.status if isinstance(e, _HtmlError) else 0
            self.calls.append(ApiCall(method, params, chat_id, now, status, None, type(e).__name__))
            raise
        except Exception as e:  # a bug in the fake: make it loud, not a hang
            error = ApiError(500, f"Internal Server Error: FakeTelegramServer failed: {e!r}")
            self.calls.append(ApiCall(method, params, chat_id, now, 500, None, error.description))
            return 500, error.payload()
        call = ApiCall(method, params, chat_id, now, 200, result)
        self.calls.append(call)
        if method != "getUpdates":
            self.sent.append(call)
            self._sent_by_method.setdefault(method, []).append(call)
        self._changed.notify()
        return 200, {"ok": True, "result": result}

    async def _run_webhook_reply(self, body: bytes, content_type: str) -> None:
        """A method in the webhook's answer is executed, as Telegram does."""
        raw, uploads = parse_reply_body(body, content_type)
        method = raw.pop("method", None)
        if isinstance(method, str) and (spec := SPEC.method(method)) is not None:
            with contextlib.suppress(_Disconnect, _HtmlError):
                await self._execute(spec, raw, uploads)

    # --- chat access and rate limits ------------------------------------------------------

    def _chat_id_of(self, value: Any) -> int | None:
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.startswith("@"):
            chat = self._chat_by_username(value[1:])
            return chat.id if chat else None
        return None

    def _chat_by_username(self, username: str) -> FakeChat | None:
        name = username.lower()
        return next(
            (c for c in self._chats.values() if c.username and c.username.lower() == name), None
        )

    def _find_chat(self, chat_id: Any) -> FakeChat:
        cid = self._chat_id_of(chat_id)
        chat = self._chats.get(cid) if cid is not None else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, chat_id: Any) -> FakeChat:
        chat = self._find_chat(chat_id)
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _rate_gate(self, chat: FakeChat, method: str) -> None:
        limits = self.rate_limits
        now = time.monotonic()
        g = self._global_sends
        while g and g[0] <= now - limits.global_window:
            g.popleft()
        per = chat._sends
        window, limit, scope = (
            (limits.chat_window, limits.chat_limit, "chat")
            if chat.is_private
            else (limits.group_window, limits.group_limit, "group")
        )
        while per and per[0] <= now - window:
            per.popleft()
        found: list[RateViolation] = []
        wall = time.time()
        if len(g) + 1 > limits.global_limit:
            found.append(RateViolation("global", chat.id, method, len(g) + 1, wall))
        if len(per) + 1 > limit:
            found.append(
                RateViolation(
                    cast(Literal["chat", "group"], scope), chat.id, method, len(per) + 1, wall
                )
            )
        if found:
            self.rate_violations.extend(found)
            if limits.enforce:
                waits = []
                if len(g) + 1 > limits.global_limit:
                    waits.append(g[0] + limits.global_window - now)
                if len(per) + 1 > limit:
                    waits.append(per[0] + window - now)
                ra = max(1, math.ceil(max(waits)))
                raise ApiError(429, f"Too Many Requests: retry after {ra}", {"retry_after": ra})
        g.append(now)
        per.append(now)

    # --- building messages ----------------------------------------------------------------

    @staticmethod
    def _visible(params: Mapping[str, Any], key: str) -> tuple[str | None, list[JsonDict]]:
        raw = params.get(key)
        if raw is None:
            return None, []
        ents_key = "entities" if key == "text" else "caption_entities"
        if ents_key in params:
            text, entities = raw, list(params[ents_key])
        else:
            text, entities = parse_entities(raw, params.get("parse_mode"))
        if key == "text":
            if not text.strip():
                raise bad_request("message text is empty")
            if len(text) > MAX_TEXT_LENGTH:
                raise bad_request("message is too long")
        elif len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return text, entities

    def _reply_target(self, chat: FakeChat, params: Mapping[str, Any]) -> JsonDict | None:
        rp = params.get("reply_parameters")
        if not rp:
            return None
        target_chat = self._find_chat(rp["chat_id"]) if rp.get("chat_id") is not None else chat
        target = target_chat._records.get(rp["message_id"])
        if target is None:
            if rp.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _new_bot_message(
        self,
        chat: FakeChat,
        method: str,
        params: JsonDict,
        content: JsonDict,
        *,
        text: str | None,
        raw_text: str | None,
        entities: list[JsonDict],
        file: FakeFile | None = None,
        gate: bool = True,
    ) -> BotMessage:
        reply = self._reply_target(chat, params)
        if gate:
            self._rate_gate(chat, method)
        msg: JsonDict = {
            "message_id": chat._next_message_id(),
            "from": self.bot_user,
            "chat": chat.to_dict(),
            "date": int(time.time()),
        }
        if reply is not None:
            msg["reply_to_message"] = reply
        msg.update(content)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        record = BotMessage(
            chat_id=chat.id,
            message_id=msg["message_id"],
            method=method,
            text=text,
            raw_text=raw_text,
            entities=entities,
            reply_markup=markup if isinstance(markup, dict) else None,
            params=params,
            message=msg,
            time=time.time(),
            file=file,
        )
        chat._add_bot_message(record)
        return record

    def _input_file(self, value: Any, kind: str) -> FakeFile:
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            return self.add_file(
                value.data, kind=kind, file_name=value.filename, mime_type=value.content_type
            )
        if isinstance(value, str):
            if value.startswith("attach://"):
                raise bad_request(f"file {value} is not attached")
            if (known := self.files.get(value)) is not None:
                return known
            if _URL_RE.fullmatch(value) and value.lower().startswith("http"):
                name = urlsplit(value).path.rsplit("/", 1)[-1] or None
                return self.add_file(b"", kind=kind, file_name=name, url=value)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _media_object(self, kind: str, f: FakeFile, params: Mapping[str, Any]) -> Any:
        base: JsonDict = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": f.file_size,
        }
        if kind == "photo":
            return self._photo_sizes(f.data, 1280, 960)
        if kind in ("document", "audio", "video", "animation", "voice"):
            if f.file_name and kind != "voice":
                base["file_name"] = f.file_name
            if f.mime_type:
                base["mime_type"] = f.mime_type
        if kind in ("audio", "video", "animation", "voice", "video_note"):
            base["duration"] = int(params.get("duration") or 1)
        if kind in ("video", "animation"):
            base["width"] = int(params.get("width") or 640)
            base["height"] = int(params.get("height") or 480)
        if kind == "video_note":
            base["length"] = int(params.get("length") or 240)
        if kind == "sticker":
            base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            if params.get("emoji"):
                base["emoji"] = params["emoji"]
        return base

    # --- method handlers ------------------------------------------------------------------

    async def _true(self, params: JsonDict) -> Any:
        return True

    async def _fallback(self, spec: ObjectSpec, params: JsonDict) -> Any:
        if spec.returns == ("Boolean",):
            return True
        if spec.returns[:1] == ("Message",) and "chat_id" in params:
            return await self._send_other(spec.name, params)
        raise bad_request(f"method {spec.name} is not emulated by FakeTelegramServer")

    async def _get_me(self, params: JsonDict) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict) -> Any:
        if self._webhook is not None:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(max(float(params.get("timeout", 0)), 0.0), self.long_poll_cap)
        if (allowed := params.get("allowed_updates")) is not None:
            self._allowed = frozenset(allowed) if allowed else None
        self._confirm(offset)
        if self._poller is not None:  # the older request loses, as on the real server
            self._poller[0] = True
            self.conflicts += 1
            self._updates_signal.notify()
        me = [False]
        self._poller = me
        self._changed.notify()
        try:
            if timeout > 0 and not (self._queue or self._dups):
                await self._updates_signal.wait_until(
                    lambda: (
                        bool(self._queue or self._dups)
                        or me[0]
                        or self._closing
                        or self._webhook is not None
                    ),
                    timeout,
                )
            if me[0]:
                raise ApiError(409, _CONFLICT_POLL)
            if self._webhook is not None:
                raise ApiError(409, _CONFLICT_WEBHOOK)
            return self._take(limit)
        finally:
            if self._poller is me:
                self._poller = None

    def _confirm(self, offset: int) -> None:
        q = self._queue
        before = len(q)
        if offset > 0:
            while q and q[0].update_id < offset:
                q.popleft()
        elif offset < 0:
            while len(q) > -offset:
                q.popleft()
        if len(q) != before:
            self._changed.notify()

    def _take(self, limit: int) -> list[JsonDict]:
        out: list[JsonDict] = []
        while self._dups and len(out) < limit:
            out.append(self._dups.popleft().update)
        out.extend(item.update for item in itertools.islice(self._queue, limit - len(out)))
        counts = self.delivery_counts
        for u in out:
            counts[u["update_id"]] = counts.get(u["update_id"], 0) + 1
        if out:
            self._changed.notify()
        return out

    async def _set_webhook(self, params: JsonDict) -> Any:
        url = params["url"]
        if not url:
            return await self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: invalid URL")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        max_conn = int(params.get("max_connections", 40))
        if not 1 <= max_conn <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if (allowed := params.get("allowed_updates")) is not None:
            self._allowed = frozenset(allowed) if allowed else None
        left = await self._stop_webhook()
        if params.get("drop_pending_updates"):
            left = []
            self._queue.clear()
            self._dups.clear()
        hook = _Webhook(self, url, secret, max_conn, params.get("ip_address"))
        self._webhook = hook
        pending = sorted([*left, *self._queue], key=lambda p: p.update_id) + list(self._dups)
        self._queue.clear()
        self._dups.clear()
        for item in pending:
            hook.dispatch(item)
        self._updates_signal.notify()
        return True

    async def _stop_webhook(self) -> list[_Pending]:
        if self._webhook is None:
            return []
        hook, self._webhook = self._webhook, None
        return await hook.close()

    async def _delete_webhook(self, params: JsonDict) -> Any:
        left = await self._stop_webhook()
        if params.get("drop_pending_updates"):
            self._queue.clear()
            self._dups.clear()
            return True
        regular = [p for p in left if not p.duplicate]
        self._queue = deque(sorted([*regular, *self._queue], key=lambda p: p.update_id))
        self._dups.extend(p for p in left if p.duplicate)
        self._changed.notify()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> Any:
        if self._webhook is not None:
            info = self._webhook.info()
            if self._allowed is not None:
                info["allowed_updates"] = sorted(self._allowed)
            return info
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }

    async def _send_message(self, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        text, entities = self._visible(params, "text")
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = entities
        rec = self._new_bot_message(
            chat,
            "sendMessage",
            params,
            content,
            text=text,
            raw_text=params["text"],
            entities=entities,
        )
        return rec.message

    async def _send_media(self, method: str, params: JsonDict) -> Any:
        kind = _MEDIA_METHODS[method]
        chat = self._writable_chat(params["chat_id"])
        caption, entities = self._visible(params, "caption")
        f = self._input_file(params[kind], kind)
        content: JsonDict = {kind: self._media_object(kind, f, params)}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        rec = self._new_bot_message(
            chat,
            method,
            params,
            content,
            text=caption,
            raw_text=params.get("caption"),
            entities=entities,
            file=f,
        )
        return rec.message

    async def _send_media_group(self, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media specified; must be 2-10")
        group_id = str(next(self._counter) + 10**17)
        out = []
        for i, item in enumerate(media):
            kind = item["type"]
            caption, entities = self._visible(item, "caption")
            f = self._input_file(item["media"], kind)
            content: JsonDict = {
                "media_group_id": group_id,
                kind: self._media_object(kind, f, item),
            }
            if caption:
                content["caption"] = caption
            rec = self._new_bot_message(
                chat,
                "sendMediaGroup",
                params,
                content,
                text=caption,
                raw_text=item.get("caption"),
                entities=entities,
                file=f,
                gate=i == 0,
            )
            out.append(rec.message)
        return out

    async def _send_other(self, method: str, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        content: JsonDict = {}
        if "phone_number" in params:
            content["contact"] = {
                k: params[k]
                for k in ("phone_number", "first_name", "last_name", "vcard")
                if k in params
            }
        elif "latitude" in params:
            content["location"] = {"latitude": params["latitude"], "longitude": params["longitude"]}
        elif method == "sendDice":
            content["dice"] = {"emoji": params.get("emoji", "🎲"), "value": 1}
        rec = self._new_bot_message(
            chat, method, params, content, text=None, raw_text=None, entities=[]
        )
        return rec.message

    def _source_message(self, params: Mapping[str, Any], what: str) -> JsonDict:
        source = self._find_chat(params["from_chat_id"])._records.get(params["message_id"])
        if source is None:
            raise bad_request(f"message to {what} not found")
        return source

    async def _copy_message(self, params: JsonDict) -> Any:
        source = self._source_message(params, "copy")
        chat = self._writable_chat(params["chat_id"])
        content = {k: v for k, v in source.items() if k in _CONTENT_KEYS}
        if "caption" in params:
            caption, _ = self._visible(params, "caption")
            content["caption"] = caption
        text = content.get("text", content.get("caption"))
        rec = self._new_bot_message(
            chat, "copyMessage", params, content, text=text, raw_text=text, entities=[]
        )
        return {"message_id": rec.message_id}

    async def _forward_message(self, params: JsonDict) -> Any:
        source = self._source_message(params, "forward")
        chat = self._writable_chat(params["chat_id"])
        content = {k: v for k, v in source.items() if k in _CONTENT_KEYS}
        sender = source.get("from", self.bot_user)
        content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source["date"]}
        text = content.get("text", content.get("caption"))
        rec = self._new_bot_message(
            chat, "forwardMessage", params, content, text=text, raw_text=text, entities=[]
        )
        return rec.message

    def _editable(self, params: Mapping[str, Any]) -> BotMessage:
        chat = self._find_chat(params.get("chat_id"))
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        rec = chat.bot_message(params["message_id"])
        if rec is None or rec.deleted:
            if params["message_id"] in chat._records:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return rec

    def _apply_edit(self, rec: BotMessage, updates: JsonDict, markup: JsonDict | None) -> JsonDict:
        inline = markup if markup and "inline_keyboard" in markup else None
        old_inline = rec.message.get("reply_markup")
        same = all((rec.message.get(k) or None) == (v or None) for k, v in updates.items())
        if same and inline == old_inline:
            raise bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        msg = {k: v for k, v in rec.message.items() if k not in ("reply_markup", "edit_date")}
        for k, v in updates.items():
            if v:
                msg[k] = v
            else:
                msg.pop(k, None)
        msg["edit_date"] = int(time.time())
        if inline is not None:
            msg["reply_markup"] = inline
        rec.message = msg
        rec.reply_markup = (
            inline
            if inline is not None
            else (None if rec.keyboard_kind == "inline" else rec.reply_markup)
        )
        rec.edit_count += 1
        self._chats[rec.chat_id]._add_edit(rec)
        return msg

    async def _edit_message_text(self, params: JsonDict) -> Any:
        if "inline_message_id" in params:
            return True
        rec = self._editable(params)
        if "text" not in rec.message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._visible(params, "text")
        msg = self._apply_edit(
            rec, {"text": text, "entities": entities}, params.get("reply_markup")
        )
        rec.text, rec.raw_text, rec.entities = text, params["text"], entities
        return msg

    async def _edit_message_caption(self, params: JsonDict) -> Any:
        if "inline_message_id" in params:
            return True
        rec = self._editable(params)
        if "text" in rec.message:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._visible(params, "caption")
        msg = self._apply_edit(
            rec, {"caption": caption, "caption_entities": entities}, params.get("reply_markup")
        )
        rec.text, rec.raw_text, rec.entities = caption, params.get("caption"), entities
        return msg

    async def _edit_message_reply_markup(self, params: JsonDict) -> Any:
        if "inline_message_id" in params:
            return True
        rec = self._editable(params)
        return self._apply_edit(rec, {}, params.get("reply_markup"))

    def _delete_one(self, chat: FakeChat, message_id: int) -> None:
        if message_id not in chat._records:
            raise bad_request("message to delete not found")
        rec = chat.bot_message(message_id)
        if rec is not None and rec.deleted:
            raise bad_request("message to delete not found")
        if rec is None and not chat.is_private:
            raise bad_request("message can't be deleted")
        if rec is not None:
            rec.deleted = True
        del chat._records[message_id]

    async def _delete_message(self, params: JsonDict) -> Any:
        self._delete_one(self._find_chat(params["chat_id"]), params["message_id"])
        return True

    async def _delete_messages(self, params: JsonDict) -> Any:
        chat = self._find_chat(params["chat_id"])
        for mid in params["message_ids"]:
            with contextlib.suppress(ApiError):
                self._delete_one(chat, mid)
        return True

    async def _answer_callback_query(self, params: JsonDict) -> Any:
        qid = params["callback_query_id"]
        entry = self._callbacks.get(qid)
        if (
            entry is None
            or qid in self.callback_answers
            or time.monotonic() - entry[1] > self.callback_answer_timeout
        ):
            raise bad_request(_QUERY_INVALID.removeprefix("Bad Request: "))
        self.callback_answers[qid] = params
        return True

    async def _send_chat_action(self, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(params["action"])
        return True

    @staticmethod
    def _scope_key(scope: Mapping[str, Any] | None) -> str:
        if not scope:
            return "default"
        kind = str(scope["type"])
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope['chat_id']}"
        if kind == "chat_member":
            return f"{kind}:{scope['chat_id']}:{scope['user_id']}"
        return kind

    def _commands_key(self, params: Mapping[str, Any]) -> tuple[str, str]:
        lang = str(params.get("language_code") or "")
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise bad_request("invalid language code specified")
        scope = params.get("scope")
        if scope and "chat_id" in scope:
            self._find_chat(scope["chat_id"])  # a chat the bot does not know: "chat not found"
        return self._scope_key(scope), lang

    def menu(self, chat_id: int, language_code: str | None = None) -> list[JsonDict]:
        """The commands a user sees in their private chat with the bot: Telegram's order is the
        chat's own list, then all private chats', then the default one; each first in the
        user's language (`language_code`, else the user's own), then without a language."""
        if language_code is None and (user := self._users.get(chat_id)) is not None:
            language_code = user.language_code
        for scope in (f"chat:{chat_id}", "all_private_chats", "default"):
            for lang in (language_code or "", ""):
                if (found := self.commands.get((scope, lang))) is not None:
                    return found
        return []

    def menu_names(self, chat_id: int, language_code: str | None = None) -> list[str]:
        """The command names of `menu`, in order."""
        return [str(c["command"]) for c in self.menu(chat_id, language_code)]

    async def _set_my_commands(self, params: JsonDict) -> Any:
        key = self._commands_key(params)
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JsonDict) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: JsonDict) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _set_profile(self, field_name: str, params: JsonDict) -> Any:
        limits = {"description": 512, "short_description": 120, "name": 64}
        value = str(params.get(field_name) or "")
        if len(value) > limits[field_name]:
            raise bad_request(f"{field_name.replace('_', ' ')} is too long")
        key = (field_name, str(params.get("language_code") or ""))
        if value:
            self.profile[key] = value
        else:
            self.profile.pop(key, None)
        return True

    async def _get_profile(self, field_name: str, params: JsonDict) -> Any:
        lang = str(params.get("language_code") or "")
        value = self.profile.get((field_name, lang), self.profile.get((field_name, ""), ""))
        if field_name == "name" and not value:
            value = self.bot_first_name
        return {field_name: value}

    async def _set_menu_button(self, params: JsonDict) -> Any:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._find_chat(chat_id)
        self.menu_buttons[chat_id] = params.get("menu_button") or {"type": "default"}
        return True

    async def _get_menu_button(self, params: JsonDict) -> Any:
        return self.menu_buttons.get(
            params.get("chat_id"), self.menu_buttons.get(None, {"type": "commands"})
        )

    async def _get_chat(self, params: JsonDict) -> Any:
        chat = self._find_chat(params["chat_id"])
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: JsonDict) -> Any:
        chat = self._find_chat(params["chat_id"])
        uid = params["user_id"]
        if uid == self.bot_id:
            return {
                "status": "kicked" if chat.blocked else "member",
                "user": self.bot_user,
                **({"until_date": 0} if chat.blocked else {}),
            }
        user = self._users.get(uid)
        if user is None:
            raise bad_request("user not found")
        return {"status": "member" if uid in chat.members else "left", "user": user.to_dict()}

    async def _get_file(self, params: JsonDict) -> Any:
        f = self.files.get(params["file_id"])
        if f is None:
            raise bad_request("invalid file_id")
        return f.as_file()
