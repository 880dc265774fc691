"""Zalo through the Zalo Bot API: long polling or webhook in front of the durable pipeline.

Zalo has no buttons, callbacks, edits or documents, and `getUpdates` hands out one update per
call with no offset: an update is gone from Zalo once handed out, so it is stored (the pipeline
commits it) before the next `getUpdates`. Duplicates carry the same `message_id`, which is the
update key, and the pipeline's unique key drops them. Choices are rendered as numbered options.

Attachments: Zalo takes a photo only by URL and no document at all. With a public address
(webhook mode) a file is published at an expiring link (`bot.channels.published`): a photo goes with
`sendPhoto`, a document as a message with its link. Without one, a note says the file cannot
come this way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from bot.channels.render import split_text, with_numbered_options, with_text_fallbacks
from bot.channels.webhook import guarded_body
from bot.channels.zalo_api import (
    ZaloAPIError,
    ZaloBotAPI,
    ZaloConnectionError,
    ZaloError,
    ZaloForbiddenError,
    ZaloRateLimitError,
    ZaloUnauthorizedError,
    parse_update,
)
from core.channel import (
    DeliveryError,
    FileTooBig,
    FileUnavailable,
    Rejected,
    RetryAfter,
    Transient,
    Unreachable,
    send_pieces,
)
from core.messages import Attachment, FileRef, Incoming, Kind, Reply

if TYPE_CHECKING:
    from aiohttp import web

    from bot.channels.published import FileLinks, Link

log = logging.getLogger(__name__)

NAME = "zalo"
TEXT_LIMIT = 2000
WEBHOOK_PATH = "/zalo/webhook"
SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret
MAX_WEBHOOK_BODY = 1 << 20
# How long a cancelled poller still waits for an update Zalo already handed out to be stored.
STORE_GRACE_SECONDS = 5.0

Receiver = Callable[[Sequence[Incoming]], Awaitable[int]]
T = TypeVar("T")

_SIMPLE_KINDS = {
    "message.sticker.received": Kind.STICKER,
    "message.voice.received": Kind.VOICE,
}


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _document(message: dict[str, Any], message_id: str) -> FileRef:
    # Sources differ on a document's fields: look in the message and in a nested object.
    doc = message.get("document")
    fields: dict[str, Any] = {**message, **doc} if isinstance(doc, dict) else message
    url = next((u for k in ("url", "file_url", "document_url") if (u := _str(fields.get(k)))), None)
    name = next((n for k in ("file_name", "name") if (n := _str(fields.get(k)))), None)
    size = next((s for k in ("file_size", "size") if (s := _int(fields.get(k))) is not None), None)
    return FileRef(
        file_id=_str(fields.get("file_id")) or message_id,
        file_name=name,
        mime_type=_str(fields.get("mime_type")),
        size=size,
        url=url,
    )


def to_incoming(update: dict[str, Any]) -> Incoming | None:
    """Our message from a Zalo update (bare or wrapped); None for group chats and bad input."""
    try:
        parsed = parse_update(update)
    except ValueError:
        return None
    if parsed is None:
        return None
    message: dict[str, Any] = parsed["message"]
    chat: dict[str, Any] = message["chat"]
    chat_type = chat.get("chat_type")
    if chat_type is not None and (not isinstance(chat_type, str) or chat_type.upper() != "PRIVATE"):
        return None  # the bot works in private chats only
    sender = message.get("from")
    sender = sender if isinstance(sender, dict) else {}
    message_id: str = message["message_id"]
    base: dict[str, Any] = {
        "channel": NAME,
        "update_key": message_id,
        "chat_id": chat["id"],
        # In a private chat the chat id is the user's id.
        "user_id": sender.get("id") or chat["id"],
        "display_name": _str(sender.get("display_name")) or _str(sender.get("first_name")) or "",
        "message_id": message_id,
    }
    event = parsed["event_name"]
    if event == "message.text.received":
        text = message.get("text")
        if not isinstance(text, str):
            return None
        return Incoming(kind=Kind.TEXT, text=text, **base)
    caption = message.get("caption")
    caption = caption if isinstance(caption, str) else ""
    if event == "message.image.received":
        file = FileRef(
            file_id=message_id, mime_type="image/jpeg", url=_str(message.get("photo_url"))
        )
        return Incoming(kind=Kind.PHOTO, text=caption, file=file, **base)
    if event == "message.document.received":
        return Incoming(
            kind=Kind.DOCUMENT, text=caption, file=_document(message, message_id), **base
        )
    return Incoming(kind=_SIMPLE_KINDS.get(event, Kind.OTHER), **base)


def delivery_error(exc: ZaloError | ValueError) -> DeliveryError:
    """What a failed Zalo send means to the pipeline."""
    if isinstance(exc, ValueError):  # refused by the client before any request: our bug
        return Rejected(str(exc))
    if isinstance(exc, ZaloRateLimitError):
        return RetryAfter(exc.retry_after or 1, str(exc))
    if isinstance(exc, ZaloForbiddenError):
        return Unreachable(str(exc))
    if isinstance(exc, ZaloAPIError):
        description = exc.description.lower()
        if exc.error_code == 400 and "chat" in description and "not found" in description:
            return Unreachable(str(exc))
        if 400 <= exc.error_code < 500:
            return Rejected(str(exc))
    # Connection failures, 5xx, and answers we cannot read: maybe next time. A 5xx answer or a
    # request that never reached the server delivered nothing; one left unanswered may have.
    if isinstance(exc, ZaloAPIError):
        return Transient(str(exc), maybe_delivered=False)
    never_sent = isinstance(exc, ZaloConnectionError) and isinstance(
        exc.__cause__, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
    )
    return Transient(str(exc), maybe_delivered=not never_sent)


class _Stopped(Exception):
    """`stop` was set while waiting."""


@dataclass(frozen=True, slots=True)
class _Photo:
    """One piece of a reply: the photo, by URL, with the first piece of text as its caption."""

    url: str
    caption: str | None
    link_text: str  # what is sent instead when Zalo will not take the photo


class ZaloChannel:
    """Sending and receiving on Zalo."""

    name = NAME
    text_limit = TEXT_LIMIT
    webhook_path = WEBHOOK_PATH
    # First and longest pause after a failed getUpdates, deleteWebhook or store (seconds).
    backoff_initial = 1.0
    backoff_max = 30.0

    def __init__(
        self,
        api: ZaloBotAPI,
        receive: Receiver,
        *,
        poll_timeout: int = 30,
        max_in_flight: int = 8,
        links: FileLinks | None = None,
    ) -> None:
        """`links`: where attachments are published (None: no public address, send a note)."""
        if max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        self.api = api
        self.links = links
        self.receive = receive
        self.poll_timeout = poll_timeout
        self.bot_name = ""
        self.bot_id = ""
        # One httpx client slows down badly with many concurrent requests: cap them.
        self._in_flight = asyncio.Semaphore(max_in_flight)

    # -- sending ----------------------------------------------------------------------------

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        """The reply with its choices as numbered lines, in pieces of at most 2000 characters;
        its photo first (the first piece as caption), or its document's link last."""

        async def one(_i: int, piece: str | _Photo) -> None:
            if isinstance(piece, _Photo):
                try:
                    await self._guarded(self.api.send_photo(chat_id, piece.url, piece.caption))
                except Rejected as exc:
                    # Zalo refused the photo (it could not fetch it, say): the text and the
                    # link still reach the person, rather than nothing at all.
                    log.warning("Zalo refused a photo (%s); sending its link instead", exc)
                    if piece.caption:
                        await self._guarded(self.api.send_message(chat_id, piece.caption))
                    await self._guarded(self.api.send_message(chat_id, piece.link_text))
            else:
                await self._guarded(self.api.send_message(chat_id, piece))

        await send_pieces(await self._pieces(reply), one, skip=skip)

    async def _pieces(self, reply: Reply) -> list[str | _Photo]:
        """The messages a reply becomes. Their number depends on the text alone, never on the
        link, so a retry resumes (`skip`) after the photo rather than sending it twice."""
        att = reply.attachment
        link = await self._publish(att) if att is not None else None
        if att is None or link is None:
            return list(split_text(with_text_fallbacks(reply), TEXT_LIMIT))
        text = with_numbered_options(reply)
        pieces = split_text(text, TEXT_LIMIT) if text.strip() else []
        from core.texts import files as texts_files

        name = att.file_name or link.name
        link_text = texts_files.download_link(name, link.url, link.last_day)
        if att.kind == "photo":
            # A short reply is one message, the photo with its caption.
            return [_Photo(link.url, pieces[0] if pieces else None, link_text), *pieces[1:]]
        return [*pieces, link_text]

    async def _publish(self, att: Attachment) -> Link | None:
        """The attachment's link; None without a public address or when the file is gone."""
        if self.links is None:
            return None
        try:
            link = await asyncio.to_thread(self.links.publish, att)
        except OSError as exc:
            log.warning("could not publish an attachment (%s): %s", Path(att.path).suffix, exc)
            return None
        if link is None:
            log.warning("an attachment (%s) is gone; sending the note", Path(att.path).suffix)
        return link

    async def fetch_file(self, ref: FileRef, *, max_bytes: int) -> bytes:
        """A photo or document the person sent, from the URL in the update."""
        if ref.size is not None and ref.size > max_bytes:
            raise FileTooBig(ref.file_id)
        if not ref.url:
            raise FileUnavailable(ref.file_id)
        try:
            return await self.api.download(ref.url, max_bytes=max_bytes)
        except ValueError as exc:
            raise FileTooBig(ref.file_id) from exc
        except ZaloError as exc:
            raise FileUnavailable(ref.file_id) from exc

    async def send_photo(self, chat_id: str, url: str, caption: str | None = None) -> None:
        """A photo by URL; a long caption continues as text."""
        pieces = split_text(caption, TEXT_LIMIT) if caption else []
        await self._guarded(self.api.send_photo(chat_id, url, pieces[0] if pieces else None))
        for piece in pieces[1:]:
            await self._guarded(self.api.send_message(chat_id, piece))

    async def _guarded(self, call: Coroutine[Any, Any, T]) -> T:
        try:
            async with self._in_flight:
                return await call
        except (ZaloError, ValueError) as exc:
            raise delivery_error(exc) from exc
        finally:
            call.close()  # never started if the wait for a slot was cancelled; else a no-op

    # -- receiving --------------------------------------------------------------------------

    async def prepare(self) -> None:
        me = await self.api.get_me()
        self.bot_name = str(me.get("account_name") or "")
        self.bot_id = str(me.get("id") or "")

    async def poll(self, stop: asyncio.Event) -> None:
        """Long polling until `stop` is set; each update is stored before the next is asked for."""
        backoff = self.backoff_initial
        while True:  # deleteWebhook, once, but insist: getUpdates does not work while one is set
            try:
                await _until_stopped(stop, self.api.delete_webhook())
                break
            except _Stopped:
                return
            except ZaloUnauthorizedError:
                raise
            except ZaloError as exc:
                log.warning("Zalo deleteWebhook failed: %s; retrying in %.0fs", exc, backoff)
            if not await _pause(stop, backoff):
                return
            backoff = min(backoff * 2, self.backoff_max)
        backoff = self.backoff_initial
        while not stop.is_set():
            try:
                update = await _until_stopped(stop, self.api.get_updates(timeout=self.poll_timeout))
            except _Stopped:
                return
            except ZaloUnauthorizedError:
                raise  # the token is wrong or revoked: polling on is pointless
            except ZaloRateLimitError as exc:
                delay = max(exc.retry_after or 0.0, backoff)
                log.warning("Zalo getUpdates rate limited; waiting %.0fs", delay)
                if not await _pause(stop, delay):
                    return
                backoff = min(backoff * 2, self.backoff_max)
                continue
            except ZaloAPIError as exc:
                if exc.error_code == 0:  # a malformed update: it is gone, nothing to retry
                    log.warning("Zalo getUpdates: %s", exc)
                    continue
                log.warning("Zalo getUpdates failed: %s; retrying in %.0fs", exc, backoff)
                if not await _pause(stop, backoff):
                    return
                backoff = min(backoff * 2, self.backoff_max)
                continue
            except ZaloConnectionError as exc:
                log.warning("Zalo getUpdates failed: %s; retrying in %.0fs", exc, backoff)
                if not await _pause(stop, backoff):
                    return
                backoff = min(backoff * 2, self.backoff_max)
                continue
            backoff = self.backoff_initial
            if update is None:
                continue
            incoming = to_incoming(update)
            if incoming is not None:
                await self._store(incoming, stop)

    async def _store(self, incoming: Incoming, stop: asyncio.Event) -> None:
        """Hand one update to the pipeline, insisting: Zalo will not give it out again."""
        backoff = self.backoff_initial
        while True:
            store = asyncio.ensure_future(self.receive([incoming]))
            try:
                await asyncio.shield(store)
                return
            except asyncio.CancelledError:
                # Cancelled while storing: let the store finish rather than lose the update.
                if not store.done():
                    await asyncio.wait({store}, timeout=STORE_GRACE_SECONDS)
                raise
            except Exception as exc:
                log.warning(
                    "storing Zalo update %s failed: %s; retrying in %.0fs",
                    incoming.update_key,
                    exc,
                    backoff,
                )
            if not await _pause(stop, backoff):
                log.error("Zalo update %s lost: stopped before it was stored", incoming.update_key)
                return
            backoff = min(backoff * 2, self.backoff_max)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.api.set_webhook(url, secret)

    def webhook_handler(self, secret: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        """An aiohttp handler that refuses anything without the secret before reading it."""
        from aiohttp import web

        if not secret:
            raise ValueError("a webhook needs a non-empty secret")
        expected = secret.encode()

        async def handle(request: web.Request) -> web.Response:
            body = await guarded_body(
                request, header=SECRET_HEADER, secret=expected, limit=MAX_WEBHOOK_BODY
            )
            if isinstance(body, int):
                return web.Response(status=body)
            try:
                update = parse_update(json.loads(body))
            except (ValueError, RecursionError):  # also bad JSON, bad UTF-8, deep nesting
                return web.Response(status=400)
            incoming = to_incoming(update) if update is not None else None
            if incoming is not None:
                try:
                    await self.receive([incoming])
                except Exception:
                    log.exception("storing Zalo update %s failed", incoming.update_key)
                    return web.Response(status=500)  # Zalo delivers it again
            return web.Response(status=200)

        return handle

    async def close(self) -> None:
        await self.api.aclose()


async def _until_stopped(stop: asyncio.Event, call: Coroutine[Any, Any, T]) -> T:
    """The call's result, or `_Stopped` (the call cancelled) as soon as `stop` is set."""
    task = asyncio.ensure_future(call)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait({task})
    if task.cancelled():
        raise _Stopped
    return task.result()  # an update that came in as we stopped is still handed back


async def _pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait `seconds`; False if `stop` was set meanwhile."""
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return True
    return False
