"""A small async client for the Zalo Bot API (``https://bot-api.zaloplatforms.com``).

The API is Telegram-like: ``POST {base}/bot{token}/{method}`` with a JSON body, answered with
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": "..."}``.
It has no keyboards, callbacks, edits or documents; ``getUpdates`` hands out ONE update per call
with no ``offset``, so duplicates are possible (de-duplicate by ``message.message_id``).

Exceptions (all carry messages free of the bot token)::

    ZaloError                      base of everything this module raises (besides ValueError
    │                              for arguments rejected locally, before any request)
    ├── ZaloConnectionError        network failure or timeout, after the allowed retries
    └── ZaloAPIError               the API answered with an error: .error_code, .description
        ├── ZaloUnauthorizedError  401: the token is wrong or revoked
        ├── ZaloForbiddenError     403: the user blocked the bot / the bot may not write there
        └── ZaloRateLimitError     429: too many messages; .retry_after (seconds) if given

Retries: only transient failures, with a small exponential backoff. Reads (``getMe``,
``getUpdates``, ``getWebhookInfo``) and idempotent calls (``setWebhook``, ``deleteWebhook``,
``sendChatAction``) are retried on timeouts, network errors and 5xx answers. Sending methods
(``sendMessage``, ``sendPhoto``, ``sendSticker``) are retried only when the request surely never
reached the server (connect error, connect or pool timeout): after a read timeout or a 5xx the
message may already be delivered, and a retry could send it twice. A 4xx is never retried.
"""

from __future__ import annotations

import asyncio
import logging
import re
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import urlsplit

import httpx

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_TEXT_LENGTH",
    "ZaloAPIError",
    "ZaloBotAPI",
    "ZaloConnectionError",
    "ZaloError",
    "ZaloForbiddenError",
    "ZaloRateLimitError",
    "ZaloUnauthorizedError",
    "parse_update",
]

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://bot-api.zaloplatforms.com"
MAX_TEXT_LENGTH: Final = 2000
MIN_SECRET_LENGTH: Final = 8
MAX_SECRET_LENGTH: Final = 256
CHAT_ACTIONS: Final = frozenset({"typing", "upload_photo"})
DEFAULT_TIMEOUT: Final = httpx.Timeout(10.0, connect=5.0)
# The HTTP read timeout of getUpdates is the long-poll timeout plus this margin, so the server
# always answers (update or "nothing") before the client gives up on it.
LONG_POLL_MARGIN: Final = 10.0
_MAX_BACKOFF: Final = 5.0
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})

# Failures where the request surely never reached the server: safe to retry any method.
_NOT_SENT_ERRORS: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures worth retrying for calls that can safely run twice.
_TRANSIENT_ERRORS: Final = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ProxyError,
)
_BOT_PATH = re.compile(r"/bot[^/\s\"'?#]+")
# The token of a published file's link (bot/published.py), should an error message echo a URL.
_FILE_LINK = re.compile(r"/files/[^/\s\"'?#]+")


class ZaloError(Exception):
    """Base of every error raised by the Zalo Bot API client."""


class ZaloConnectionError(ZaloError):
    """The API could not be reached (network error or timeout), after the allowed retries."""


class ZaloAPIError(ZaloError):
    """The API answered with ``ok: false`` (or an unusable body)."""

    def __init__(self, error_code: int, description: str, *, method: str | None = None) -> None:
        self.error_code = error_code
        self.description = description
        self.method = method
        where = f"{method}: " if method else ""
        super().__init__(f"{where}error {error_code}: {description}")


class ZaloUnauthorizedError(ZaloAPIError):
    """401: the bot token is wrong or revoked."""


class ZaloForbiddenError(ZaloAPIError):
    """403: the user blocked the bot, or the bot may not write to that chat."""


class ZaloRateLimitError(ZaloAPIError):
    """429: too many requests; wait ``retry_after`` seconds (when the API says) and try again."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        method: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(error_code, description, method=method)
        self.retry_after = retry_after


class _RedactBotPath(logging.Filter):
    """Hide ``/bot<token>`` in httpx's request log lines (it logs every URL at INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/bot" in message:
            record.msg = _BOT_PATH.sub("/bot<redacted>", message)
            record.args = ()
        return True


