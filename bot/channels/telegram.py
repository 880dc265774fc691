"""Telegram through aiogram: long polling or webhook in front of the durable pipeline.

aiogram's own Dispatcher confirms an update before its handler runs; we only use aiogram's
`Bot` (typed API calls) and `Update` (parsing), and acknowledge an update to Telegram only
after the pipeline has committed it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import ClientConnectorError

from bot.channels.render import split_text, with_numbered_options
from bot.channels.webhook import guarded_body
from core.channel import (
    FileTooBig,
    FileUnavailable,
    Rejected,
    RetryAfter,
    Transient,
    Unreachable,
    send_pieces,
)
from core.messages import (
    Attachment,
    Choice,
    FileRef,
    Incoming,
    Kind,
    Reply,
    typed_as_values,
    typed_as_words,
)

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.types import Update
    from aiohttp import web

log = logging.getLogger(__name__)

NAME = "telegram"
TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64  # bytes, not characters
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
MAX_WEBHOOK_BODY = 1 << 20
ALLOWED_UPDATES = ["message", "callback_query"]

Receiver = Callable[[Sequence[Incoming]], Awaitable[int]]


def make_bot(token: str, api_base: str) -> Bot:
    """An aiogram Bot talking to `api_base` (the real Bot API, or a local server)."""
    from aiogram import Bot
    from aiogram.client.telegram import TelegramAPIServer

    from bot.channels.telegram_session import JsonAiohttpSession

    session = JsonAiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    return Bot(token=token, session=session)


def to_incoming(update: Update) -> Incoming | None:
    """Our message from a Telegram update; None for kinds of update we do not handle."""
    key = str(update.update_id)
    if update.callback_query is not None:
        cq = update.callback_query
        chat_id = str(cq.message.chat.id) if cq.message is not None else str(cq.from_user.id)
        return Incoming(
            channel=NAME,
            update_key=key,
            chat_id=chat_id,
            user_id=str(cq.from_user.id),
            kind=Kind.CALLBACK,
            text=cq.data or "",
            display_name=cq.from_user.full_name,
            callback_id=cq.id,
        )
    m = update.message
    if m is None or m.from_user is None:
        return None
    if m.chat.type != "private":
        return None  # the bot works in private chats only
    base: dict[str, Any] = {
        "channel": NAME,
        "update_key": key,
        "chat_id": str(m.chat.id),
        "user_id": str(m.from_user.id),
        "display_name": m.from_user.full_name,
        "message_id": str(m.message_id),
    }
    if m.text is not None:
        return Incoming(kind=Kind.TEXT, text=m.text, **base)
    if m.document is not None:
        d = m.document
        return Incoming(
            kind=Kind.DOCUMENT,
            text=m.caption or "",
            **base,
            file=FileRef(d.file_id, d.file_name, d.mime_type, d.file_size),
        )
    if m.photo:
        p = max(m.photo, key=lambda s: s.width * s.height)
        return Incoming(
            kind=Kind.PHOTO,
            text=m.caption or "",
            **base,
            file=FileRef(p.file_id, None, "image/jpeg", p.file_size),
        )
    if m.sticker is not None:
        return Incoming(kind=Kind.STICKER, **base)
    if m.voice is not None or m.audio is not None:
        return Incoming(kind=Kind.VOICE, **base)
    return Incoming(kind=Kind.OTHER, **base)


def keyboard(reply: Reply) -> Any:
    """Inline buttons for the reply's choices, when every value fits Telegram's 64 bytes."""
    return _keyboard(reply.choices) if reply.choices else None


@functools.lru_cache(maxsize=512)
def _keyboard(choices: tuple[Choice, ...]) -> Any:
    # The same few keyboards (Có/Không, the rating scale, confirm) recur on every answer, and
    # building aiogram's models is not free: build each once (they are never mutated).
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

    if any(len(c.value.encode()) > CALLBACK_DATA_LIMIT for c in choices):
        return None  # numbered options in the text still work
    # a "4" button is 4 itself; a word's button is its label
    numbered = not (typed_as_values([c.label for c in choices]) or typed_as_words(choices))
    rows = [
        [
            InlineKeyboardButton(
                text=(f"{i}. {c.label}" if numbered else c.label)[:64], callback_data=c.value
            )
        ]
        for i, c in enumerate(choices, start=1)
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _bot_commands(commands: Sequence[tuple[str, str]]) -> list[Any]:
    from aiogram.types import BotCommand

    return [BotCommand(command=c, description=d[:256]) for c, d in commands]


class TelegramChannel:
    """Sending and receiving on Telegram."""

    name = NAME
    text_limit = TEXT_LIMIT
    webhook_path = WEBHOOK_PATH

    def __init__(self, bot: Bot, receive: Receiver, *, poll_timeout: int = 25) -> None:
        self.bot = bot
        self.receive = receive
        self.poll_timeout = poll_timeout
        self.username = ""

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        """The attachment first (if any), then the text in pieces; buttons on the last piece."""
        pieces: list[str | Attachment] = list(split_text(with_numbered_options(reply), TEXT_LIMIT))
        if reply.attachment is not None:
            pieces.insert(0, reply.attachment)

        async def one(i: int, piece: str | Attachment) -> None:
            if isinstance(piece, Attachment):
                await self._call(self._send_file(int(chat_id), piece))
                return
            markup = keyboard(reply) if i == len(pieces) - 1 else None
            await self._call(
                self.bot.send_message(chat_id=int(chat_id), text=piece, reply_markup=markup)
            )

        await send_pieces(pieces, one, skip=skip)

    async def _send_file(self, chat_id: int, att: Attachment) -> Any:
        from aiogram.types import FSInputFile

        file = FSInputFile(att.path, filename=att.file_name or None)
        if att.kind == "photo":
            return await self.bot.send_photo(chat_id=chat_id, photo=file)
        return await self.bot.send_document(chat_id=chat_id, document=file)

    async def _call(self, call: Awaitable[Any]) -> None:
        """Run one Bot API call, turning aiogram's errors into delivery errors."""
        from aiogram.exceptions import (
            TelegramBadRequest,
            TelegramForbiddenError,
            TelegramNetworkError,
            TelegramNotFound,
            TelegramRetryAfter,
            TelegramServerError,
        )

        try:
            await call
        except TelegramRetryAfter as exc:
            raise RetryAfter(exc.retry_after) from exc
        except TelegramForbiddenError as exc:
            raise Unreachable(str(exc)) from exc
        except TelegramBadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Unreachable(str(exc)) from exc
            raise Rejected(str(exc)) from exc
        except (TelegramNotFound, TelegramServerError) as exc:  # an answer: it did not go
            raise Transient(str(exc), maybe_delivered=False) from exc
        except TelegramNetworkError as exc:
            # A connection never made delivered nothing; a request without an answer may have.
            never_sent = isinstance(exc.__context__, ClientConnectorError)
            raise Transient(str(exc), maybe_delivered=not never_sent) from exc

    async def fetch_file(self, ref: FileRef, *, max_bytes: int) -> bytes:
        """A file the person sent (getFile, then download); bots may fetch up to 20 MB."""
        from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

        if ref.size is not None and ref.size > max_bytes:
            raise FileTooBig(ref.file_id)
        try:
            info = await self.bot.get_file(ref.file_id)
            if info.file_size is not None and info.file_size > max_bytes:
                raise FileTooBig(ref.file_id)
            if not info.file_path:
                raise FileUnavailable(ref.file_id)
            buf = await self.bot.download_file(info.file_path, timeout=60)
        except TelegramAPIError as exc:
            if "too big" in str(exc).lower():
                raise FileTooBig(ref.file_id) from exc
            raise FileUnavailable(ref.file_id) from exc
        except (TelegramNetworkError, OSError) as exc:
            raise FileUnavailable(ref.file_id) from exc
        data = buf.read() if buf is not None else b""
        if len(data) > max_bytes:
            raise FileTooBig(ref.file_id)
        return data

    async def set_commands(self, commands: Sequence[tuple[str, str]]) -> None:
        """The default command menu, in Vietnamese."""
        cmds = _bot_commands(commands)
        await self.bot.set_my_commands(cmds)
        await self.bot.set_my_commands(cmds, language_code="vi")

    async def set_chat_commands(self, chat_id: str, commands: Sequence[tuple[str, str]]) -> None:
        """One private chat's own menu. Telegram looks for a chat's menu before any default
        one (with or without the person's language), so one call, without a language, is enough
        to override both default menus."""
        from aiogram.types import BotCommandScopeChat

        scope = BotCommandScopeChat(chat_id=int(chat_id))
        await self._call(self.bot.set_my_commands(_bot_commands(commands), scope=scope))

    async def delete_chat_commands(self, chat_id: str) -> None:
        """Drop a chat's own menu: the chat sees the default menu again."""
        from aiogram.types import BotCommandScopeChat

        scope = BotCommandScopeChat(chat_id=int(chat_id))
        await self._call(self.bot.delete_my_commands(scope=scope))

    async def prepare(self) -> None:
        me = await self.bot.get_me()
        self.username = me.username or ""

    async def poll(self, stop: asyncio.Event) -> None:
        """Long polling; the offset moves past an update only after it is stored."""
        from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

        await self.bot.delete_webhook(drop_pending_updates=False)
        offset: int | None = None
        backoff = 1.0
        while not stop.is_set():
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=self.poll_timeout, allowed_updates=ALLOWED_UPDATES
                )
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except (TelegramNetworkError, TelegramServerError) as exc:
                log.warning("getUpdates failed: %s; retrying in %.0fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            if not updates:
                continue
            await self._accept(updates)
            offset = updates[-1].update_id + 1

    async def _accept(self, updates: Sequence[Update]) -> None:
        incoming = [m for m in (to_incoming(u) for u in updates) if m is not None]
        await self.receive(incoming)
        for m in incoming:
            if m.callback_id:
                asyncio.create_task(self._answer_callback(m.callback_id))  # noqa: RUF006

    async def _answer_callback(self, callback_id: str) -> None:
        try:
            await self.bot.answer_callback_query(callback_id)
        except Exception as exc:  # only stops the button's spinner; never worth failing over
            log.debug("answerCallbackQuery failed: %s", exc)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    def webhook_handler(self, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        """An aiohttp handler that refuses anything without the secret before reading it."""
        from aiogram.types import Update
        from aiohttp import web

        expected = secret.encode()

        async def handle(request: web.Request) -> web.Response:
            body = await guarded_body(
                request, header=SECRET_HEADER, secret=expected, limit=MAX_WEBHOOK_BODY
            )
            if isinstance(body, int):
                return web.Response(status=body)
            try:
                update = Update.model_validate_json(body)
            except ValueError:  # pydantic's ValidationError is a ValueError
                return web.Response(status=400)
            try:
                await self._accept([update])
            except Exception:
                log.exception("storing Telegram update %s failed", update.update_id)
                return web.Response(status=500)  # Telegram delivers it again
            return web.Response(status=200)

        return handle

    async def close(self) -> None:
        await self.bot.session.close()
