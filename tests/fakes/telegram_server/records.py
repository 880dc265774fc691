"""What the server records of the bot's calls, messages and files, and the waiting on them.

``_Signal`` wakes waiters when something changes, so tests wait for a condition without
sleeping in a loop; ``WaitTimeout`` is the failure when it does not come true in time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.telegram_server.common import _FILE_DIRS, JsonDict


class WaitTimeout(AssertionError):
    """A wait or expectation did not come true in time."""


class _Signal:
    """A condition variable whose notify() is synchronous (no lock to take).

    Waiters re-check their predicate each time the signal fires; nothing sleeps in a loop.
    """

    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        if not self._waiters:
            return
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:  # noqa: ASYNC109
        """True once `predicate()` holds; False if `timeout` seconds pass first."""
        if predicate():
            return True
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                if deadline is None:
                    await fut
                else:
                    async with asyncio.timeout_at(deadline):
                        await fut
            except TimeoutError:
                return predicate()
            finally:
                if not fut.done():
                    fut.cancel()
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(fut)
            if predicate():
                return True


@dataclass(slots=True)
class ApiCall:
    """One API request the bot made."""

    method: str
    params: JsonDict
    chat_id: int | None
    time: float
    status: int = 200
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(slots=True)
class FakeFile:
    """A file the server holds: sent by a user or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None  # sent by the bot as an HTTP URL (never fetched)

    @property
    def file_size(self) -> int:
        return len(self.data)

    def as_file(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass(slots=True, eq=False)
class BotMessage:
    """A message the bot sent, kept up to date by edits and deletion."""

    chat_id: int
    message_id: int
    method: str
    text: str | None  # visible text (entities parsed), or the caption
    raw_text: str | None  # as sent, with markup
    entities: list[JsonDict]
    reply_markup: JsonDict | None
    params: JsonDict
    message: JsonDict  # the Message object as the server returned it (last edit applied)
    time: float
    file: FakeFile | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def kind(self) -> str:
        return next(
            (k for k in ("text", *_FILE_DIRS, "contact", "location", "dice") if k in self.message),
            "other",
        )

    @property
    def keyboard_kind(self) -> str | None:
        m = self.reply_markup or {}
        for key, kind in (
            ("inline_keyboard", "inline"),
            ("keyboard", "reply"),
            ("remove_keyboard", "remove"),
            ("force_reply", "force_reply"),
        ):
            if key in m:
                return kind
        return None

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Every button, row by row: (text, callback_data); reply-keyboard buttons have None."""
        m = self.reply_markup or {}
        rows = m.get("inline_keyboard") or m.get("keyboard") or []
        return [(str(b.get("text", "")), b.get("callback_data")) for row in rows for b in row]

    def __repr__(self) -> str:
        return (
            f"BotMessage(chat={self.chat_id}, id={self.message_id}, {self.method}, {self.text!r})"
        )


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    update_id: int
    url: str
    status: int | None
    error: str | None
    time: float

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