_REDACT_FILTER: Final = _RedactBotPath()


def _install_log_redaction() -> None:
    httpx_logger = logging.getLogger("httpx")
    if _REDACT_FILTER not in httpx_logger.filters:
        httpx_logger.addFilter(_REDACT_FILTER)


def _check_chat_id(chat_id: str) -> None:
    if not isinstance(chat_id, str) or not chat_id:
        raise ValueError("chat_id must be a non-empty string")


def _check_text(text: str, *, name: str = "text", optional: bool = False) -> None:
    if not isinstance(text, str):
        raise ValueError(f"{name} must be a string")
    low = 0 if optional else 1
    if not low <= len(text) <= MAX_TEXT_LENGTH:
        raise ValueError(f"{name} must be {low}-{MAX_TEXT_LENGTH} characters, got {len(text)}")


def _check_url(url: str, *, name: str, https_only: bool) -> None:
    if not isinstance(url, str):
        raise ValueError(f"{name} must be a URL string")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an absolute http(s) URL")
    # The API requires HTTPS webhooks; plain HTTP is allowed on loopback for local test servers.
    if https_only and parts.scheme != "https" and parts.hostname not in _LOOPBACK_HOSTS:
        raise ValueError(f"{name} must use https")


class ZaloBotAPI:
    """Async client for one Zalo bot, over an injected (or owned) ``httpx.AsyncClient``.

    Use as ``async with ZaloBotAPI(token) as api: ...`` or call :meth:`aclose`. A client passed
    in is never closed here; one created here is.
    """

    def __init__(
        self,
        token: str,
        *,
        client: httpx.AsyncClient | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retries: int = 3,
        backoff: float = 0.5,
    ) -> None:
        """``retries`` is the number of extra attempts after the first; ``backoff`` the first
        delay in seconds, doubled on each retry (capped at a few seconds)."""
        if not isinstance(token, str) or not token or any(c == "/" or c.isspace() for c in token):
            raise ValueError("token must be a non-empty string without '/' or spaces")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._retries = retries
        self._backoff = backoff
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient(timeout=self._timeout)
        _install_log_redaction()

    @property
    def base_url(self) -> str:
        """The API root, without the token."""
        return self._base_url

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_client:
            await self._client.aclose()

    async def download(self, url: str, *, max_bytes: int) -> bytes:
        """A file a user sent (Zalo gives its URL); ``ValueError`` when it is over ``max_bytes``,
        ``ZaloConnectionError`` when it cannot be fetched."""
        if not url.startswith(("https://", "http://")):
            raise ZaloConnectionError("not an http(s) URL")
        try:
            async with self._client.stream("GET", url, timeout=self._timeout) as response:
                if response.status_code != 200:
                    raise ZaloConnectionError(f"download answered HTTP {response.status_code}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    raise ValueError("file too big")
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise ValueError("file too big")
                return bytes(data)
        except httpx.HTTPError as exc:
            raise ZaloConnectionError(f"download failed: {type(exc).__name__}") from exc

    # -- API methods -------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account: ``{id, account_name, account_type, can_join_groups}``."""
        return _as_dict(await self._call("getMe", {}, idempotent=True), "getMe")

    # `timeout` is the long-poll duration the API waits, not a local deadline.
    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:  # noqa: ASYNC109
        """Long-poll for ONE update (``event_name`` + ``message``); None when none came in time."""
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 0:
            raise ValueError("timeout must be a non-negative integer (seconds)")
        read_timeout = httpx.Timeout(
            connect=self._timeout.connect,
            read=timeout + LONG_POLL_MARGIN,
            write=self._timeout.write,
            pool=self._timeout.pool,
        )
        try:
            result = await self._call(
                "getUpdates", {"timeout": str(timeout)}, idempotent=True, http_timeout=read_timeout
            )
        except ZaloAPIError as exc:
            # Zalo answers an empty long poll with error 408 "Request timeout".
            if exc.error_code == 408:
                return None
            raise
        try:
            return parse_update({"ok": True, "result": result})
        except ValueError as exc:
            raise ZaloAPIError(0, f"malformed update: {exc}", method="getUpdates") from exc

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """Deliver updates by HTTPS POST to ``url``, with ``secret_token`` in a header."""
        _check_url(url, name="url", https_only=True)
        if not isinstance(secret_token, str) or not (
            MIN_SECRET_LENGTH <= len(secret_token) <= MAX_SECRET_LENGTH
        ):
            raise ValueError(
                f"secret_token must be {MIN_SECRET_LENGTH}-{MAX_SECRET_LENGTH} characters"
            )
        payload = {"url": url, "secret_token": secret_token}
        return _as_dict(await self._call("setWebhook", payload, idempotent=True), "setWebhook")

    async def delete_webhook(self) -> dict[str, Any]:
        """Stop webhook delivery (``getUpdates`` works again)."""
        return _as_dict(await self._call("deleteWebhook", {}, idempotent=True), "deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """The current webhook: ``{url, updated_at}`` (``url`` empty when none)."""
        result = await self._call("getWebhookInfo", {}, idempotent=True)
        return _as_dict(result, "getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """Send a text of 1-2000 characters; returns ``{message_id, date}``."""
        _check_chat_id(chat_id)
        _check_text(text)
        payload = {"chat_id": chat_id, "text": text}
        return _as_dict(await self._call("sendMessage", payload, idempotent=False), "sendMessage")

    async def send_photo(
        self, chat_id: str, photo_url: str, caption: str | None = None
    ) -> dict[str, Any]:
        """Send a photo by URL with an optional caption (<= 2000 characters)."""
        _check_chat_id(chat_id)
        _check_url(photo_url, name="photo_url", https_only=False)
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption is not None:
            _check_text(caption, name="caption", optional=True)
            payload["caption"] = caption
        return _as_dict(await self._call("sendPhoto", payload, idempotent=False), "sendPhoto")

    async def send_sticker(self, chat_id: str, sticker: str) -> dict[str, Any]:
        """Send a sticker by id; returns ``{message_id, date}``."""
        _check_chat_id(chat_id)
        if not isinstance(sticker, str) or not sticker:
            raise ValueError("sticker must be a non-empty string")
        payload = {"chat_id": chat_id, "sticker": sticker}
        return _as_dict(await self._call("sendSticker", payload, idempotent=False), "sendSticker")

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> bool:
        """Show ``typing`` (or ``upload_photo``) in the chat; a repeat is harmless."""
        _check_chat_id(chat_id)
        if action not in CHAT_ACTIONS:
            raise ValueError(f"action must be one of {sorted(CHAT_ACTIONS)}")
        payload = {"chat_id": chat_id, "action": action}
        return bool(await self._call("sendChatAction", payload, idempotent=True))

    # -- transport ---------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        text = _FILE_LINK.sub("/files/<redacted>", text)
        return _BOT_PATH.sub("/bot<redacted>", text).replace(self._token, "<redacted>")

    async def _call(
        self,
        method: str,
        payload: dict[str, Any],
        *,
        idempotent: bool,
        http_timeout: httpx.Timeout | None = None,
    ) -> Any:
        url = f"{self._base_url}/bot{self._token}/{method}"
        retryable = _TRANSIENT_ERRORS if idempotent else _NOT_SENT_ERRORS
        attempt = 0
        while True:
            try:
                response = await self._client.post(
                    url, json=payload, timeout=http_timeout or self._timeout
                )
            except retryable as exc:
                if attempt >= self._retries:
                    raise ZaloConnectionError(self._failure(method, exc, attempt + 1)) from exc
                await self._before_retry(method, attempt, type(exc).__name__)
                attempt += 1
                continue
            except httpx.HTTPError as exc:
                raise ZaloConnectionError(self._failure(method, exc, attempt + 1)) from exc
            try:
                return self._result(method, response)
            except ZaloAPIError as exc:
                server_error = exc.error_code >= 500 or response.status_code >= 500
                if not (idempotent and server_error) or attempt >= self._retries:
                    raise
                await self._before_retry(method, attempt, f"error {exc.error_code}")
                attempt += 1

    def _failure(self, method: str, exc: httpx.HTTPError, attempts: int) -> str:
        detail = self._redact(str(exc)) or type(exc).__name__
        return f"{method} failed after {attempts} attempt(s): {type(exc).__name__}: {detail}"

    async def _before_retry(self, method: str, attempt: int, reason: str) -> None:
        delay = min(self._backoff * 2**attempt, _MAX_BACKOFF)
        logger.warning(
            "Zalo %s: %s, retry %d/%d in %.2fs", method, reason, attempt + 1, self._retries, delay
        )
        await asyncio.sleep(delay)

    def _result(self, method: str, response: httpx.Response) -> Any:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloAPIError(status, f"HTTP {status} with a non-JSON body", method=method)
        if body.get("ok") is True and response.is_success:
            return body.get("result")
        code = body.get("error_code")
        if isinstance(code, bool) or not isinstance(code, int):
            code = status if status >= 400 else 0
        raw_description = body.get("description")
        description = self._redact(str(raw_description)) if raw_description else "unknown error"
        if code == 401 or status == 401:
            raise ZaloUnauthorizedError(401, description, method=method)
        if code == 403 or status == 403:
            raise ZaloForbiddenError(403, description, method=method)
        if code == 429 or status == 429:
            raise ZaloRateLimitError(
                429, description, method=method, retry_after=_retry_after(body, response)
            )
        raise ZaloAPIError(code, description, method=method)


def _retry_after(body: dict[str, Any], response: httpx.Response) -> float | None:
    parameters = body.get("parameters")
    candidates = [
        parameters.get("retry_after") if isinstance(parameters, dict) else None,
        body.get("retry_after"),
        response.headers.get("Retry-After"),
    ]
    for value in candidates:
        if value is None or isinstance(value, bool):
            continue
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return seconds
    return None


def _as_dict(result: Any, method: str) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise ZaloAPIError(0, f"unexpected result type {type(result).__name__}", method=method)
    return result


def _string_id(value: object, what: str) -> str:
    # Ids are documented as strings; accept integers too rather than drop a user's message.
    if isinstance(value, str) and value:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{what} must be a non-empty string")


def parse_update(body: object) -> dict[str, Any] | None:
    """The update inside a getUpdates answer or webhook body, wrapped or bare; None if empty.

    Accepts ``{"ok": true, "result": {...update...}}`` and the bare update. Returns a copy of
    the update with string ids, or None when the result is empty (a long-poll timeout). Raises
    ``ValueError`` for anything else.
    """
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    if "event_name" in body:
        return _checked_update(body)
    if "ok" in body or "result" in body:
        if body.get("ok") is not True:
            raise ValueError("body is an error envelope, not an update")
        result = body.get("result")
        if result is None or result == {}:
            return None
        return _checked_update(result)
    raise ValueError("body is neither an update nor an {ok, result} envelope")


def _checked_update(update: object) -> dict[str, Any]:
    if not isinstance(update, dict):
        raise ValueError("update must be a JSON object")
    event_name = update.get("event_name")
    if not isinstance(event_name, str) or not event_name:
        raise ValueError("update.event_name must be a non-empty string")
    message = update.get("message")
    if not isinstance(message, dict):
        raise ValueError("update.message must be an object")
    chat = message.get("chat")
    if not isinstance(chat, dict):
        raise ValueError("message.chat must be an object")
    sender = message.get("from")
    if sender is not None and not isinstance(sender, dict):
        raise ValueError("message.from must be an object")
    date = message.get("date")
    if date is not None and (isinstance(date, bool) or not isinstance(date, int | float)):
        raise ValueError("message.date must be a number (milliseconds)")
    new_message = dict(message)
    new_message["message_id"] = _string_id(message.get("message_id"), "message.message_id")
    new_message["chat"] = {**chat, "id": _string_id(chat.get("id"), "message.chat.id")}
    if sender is not None:
        new_message["from"] = {**sender, "id": _string_id(sender.get("id"), "message.from.id")}
    return {**update, "message": new_message}
