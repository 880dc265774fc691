"""One test-side view of both fake messengers, so that every story runs on Telegram and Zalo.

A `Messenger` wraps a fake server (Telegram or Zalo) and knows the bot settings that point at
it; its `user(n, name)` is a `ChatUser` that sends and receives the same way on either. What a
story needs that only one messenger has (inline buttons, a Zalo webhook shape) lives in the
channel-specific test files, which reach the fake through `.server` and `.raw`.

    async with open_messenger("zalo") as zalo:
        lan = zalo.user(1, "Lan")
        await lan.send_text("/start ABCDE-FGHJK")
        assert "Đăng ký thành công" in await lan.expect_message()
"""

from __future__ import annotations

import hashlib
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal

from sqlalchemy import func, select

from bot.app import App
from core.messages import Incoming
from core.settings import Settings
from storage.db import Database
from storage.models import table as table_of
from tests.conftest import make_settings
from tests.fakes.telegram_server import FakeTelegramServer, FakeUser
from tests.fakes.telegram_server import Fault as TelegramFault
from tests.fakes.telegram_server import FaultKind as TelegramFaultKind
from tests.fakes.zalo_server import FakeZaloServer, FakeZaloUser
from tests.fakes.zalo_server import FaultKind as ZaloFaultKind

TELEGRAM_TOKEN = "123456:TEST-token-abcdef"
ZALO_TOKEN = "98765:TEST-zalo-token"
CHANNELS = ("telegram", "zalo")
LABELS = {"telegram": "Telegram", "zalo": "Zalo"}

SendFault = Literal["429", "5xx", "403"]
TELEGRAM_FAULTS: dict[SendFault, TelegramFaultKind] = {"429": "429", "5xx": "502", "403": "403"}
ZALO_FAULTS: dict[SendFault, ZaloFaultKind] = {"429": "429", "5xx": "500", "403": "403"}


def telegram_id(n: int) -> int:
    return 10_000 + n


def zalo_id(n: int) -> str:
    """A stable 20-hex-digit id (Zalo's shape) for person number `n`."""
    return hashlib.sha256(f"zalo-user-{n}".encode()).hexdigest()[:20]


# -- people -----------------------------------------------------------------------------------


class ChatUser(ABC):
    """A person writing to the bot from one messenger account."""

    def __init__(self, name: str, user_id: str) -> None:
        self.name = name
        self.id = user_id  # the external id as the bot stores it
        self.chat_id = user_id  # private chats: the chat id is the user's id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r}, {self.name!r})"

    @abstractmethod
    async def send_text(self, text: str, *, duplicate: bool = False) -> None:
        """Type `text` (`duplicate`: the messenger hands the update out twice, back to back)."""

    @abstractmethod
    async def send_sticker(self) -> None: ...

    @abstractmethod
    async def send_photo(self, caption: str | None = None) -> None: ...

    @abstractmethod
    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109 - as the fakes' expect_message
        contains: str | None = None,
    ) -> str:
        """The text of the next unread bot message (with `contains`: the next one holding it)."""

    @abstractmethod
    async def expect_no_message(self, within: float = 0.3) -> None: ...

    @property
    @abstractmethod
    def messages(self) -> list[str]:
        """Every bot message this person got, as text, in order."""

    @abstractmethod
    def redeliver_last(self) -> None:
        """The messenger delivers this person's last update once more (same update key)."""

    @abstractmethod
    def block(self) -> None:
        """The person blocks the bot: sending to them fails from now on."""


class TelegramChatUser(ChatUser):
    def __init__(self, raw: FakeUser) -> None:
        super().__init__(raw.first_name, str(raw.id))
        self.raw = raw
        self.last_update: dict[str, Any] | None = None

    async def send_text(self, text: str, *, duplicate: bool = False) -> None:
        self.last_update = await self.raw.send_text(text, duplicate=duplicate)

    async def send_sticker(self) -> None:
        self.last_update = await self.raw.send_sticker()

    async def send_photo(self, caption: str | None = None) -> None:
        self.last_update = await self.raw.send_photo(b"\x89PNG fake", caption=caption)

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> str:
        return (await self.raw.expect_message(timeout, contains)).text or ""

    async def expect_no_message(self, within: float = 0.3) -> None:
        await self.raw.expect_no_message(within)

    @property
    def messages(self) -> list[str]:
        return self.raw.texts

    def redeliver_last(self) -> None:
        assert self.last_update is not None, "nothing sent yet"
        self.raw.server.deliver_twice(self.last_update["update_id"])

    def block(self) -> None:
        self.raw.server.block(self.raw.id)


class ZaloChatUser(ChatUser):
    def __init__(self, raw: FakeZaloUser) -> None:
        super().__init__(raw.display_name, raw.id)
        self.raw = raw
        self.last_update: dict[str, Any] | None = None

    async def send_text(self, text: str, *, duplicate: bool = False) -> None:
        self.last_update = await self.raw.send_text(text, duplicate=duplicate)

    async def send_sticker(self) -> None:
        self.last_update = await self.raw.send_sticker()

    async def send_photo(self, caption: str | None = None) -> None:
        self.last_update = await self.raw.send_image(
            "https://photo.example.vn/anh.jpg", caption=caption
        )

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> str:
        return (await self.raw.expect_message(timeout, contains)).content

    async def expect_no_message(self, within: float = 0.3) -> None:
        await self.raw.expect_no_message(within)

    @property
    def messages(self) -> list[str]:
        return [m.content for m in self.raw.messages]

    def redeliver_last(self) -> None:
        assert self.last_update is not None, "nothing sent yet"
        self.raw.server.redeliver(self.last_update["message"]["message_id"])

    def block(self) -> None:
        self.raw.server.block(self.raw.id)


# -- messengers -------------------------------------------------------------------------------


class Messenger(ABC):
    """A fake messenger server and how the bot is pointed at it."""

    name: str
    token: str

    @property
    def label(self) -> str:
        """How the bot names this messenger to people ("Telegram", "Zalo")."""
        return LABELS[self.name]

    @property
    @abstractmethod
    def base_url(self) -> str: ...

    def channel_settings(self) -> dict[str, Any]:
        """The settings that turn this channel on, pointed at the fake server."""
        return {f"{self.name}_bot_token": self.token, f"{self.name}_api_base": self.base_url}

    def settings_for(self, db_url: str, **overrides: Any) -> Settings:
        """Bot settings for `db_url` serving this messenger only (nothing from the environment)."""
        return make_settings(db_url, **{**self.channel_settings(), **overrides})

    def env(self) -> dict[str, str]:
        """The same, as environment variables for `python -m bot run`."""
        return {k.upper(): str(v) for k, v in self.channel_settings().items()}

    @abstractmethod
    def user(self, n: int, name: str = "Người dùng") -> ChatUser:
        """Person number `n` (the same account every time it is asked for)."""

    @abstractmethod
    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until `predicate()` holds, re-checked as the server sees traffic."""

    @abstractmethod
    async def wait_consumed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until every update people sent has been taken by the bot and stored by it.

        Telegram: the getUpdates offset moved past them (the bot confirms only what it stored).
        Zalo: none is left to hand out and the bot asks for the next one (it stores each
        update before asking again)."""

    @abstractmethod
    def poll_mark(self) -> int:
        """A mark to give `wait_polling`, taken before a bot starts."""

    @abstractmethod
    async def wait_polling(self, mark: int, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        """Until a bot started after `mark` runs its polling loop."""

    @abstractmethod
    def fail_sends(self, kind: SendFault, *, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` sendMessage calls fail: 429 (with `retry_after`), 5xx, or 403."""

    @abstractmethod
    def slow_sends(self, delay: float, to: Sequence[ChatUser]) -> None:
        """sendMessage to these people is answered (and recorded) only after `delay` s, until
        `clear_faults`; the server records it even if the bot is gone by then."""

    @abstractmethod
    def clear_faults(self) -> None: ...

    @abstractmethod
    def send_attempts(self) -> int:
        """sendMessage requests the server has answered or is answering, failed ones included."""

    @abstractmethod
    def sends_unfinished(self) -> int:
        """sendMessage requests slowed by `slow_sends` that the server is still holding."""

    @abstractmethod
    async def pull_incoming(self) -> list[Incoming]:
        """Take every waiting update off the server as the bot's channel would, acknowledging
        them, and return them parsed by the channel adapter (for crash-before-handling tests)."""


class TelegramMessenger(Messenger):
    name = "telegram"
    token = TELEGRAM_TOKEN

    def __init__(self, server: FakeTelegramServer) -> None:
        self.server = server
        self._users: dict[int, TelegramChatUser] = {}
        self._slow: list[TelegramFault] = []
        self._slow_since = 0.0
        self._cleared_at: float | None = None

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def user(self, n: int, name: str = "Người dùng") -> TelegramChatUser:
        if n not in self._users:
            self._users[n] = TelegramChatUser(self.server.user(telegram_id(n), first_name=name))
        return self._users[n]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.server.wait_for(predicate, timeout)

    async def wait_consumed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.server.wait_updates_consumed(timeout)

    def _poll_starts(self) -> int:
        # The polling loop begins with deleteWebhook, then getUpdates right after it.
        return sum(1 for c in self.server.sent if c.method == "deleteWebhook")

    def poll_mark(self) -> int:
        return self._poll_starts()

    async def wait_polling(self, mark: int, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        await self.server.wait_for(lambda: self._poll_starts() > mark, timeout)

    def fail_sends(self, kind: SendFault, *, times: int = 1, retry_after: int = 1) -> None:
        self.server.faults.add(
            method="sendMessage", kind=TELEGRAM_FAULTS[kind], times=times, retry_after=retry_after
        )

    def slow_sends(self, delay: float, to: Sequence[ChatUser]) -> None:
        self._slow_since, self._cleared_at = time.time(), None
        self._slow = [
            self.server.faults.add(
                method="sendMessage", kind="slow", times=None, delay=delay, chat_id=int(u.chat_id)
            )
            for u in to
        ]

    def clear_faults(self) -> None:
        self.server.faults.clear()
        self._cleared_at = time.time()

    def send_attempts(self) -> int:
        return sum(1 for c in self.server.calls if c.method == "sendMessage")

    def sends_unfinished(self) -> int:
        # While installed, a slow fault is taken (counted in `hits`) as a call to its chat
        # starts; the call is recorded, with that start time, once answered.
        chats = {f.chat_id for f in self._slow}
        until = self._cleared_at
        answered = sum(
            1
            for c in self.server.calls
            if c.method == "sendMessage"
            and c.chat_id in chats
            and self._slow_since <= c.time
            and (until is None or c.time < until)
        )
        return sum(f.hits for f in self._slow) - answered

    async def pull_incoming(self) -> list[Incoming]:
        from bot.channels.telegram import make_bot, to_incoming

        bot = make_bot(self.token, self.base_url)
        try:
            updates = await bot.get_updates(timeout=0)
            if updates:  # confirm them, as the next getUpdates of the bot would
                await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        finally:
            await bot.session.close()
        return [m for m in (to_incoming(u) for u in updates) if m is not None]


class ZaloMessenger(Messenger):
    name = "zalo"
    token = ZALO_TOKEN

    def __init__(self, server: FakeZaloServer) -> None:
        self.server = server
        self._users: dict[int, ZaloChatUser] = {}

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def user(self, n: int, name: str = "Người dùng") -> ZaloChatUser:
        if n not in self._users:
            self._users[n] = ZaloChatUser(self.server.user(zalo_id(n), display_name=name))
        return self._users[n]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.server.wait_for(predicate, timeout)

    async def wait_consumed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        # Re-checked when a long poll starts: the bot asks again only after storing the last.
        await self.server.wait_for(
            lambda: self.server.pending_updates == 0 and self.server.waiting_pollers > 0, timeout
        )

    def poll_mark(self) -> int:
        return self.server.calls["getUpdates"]

    async def wait_polling(self, mark: int, timeout: float = 20.0) -> None:  # noqa: ASYNC109
        await self.server.wait_for(lambda: self.server.calls["getUpdates"] > mark, timeout)

    def fail_sends(self, kind: SendFault, *, times: int = 1, retry_after: int = 1) -> None:
        self.server.faults.add(
            "sendMessage", ZALO_FAULTS[kind], times=times, retry_after=retry_after
        )

    def slow_sends(self, delay: float, to: Sequence[ChatUser]) -> None:
        for u in to:
            self.server.faults.add("sendMessage", "slow", times=None, delay=delay, chat_id=u.id)

    def clear_faults(self) -> None:
        self.server.faults.clear()

    def send_attempts(self) -> int:
        return self.server.calls["sendMessage"]

    def sends_unfinished(self) -> int:
        # Counted when a request arrives, recorded in `sent` when answered (so: no failures).
        return self.server.calls["sendMessage"] - len(self.server.sent)

    async def pull_incoming(self) -> list[Incoming]:
        from bot.channels.zalo import to_incoming
        from bot.channels.zalo_api import ZaloBotAPI

        out: list[Incoming] = []
        async with ZaloBotAPI(self.token, base_url=self.base_url) as api:
            while (update := await api.get_updates(timeout=0)) is not None:
                if (m := to_incoming(update)) is not None:
                    out.append(m)
        return out


@asynccontextmanager
async def open_messenger(name: str) -> AsyncIterator[Messenger]:
    """A running fake server for `name` ("telegram" or "zalo"), as a Messenger."""
    if name == "telegram":
        async with FakeTelegramServer(token=TELEGRAM_TOKEN) as tg:
            yield TelegramMessenger(tg)
    elif name == "zalo":
        async with FakeZaloServer(token=ZALO_TOKEN) as zalo:
            yield ZaloMessenger(zalo)
    else:
        raise ValueError(f"no messenger {name!r}")


async def settle(messenger: Messenger, app: App, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Until everything people sent so far is stored, handled and its replies delivered."""
    await messenger.wait_consumed(timeout)
    await app.pipeline.drain(timeout)


# -- the stored outcome -----------------------------------------------------------------------


def _db(target: App | Database) -> Database:
    return target.db if isinstance(target, App) else target


def _table(model: type) -> Any:
    return table_of(model)


async def count(target: App | Database, model: type, *where: Any) -> int:
    """Rows of `model`'s table (matching `where`)."""
    q = select(func.count()).select_from(_table(model))
    for w in where:
        q = q.where(w)
    async with _db(target).read() as conn:
        return int((await conn.execute(q)).scalar_one())


async def distinct_count(target: App | Database, model: type, name: str) -> int:
    """Distinct non-null values in one column."""
    q = select(func.count(func.distinct(_table(model).c[name])))
    async with _db(target).read() as conn:
        return int((await conn.execute(q)).scalar_one())


async def values(
    target: App | Database, model: type, *names: str, where: Sequence[Any] = ()
) -> list[tuple[Any, ...]]:
    """The `names` columns of `model`'s rows matching `where`, in the order of their ids."""
    table = _table(model)
    q = select(*(table.c[n] for n in names))
    for w in where:
        q = q.where(w)
    if "id" in table.c:
        q = q.order_by(table.c.id)
    async with _db(target).read() as conn:
        return [tuple(r) for r in await conn.execute(q)]


async def value(target: App | Database, model: type, name: str, *where: Any) -> Any:
    """One column of the one row of `model` matching `where`."""
    [(v,)] = await values(target, model, name, where=where)
    return v
